"""ui/shell/workers.py: work runs on the pool and reports through signals; no nested event loop."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.ui.shell import workers
from carecoord_desktop.ui.shell.workers import (
    Job,
    WaitDialog,
    run_modal,
    start_job,
    start_with_progress,
)

UI = Path(workers.__file__).resolve().parent


def test_no_module_in_ui_runs_a_hand_made_event_loop():
    """A nested QEventLoop lets timers and repaints query a workspace mid-replacement."""
    offenders = [
        f"{path.relative_to(UI)}:{n}"
        for path in sorted(UI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bQEventLoop\b|processEvents\(", line)
    ]
    assert offenders == []


def test_a_long_task_leaves_the_event_loop_running(qtbot):
    """The worker ends only once a GUI timer has fired three times while it waits."""
    ticks: list[int] = []
    release = threading.Event()
    timer = QTimer()
    timer.setInterval(10)

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 3:
            release.set()

    timer.timeout.connect(tick)
    timer.start()
    owner = QWidget()
    qtbot.addWidget(owner)
    results: list[object] = []

    def long_work() -> str:
        if not release.wait(30):
            raise TimeoutError("the GUI thread never ran its timer")
        return "done"

    job = start_with_progress(
        owner, "Working…", long_work, on_done=results.append, on_failed=results.append
    )
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    timer.stop()
    assert results == ["done"] and len(ticks) >= 3


def test_results_and_errors_arrive_on_the_gui_thread(qtbot):
    seen: list[tuple[str, bool]] = []
    main = threading.current_thread()

    def where() -> bool:
        return threading.current_thread() is main

    ok = start_job(None, where, on_done=lambda r: seen.append(("done", r)))
    with qtbot.waitSignal(ok.finished):
        pass

    def refuse():
        raise ValidationError("Enter the family name.", field="family_name")

    bad = start_job(None, refuse, on_failed=lambda e: seen.append(("failed", where())))
    with qtbot.waitSignal(bad.failed) as blocker:
        pass
    assert isinstance(blocker.args[0], ValidationError)
    assert seen == [("done", False), ("failed", True)]  # work off it, answers on it


def test_the_wait_dialog_is_modal_and_cannot_be_closed_by_the_user(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.show()
    release = threading.Event()
    job = start_with_progress(
        owner, "Working…", release.wait, 30, on_done=lambda _r: None, on_failed=print
    )
    dialog = owner.findChild(WaitDialog)
    try:
        assert dialog.isVisible()
        assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.close()
        assert dialog.isVisible(), "Escape or close would leave the work running, the app open"
    finally:
        release.set()
    with qtbot.waitSignal(job.finished):
        pass
    qtbot.waitUntil(lambda: owner.findChild(WaitDialog) is None)


def test_an_answer_for_a_closed_screen_is_dropped(qtbot):
    owner = QWidget()
    release = threading.Event()
    delivered: list[object] = []
    start_job(owner, release.wait, 30, on_done=delivered.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner))
    release.set()
    assert QThreadPool.globalInstance().waitForDone(5000)
    # Queued answers arrive in order: once a later job's has, the first one's would have too.
    later = start_job(None, lambda: "later")
    with qtbot.waitSignal(later.finished):
        pass
    assert delivered == []


def test_a_queued_job_can_be_taken_back(qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    first = Job(release.wait, 30).start(pool)
    second = Job(lambda: "never").start(pool)
    assert second.cancel(), "a job still waiting for a thread is taken back"
    assert not first.cancel(), "a running one cannot be stopped"
    release.set()
    with qtbot.waitSignal(first.finished):
        pass
    assert pool.waitForDone(5000)
    assert second.cancelled and not second.done


def test_run_modal_returns_or_raises_the_workers_answer(qtbot):
    assert run_modal(None, "Opening…", lambda a, b: a + b, 2, 3) == 5

    def refuse():
        raise ValidationError("That folder is not a workspace.")

    with pytest.raises(ValidationError, match="not a workspace"):
        run_modal(None, "Opening…", refuse)
