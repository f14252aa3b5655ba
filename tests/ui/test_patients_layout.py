"""The Patients screen as the QA tester used it at 1280x800: the risk summary can be found
without a right-click, names with a preferred name are not cut, the coordinator stays beside
the risk panel, and the Saved filters arrow keeps off its text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.ui.patients.list_model import (
    COLUMNS,
    COORDINATOR,
    MEDICARE,
    NAME,
    OPEN_TASKS,
    PLAN,
    PRACTICE_ID,
)
from carecoord_desktop.ui.patients.screen import RISK_KEY
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.help import guide_html
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.screens import SCREENS
from carecoord_desktop.ui.shell.state import AppState
from tests_support import TEST_SCRYPT_N


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    made = demo.create_demo_workspace(
        tmp_path_factory.mktemp("layout") / "ws", patients=300, seed=3, scrypt_n=TEST_SCRYPT_N
    )
    yield made.workspace
    QThreadPool.globalInstance().waitForDone()
    made.workspace.close()


@pytest.fixture
def window(qtbot, demo_ws, tmp_path):
    QApplication.instance().setStyleSheet(stylesheet())
    actor = accounts.authenticate(demo_ws, "admin", demo.DEMO_PASSWORD)
    win = MainWindow(
        AppState(demo_ws, actor, settings.load(demo_ws)), settings_path=tmp_path / "ui.ini"
    )
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    screen = win.screen_widget("patients")
    qtbot.waitUntil(lambda: not screen.searching and not screen.model.partial, timeout=10_000)
    qtbot.waitUntil(lambda: screen.coordinator.count() > 2, timeout=10_000)
    yield win
    QApplication.instance().setStyleSheet("")
    QThreadPool.globalInstance().waitForDone()


def _widest_name(screen) -> tuple[str, int]:
    metrics = screen.view.fontMetrics()
    rows = range(min(screen.model.rowCount(), screen.model.BLOCK_SIZE))
    names = [screen.model.row_data(r).display_name for r in rows]
    widest = max(names, key=metrics.horizontalAdvance)
    return widest, metrics.horizontalAdvance(widest)


def test_a_name_with_a_preferred_name_is_shown_in_full_at_1280(qtbot, window):
    screen = window.screen_widget("patients")
    view, header = screen.view, screen.view.horizontalHeader()
    widest, width = _widest_name(screen)
    assert "(" in widest, "the longest names carry a preferred name in brackets"
    qtbot.waitUntil(lambda: header.sectionSize(NAME) >= width + 16)  # the cell's margins
    assert view.horizontalScrollBar().maximum() == 0
    assert sum(header.sectionSize(c) for c in range(len(COLUMNS))) <= view.viewport().width()
    # The care plan and task columns take room: Medicare goes first, the plan's status and
    # then the open-tasks count rather than cut a name; the next review stays.
    hidden = {c for c in range(len(COLUMNS)) if view.isColumnHidden(c)}
    assert {MEDICARE, PLAN} <= hidden <= {MEDICARE, PLAN, OPEN_TASKS}


def test_with_the_risk_panel_open_medicare_goes_first_and_the_coordinator_stays(qtbot, window):
    screen = window.screen_widget("patients")
    view = screen.view
    assert not screen.risk_button.isEnabled(), "nothing selected: nothing to explain"
    view.selectRow(3)
    assert screen.risk_button.isEnabled()
    qtbot.mouseClick(screen.risk_button, Qt.MouseButton.LeftButton)
    assert screen.panel.isVisible() and screen.panel.patient_id == screen.model.patient_id(3)
    qtbot.waitUntil(lambda: view.isColumnHidden(PRACTICE_ID))  # the panel shows it
    assert view.isColumnHidden(MEDICARE)
    assert not view.isColumnHidden(COORDINATOR), "the coordinator stays beside the panel"
    assert not view.isColumnHidden(NAME)
    assert view.horizontalScrollBar().maximum() == 0
    window.grab().save(str(screen.state.ws.folder / "patients-risk-panel-1280.png"))


def test_the_risk_key_opens_and_the_summary_follows_the_selection(qtbot, window):
    screen = window.screen_widget("patients")
    screen.view.setFocus()
    screen.view.selectRow(0)
    qtbot.keyClick(screen.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert screen.panel.isVisible() and screen.panel.patient_id == screen.model.patient_id(0)
    qtbot.keyClick(screen.view, Qt.Key.Key_Down)
    assert screen.panel.patient_id == screen.model.patient_id(1), "the open summary follows"
    assert RISK_KEY in screen.risk_button.toolTip()
    # Enter still opens the full record, not the summary.
    qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.opener.open_windows()) == 1)


def test_the_help_says_how_to_see_why_a_patient_is_at_risk():
    text = guide_html(SCREENS, [])
    assert "Why this risk?" in text and RISK_KEY in text


def test_the_saved_filters_arrow_has_room_of_its_own(window):
    button = window.screen_widget("patients").saved_filters
    text = button.fontMetrics().horizontalAdvance(button.text())
    # The text's own padding (14 px) plus a right padding wide enough for the arrow.
    assert button.sizeHint().width() >= text + 14 + 30
    assert button.width() >= button.sizeHint().width()


def test_every_filter_shows_its_whole_choice_at_1280(window):
    """'All coordinators' was cut to 'All coordina' once the nav made room for its titles."""
    screen = window.screen_widget("patients")
    for combo in (screen.risk, screen.coordinator, screen.discharged, screen.care_plan):
        metrics = combo.fontMetrics()
        assert combo.width() >= metrics.horizontalAdvance(combo.currentText()) + 24, (
            combo.currentText(),
            combo.width(),
        )
