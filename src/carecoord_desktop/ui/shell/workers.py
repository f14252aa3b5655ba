"""Long work off the GUI thread: work runs on the thread pool and reports back through signals.

Worker functions never touch widgets; they get plain arguments and return plain results, and
open their own database sessions through the services (the workspace's engine hands each thread
its own pooled connection). Callers continue in a slot: nothing here waits in a hand-made event
loop, so no timer or repaint runs in the middle of a caller's half-finished step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QWidget

from carecoord_desktop.scrub import as_user_error
from carecoord_desktop.services import workspaces


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class Task(QRunnable):
    """The pool's side: runs `fn` and emits finished(result) or failed(error)."""

    def __init__(self, fn: Callable[..., Any], *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self.signals = _Signals()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.started = False
        if with_progress:
            self.kwargs["progress"] = self.signals.progressed.emit

    def run(self) -> None:
        self.started = True
        with _running:
            _running.count += 1
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # reported to the GUI thread, never swallowed
            # An unplanned error is logged scrubbed and reaches the screen in words: its own
            # message and traceback may carry the row it failed on.
            self.signals.failed.emit(as_user_error(exc, where=getattr(self.fn, "__name__", "")))
        else:
            self.signals.finished.emit(result)
        finally:
            with _running:
                _running.count -= 1
                _running.notify_all()


class _Running(threading.Condition):
    count = 0  # tasks running now
    waiting = 0  # tasks waiting for the others to end


_running = _Running()


def wait_for_other_work(timeout: float = 60.0) -> bool:
    """On a worker: wait until no other task runs (a restore lets earlier reads finish before
    it swaps the database). False if some still ran after `timeout` seconds."""
    with _running:
        _running.waiting += 1
        try:
            return _running.wait_for(lambda: _running.count <= 1, timeout)
        finally:
            _running.waiting -= 1


class Job(QObject):
    """The GUI thread's side of one task: finished(result) / failed(error) arrive queued.

    Parented to the widget that asked, so an answer that arrives after that widget is gone is
    dropped with it rather than delivered to a deleted screen.
    """

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)

    def __init__(
        self,
        fn: Callable[..., Any],
        *args,
        parent: QObject | None = None,
        with_progress: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(parent)
        self.task = Task(fn, *args, with_progress=with_progress, **kwargs)
        self.running = False
        self.done = False
        self.cancelled = False
        self._pool: QThreadPool | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self.task.signals.finished.connect(self._on_finished, queued)
        self.task.signals.failed.connect(self._on_failed, queued)
        self.task.signals.progressed.connect(self.progressed, queued)
        if parent is None:
            _LIVE.add(self)  # a parentless job must outlive its caller's frame

    def start(self, pool: QThreadPool | None = None) -> Job:
        self.running = True
        self._pool = pool
        (pool or QThreadPool.globalInstance()).start(self.task)
        return self

    def cancel(self) -> bool:
        """Take the task back if it has not started (True); a running one cannot be stopped,
        and its answer is still delivered (callers drop it by generation)."""
        # A task that has run is deleted by the pool before its answer arrives here.
        if not self.running or not shiboken6.isValid(self.task) or self.task.started:
            return False
        if (self._pool or QThreadPool.globalInstance()).tryTake(self.task):
            self.running, self.cancelled = False, True
            _LIVE.discard(self)
            return True
        return False

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._end()
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self._end()
        self.failed.emit(error)

    def _end(self) -> None:
        self.running, self.done = False, True
        _LIVE.discard(self)


_LIVE: set[Job] = set()


def start_job(
    owner: QObject | None,
    fn: Callable[..., Any],
    *args,
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[Exception], None] | None = None,
    **kwargs,
) -> Job:
    """Run `fn(*args, **kwargs)` on the pool; `on_done(result)` or `on_failed(error)` run later
    on the GUI thread (only while `owner` still exists)."""
    job = Job(fn, *args, parent=owner, **kwargs)
    if on_done is not None:
        job.finished.connect(on_done)
    if on_failed is not None:
        job.failed.connect(on_failed)
    return job.start()


class WaitDialog(QProgressDialog):
    """A "please wait" while a job runs: modal to the whole app, no cancel, cannot be closed by
    the user; the job closes it."""

    def __init__(self, label: str, parent: QWidget | None) -> None:
        super().__init__(label, None, 0, 0, parent)
        self.setObjectName("waitDialog")
        self.setWindowTitle("Please wait")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.setMinimumDuration(0)
        self._finishing = False

    def progress(self, value: int, total: int) -> None:
        self.setMaximum(total)
        self.setValue(value)

    def finish(self, code: QDialog.DialogCode = QDialog.DialogCode.Accepted) -> None:
        self._finishing = True
        self.done(code)
        self.deleteLater()

    # Escape and the title bar's close would leave the work running with the app unlocked.
    def reject(self) -> None:  # Qt override
        if self._finishing or QApplication.instance().property("quitRequested"):
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        if self._finishing:
            super().closeEvent(event)
        else:
            event.ignore()


def start_with_progress(
    parent: QWidget | None,
    label: str,
    fn: Callable[..., Any],
    *args,
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
    with_progress: bool = False,
    **kwargs,
) -> Job:
    """Run `fn` on the pool behind a modal "please wait" dialog, the only thing the user can
    use meanwhile; the caller continues in `on_done(result)` or `on_failed(error)`."""
    dialog = WaitDialog(label, parent)
    # The job belongs to the caller's widget, not the dialog, which is gone as soon as it ends.
    job = Job(fn, *args, parent=parent, with_progress=with_progress, **kwargs)
    job.progressed.connect(dialog.progress)

    def finished(result: object) -> None:
        dialog.finish()
        on_done(result)

    def failed(error: object) -> None:
        dialog.finish(QDialog.DialogCode.Rejected)
        on_failed(error)  # type: ignore[arg-type]

    job.finished.connect(finished)
    job.failed.connect(failed)
    dialog.show()  # (open() would make it modal to its window only)
    return job.start()


def run_modal(
    parent: QWidget | None,
    label: str,
    fn: Callable[..., Any],
    *args,
    with_progress: bool = False,
    **kwargs,
) -> Any:
    """Return (or raise) `fn`'s result while a modal "please wait" dialog runs Qt's own modal
    loop (QDialog.exec). Only for start-up steps before any screen or timer exists (app.py):
    everywhere else use start_with_progress and continue in a slot."""
    dialog = WaitDialog(label, parent)
    outcome: dict[str, Any] = {}
    job = Job(fn, *args, parent=parent, with_progress=with_progress, **kwargs)
    job.progressed.connect(dialog.progress)
    job.finished.connect(lambda result: (outcome.setdefault("result", result), dialog.finish()))
    job.failed.connect(lambda error: (outcome.setdefault("error", error), dialog.finish()))
    job.start()
    if not job.done:
        dialog.exec()  # the job's answer closes it (or a quit request rejects it)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def start_backup(
    parent: QWidget | None,
    ws,
    actor,
    *,
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
) -> Job:
    """The one "Back up now" action, shared by the menu and the admin screen."""
    return start_with_progress(
        parent,
        "Writing and verifying the backup…",
        workspaces.backup_now,
        ws,
        actor,
        on_done=on_done,
        on_failed=on_failed,
    )
