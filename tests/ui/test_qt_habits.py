"""The autouse fixtures of tests/ui/conftest.py fail a test that leaves Qt work behind."""

from __future__ import annotations

from pathlib import Path

LEAKY_TESTS = """
import pytest
from PySide6.QtCore import QRunnable, QThread, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget
import threading

release = threading.Event()


class Waits(QRunnable):
    def run(self):
        release.wait(5)


def test_clean(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    timer = QTimer(widget)
    timer.start(60_000)
    QTimer.singleShot(0, lambda: None)


def test_leaves_pool_work():
    QThreadPool.globalInstance().start(Waits())
    threading.Timer(2.5, release.set).start()  # frees it only after the fixture's grace


def test_leaves_a_timer():
    test_leaves_a_timer.timer = QTimer()
    test_leaves_a_timer.timer.start(60_000)


def test_leaves_a_single_shot():
    QTimer.singleShot(60_000, lambda: None)


def test_leaves_a_window(qapp):
    test_leaves_a_window.window = QWidget()
    test_leaves_a_window.window.setWindowTitle("Forgotten")
    test_leaves_a_window.window.show()


def test_leaves_a_thread():
    thread = QThread()
    freed = threading.Event()
    thread.run = lambda: freed.wait(5)
    test_leaves_a_thread.thread = thread
    thread.start()
    threading.Timer(2.5, freed.set).start()


@pytest.mark.leaves_qt_running
def test_marked_may_leave_a_window(qapp):
    test_marked_may_leave_a_window.window = QWidget()
    test_marked_may_leave_a_window.window.show()
"""


def test_each_kind_of_leftover_fails_its_own_test(pytester):
    here = Path(__file__).parent
    pytester.makeconftest((here / "conftest.py").read_text())
    pytester.makeini(
        "[pytest]\nqt_api = pyside6\nmarkers =\n    leaves_qt_running: may leave Qt work\n"
    )
    pytester.makepyfile(test_leaky=LEAKY_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=7, errors=5)
    out = result.stdout.str()
    assert "test_leaves_pool_work left QThreadPool work running" in out
    assert "test_leaves_a_timer left 1 QTimer(s) running" in out
    assert "test_leaves_a_single_shot left 1 QTimer(s) running" in out
    assert "test_leaves_a_window left windows open: QWidget 'Forgotten'" in out
    assert "test_leaves_a_thread left QThreads running" in out
    assert "ERROR test_leaky.py::test_clean" not in out
    assert "ERROR test_leaky.py::test_marked" not in out


def test_single_shot_forms_still_fire(qtbot):
    from PySide6.QtCore import QObject, Qt, QTimer

    fired = []
    owner = QObject()
    QTimer.singleShot(0, lambda: fired.append("plain"))
    QTimer.singleShot(0, owner, lambda: fired.append("context"))
    QTimer.singleShot(0, Qt.TimerType.PreciseTimer, owner, lambda: fired.append("typed"))
    qtbot.waitUntil(lambda: len(fired) == 3)
    assert sorted(fired) == ["context", "plain", "typed"]
