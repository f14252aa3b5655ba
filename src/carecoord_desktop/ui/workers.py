"""Long work off the GUI thread: a QRunnable that reports back through signals.

Worker functions never touch widgets; they get plain arguments and return plain results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from carecoord_desktop.scrub import as_user_error
from carecoord_desktop.services import workspaces


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self.signals = _Signals()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        if with_progress:
            self.kwargs["progress"] = self.signals.progressed.emit

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # reported to the GUI thread, never swallowed
            # An unplanned error is logged scrubbed and reaches the screen in words: its own
            # message and traceback may carry the row it failed on.
            self.signals.failed.emit(as_user_error(exc, where=getattr(self.fn, "__name__", "")))
        else:
            self.signals.finished.emit(result)


def run_with_progress(
    parent: QWidget | None,
    label: str,
    fn: Callable[..., Any],
    *args,
    with_progress: bool = False,
    **kwargs,
) -> Any:
    """Run `fn` on the thread pool behind a modal progress dialog; return or raise its result.

    The GUI keeps painting while it runs (a local event loop waits for the worker).
    """
    task = Task(fn, *args, with_progress=with_progress, **kwargs)
    dialog = QProgressDialog(label, None, 0, 0, parent)
    dialog.setWindowTitle("Please wait")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def done(result):
        outcome["result"] = result
        loop.quit()

    def failed(exc):
        outcome["error"] = exc
        loop.quit()

    def progressed(value: int, total: int):
        dialog.setMaximum(total)
        dialog.setValue(value)

    task.signals.finished.connect(done, Qt.ConnectionType.QueuedConnection)
    task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    task.signals.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
    QThreadPool.globalInstance().start(task)
    loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def backup_with_progress(parent: QWidget | None, ws, actor):
    """The one "Back up now" action, shared by the menu and the admin screen."""
    return run_with_progress(
        parent, "Writing and verifying the backup…", workspaces.backup_now, ws, actor
    )
