"""The GUI's last line: an error nobody caught is logged scrubbed and told to the user in words.

Without this, Python prints the raw traceback (with the row a database error failed on) to
stderr and Qt's own warnings go out unfiltered.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from carecoord_desktop import APP_NAME
from carecoord_desktop.scrub import install_excepthooks, log, scrub_text

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_showing = False


def show_unexpected(message: str) -> None:
    """One message box at a time: an error repeated by every repaint must not stack boxes."""
    global _showing
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        QMessageBox.critical(QApplication.activeWindow(), APP_NAME, message)
    finally:
        _showing = False


def qt_message(mode: QtMsgType, _context, message: str) -> None:
    log.log(_LEVELS.get(mode, logging.WARNING), "Qt: " + scrub_text(message))


def install_gui_hooks() -> None:
    """Called once by the app: Python's and Qt's error outputs go through the scrubber."""
    install_excepthooks(on_main_thread_error=show_unexpected)
    qInstallMessageHandler(qt_message)
