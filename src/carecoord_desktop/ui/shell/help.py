"""F1: a short guide to the screens the signed-in user has, and the keys that work everywhere.

Built from the screen declarations and the shell's own actions, so it cannot describe a screen
that does not exist or a shortcut that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from carecoord_desktop import APP_NAME
from carecoord_desktop.ui.shell.screens import ScreenSpec

_WORKING_SAFELY = (
    "Lock the screen whenever you step away from the computer; CareCoord also locks itself "
    "after a few idle minutes (the administrator sets how many). Locking hides every CareCoord "
    "window. To let a colleague sign in, use Switch user: your windows close and you are "
    "signed out when they sign in.",
    "Everything you open, change, print or export is recorded in the practice's audit log "
    "under your name, so sign in with your own account only.",
    "Patient records open in their own windows, so several can be open side by side; the keys "
    "below work in those windows too.",
)


def _shortcut_text(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def guide_html(screens: Iterable[ScreenSpec], actions: Iterable[QAction]) -> str:
    parts = [f"<h2>{escape(APP_NAME)}: a short guide</h2>", "<h3>Screens</h3>", "<dl>"]
    for spec in screens:
        parts.append(
            f"<dt><b>{escape(spec.title)}</b> &nbsp;<span style='color:#4a5a6a'>"
            f"{escape(spec.shortcut)}</span></dt><dd>{escape(spec.guide)}</dd>"
        )
    parts.append("</dl><h3>Keys that work in every CareCoord window</h3><table cellpadding='3'>")
    for action in actions:
        key = _shortcut_text(action)
        if key and action.isVisible() and action.isEnabled():
            name = action.text().replace("&", "").rstrip("…")
            parts.append(f"<tr><td><b>{escape(key)}</b></td><td>{escape(name)}</td></tr>")
    parts.append("</table><h3>Working safely</h3>")
    parts.extend(f"<p>{escape(p)}</p>" for p in _WORKING_SAFELY)
    return "".join(parts)


class HelpDialog(QDialog):
    """Not modal: the guide can stay open beside the screen it describes."""

    def __init__(
        self,
        screens: Iterable[ScreenSpec],
        actions: Iterable[QAction],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} help")
        self.resize(620, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html(screens, actions))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
