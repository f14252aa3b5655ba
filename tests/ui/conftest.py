"""Qt test habits (after napari's conftest): a test leaves no worker, timer or window behind.

What one test leaves running fires during the next one: a worker's `finished` reaching a
closed screen, a debounce timer querying a workspace already closed, a dialog still open
under the next test's dialogs. Each autouse fixture below fails the test that left it, by
name, and then cleans up so the next test starts clean.

Escape hatch for a test that means to leave something (none does today):
`@pytest.mark.leaves_qt_running`.
"""

from __future__ import annotations

import traceback
import weakref

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QThread, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

# Work that is finishing as the test ends (its `finished` already delivered) gets this long.
GRACE_MS = 2_000


def _allowed(request) -> bool:
    return request.node.get_closest_marker("leaves_qt_running") is not None


def _flush_deletes() -> None:
    """Run the deleteLater()s that pytest-qt's close of the test's widgets queued."""
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _where(stack: traceback.StackSummary) -> str:
    frames = [f for f in stack if f.filename != __file__]
    return "".join(traceback.format_list(frames[-4:]))


@pytest.fixture(autouse=True)
def no_dangling_thread_pool(request, monkeypatch):
    pools: list[QThreadPool] = []  # strong: a pool's Python wrapper may be dropped at once
    start = QThreadPool.start

    def tracked_start(self, *args, **kwargs):
        if not any(pool is self for pool in pools):
            pools.append(self)
        return start(self, *args, **kwargs)

    monkeypatch.setattr(QThreadPool, "start", tracked_start)
    yield
    busy = [pool for pool in pools if not pool.waitForDone(GRACE_MS)]
    for pool in busy:
        pool.waitForDone(60_000)  # let it end before the next test, then report it
    if busy and not _allowed(request):
        pytest.fail(
            f"{request.node.name} left QThreadPool work running: wait for its finished signal "
            "(qtbot.waitSignal) or waitForDone() the pool before the test ends",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def no_dangling_qthreads(request, monkeypatch):
    threads: dict[int, tuple[weakref.ref, traceback.StackSummary]] = {}
    start = QThread.start

    def tracked_start(self, *args, **kwargs):
        threads[id(self)] = (weakref.ref(self), traceback.extract_stack())
        return start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", tracked_start)
    yield
    running = []
    for ref, stack in threads.values():
        thread = ref()
        if thread is None or not shiboken6.isValid(thread):
            continue
        if not thread.wait(GRACE_MS):
            running.append(_where(stack))
            thread.quit()
            thread.wait(60_000)
    if running and not _allowed(request):
        pytest.fail(
            f"{request.node.name} left QThreads running, started at:\n" + "\n".join(running),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def no_dangling_timers(request, monkeypatch):
    timers: list[tuple[weakref.ref, traceback.StackSummary]] = []
    start = QTimer.start

    def tracked_start(self, *args, **kwargs):
        timers.append((weakref.ref(self), traceback.extract_stack()))
        # Connected to a signal (`textChanged.connect(timer.start)`), Qt drops the signal's
        # arguments that start() cannot take; this Python stand-in must do the same.
        return start(self, *(a for a in args[:1] if isinstance(a, int)))

    def tracked_single_shot(msec, *args):
        # A QTimer stands in for the static call so that a pending one can be seen and stopped.
        *rest, slot = args  # (slot), (context, slot), (timer type, context, slot)
        owners = [a for a in rest if isinstance(a, QObject)]
        timer = QTimer(owners[0] if owners else None)
        timer.setSingleShot(True)
        for kind in (a for a in rest if isinstance(a, Qt.TimerType)):
            timer.setTimerType(kind)
        timer.timeout.connect(slot)
        timer.timeout.connect(timer.deleteLater)
        tracked_start(timer, msec)
        keep.append(timer)  # a parentless timer must outlive this call

    keep: list[QTimer] = []
    monkeypatch.setattr(QTimer, "start", tracked_start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(tracked_single_shot))
    yield
    _flush_deletes()
    active = []
    for ref, stack in timers:
        timer = ref()
        if timer is None or not shiboken6.isValid(timer) or not timer.isActive():
            continue
        active.append(_where(stack))
        timer.stop()
    keep.clear()
    if active and not _allowed(request):
        pytest.fail(
            f"{request.node.name} left {len(active)} QTimer(s) running, started at:\n"
            + "\n".join(active)
            + "\nstop them, or close (and delete) the widget that owns them",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def no_windows_left_open(request, qapp):
    before = {id(w) for w in qapp.topLevelWidgets() if w.isVisible()}
    yield
    _flush_deletes()
    left = [
        w for w in qapp.topLevelWidgets() if w.isVisible() and id(w) not in before and w.isWindow()
    ]
    names = [f"{type(w).__name__} {w.windowTitle()!r}" for w in left]
    for widget in left:
        widget.close()
    _flush_deletes()
    if left and not _allowed(request):
        pytest.fail(
            f"{request.node.name} left windows open: {', '.join(names)}; register them with "
            "qtbot.addWidget() or close them before the test ends",
            pytrace=False,
        )


# While a test is torn down, the windows it leaves (closed by qtbot) are dismissed as a user who
# answers "Discard" would: a record form with typed input asks before it closes (ui.form_kit.
# ask_discard), and that question must not wait for a click no test will give.
_TEARDOWN = {"on": False}


@pytest.hookimpl(wrapper=True, tryfirst=True)  # before pytest-qt's wrapper closes the widgets
def pytest_runtest_teardown(item):
    _TEARDOWN["on"] = True
    return (yield)


@pytest.fixture(autouse=True)
def unsaved_input_discarded_at_teardown(monkeypatch):
    exec_ = QMessageBox.exec

    def exec_or_discard(box, *args):
        if _TEARDOWN["on"]:
            for button in box.buttons():
                if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole:
                    button.click()
                    return 0
        return exec_(box, *args)

    _TEARDOWN["on"] = False
    monkeypatch.setattr(QMessageBox, "exec", exec_or_discard)
    yield
    _TEARDOWN["on"] = False
