"""The practice copies a shipped template and edits its copy in the app: the goals in the
patient's words, an intervention, the review interval; a bad number is said, nothing saved;
shipped templates stay read-only; retiring one stops it being offered; reception has no
Templates button."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services import settings
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.ui.careplans import templates_dialog
from carecoord_desktop.ui.careplans.screen import CarePlansScreen
from carecoord_desktop.ui.careplans.templates_dialog import TemplatesDialog
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.screens import ScreenContext, ShellRequests, record_sections
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot


def _state(ws, actor):
    return AppState(ws, actor, settings.load(ws))


def _idle(qtbot, dialog) -> None:
    """Wait until the dialog's reads and writes (on the thread pool) have answered."""
    qtbot.waitUntil(lambda: not dialog.loading and not dialog.busy, timeout=10_000)


def _open(qtbot, state) -> TemplatesDialog:
    dialog = TemplatesDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    _idle(qtbot, dialog)
    return dialog


def _pick(qtbot, dialog, name_start: str, shipped: bool) -> None:
    row = next(
        n for n, info in enumerate(dialog.infos)
        if info.name.startswith(name_start) and info.shipped == shipped
    )  # fmt: skip
    dialog.list.setCurrentRow(row)
    _idle(qtbot, dialog)


def test_a_practice_copy_is_edited_and_saved_and_shipped_ones_stay_read_only(qtbot, ws, team):
    state = _state(ws, team["coordinator"])
    dialog = _open(qtbot, state)
    _pick(qtbot, dialog, "Asthma", shipped=True)
    assert not dialog.save_button.isEnabled() and dialog.name.isReadOnly()
    assert "read-only" in dialog.about.text() and "Asthma Handbook" in dialog.about.text()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, dialog)
    assert dialog.current is not None and not dialog.current.shipped
    key = dialog.current.key
    dialog.name.setText("Asthma (our clinic)")
    dialog.interval.setValue(12)
    goals = dialog.tables["goals"]
    before = goals.table.rowCount()
    goals.add_row()
    for column, text in enumerate(["Walk the dog without puffing", "Steps a day", "abc", "steps"]):
        goals.table.item(before, column).setText(text)
    dialog.save()
    assert dialog.error.isVisible() and "not a number" in dialog.error.text()
    stored = templates.template_data(ws, team["coordinator"], key)
    assert stored["name"] != "Asthma (our clinic)"  # nothing saved

    goals.table.item(before, 2).setText("6000")
    dialog.save()
    _idle(qtbot, dialog)
    assert not dialog.error.isVisible(), dialog.error.text()
    stored = templates.template_data(ws, team["coordinator"], key)
    assert stored["name"] == "Asthma (our clinic)" and stored["review_interval_weeks"] == 12
    added = stored["goals"][-1]
    assert added["patient_words"] == "Walk the dog without puffing"
    assert added["target_value"] == 6000 and added["key"]
    assert len(stored["goals"]) == before + 1
    # the fields the table does not show are kept on the rows it does
    assert all("measure_kind" in g for g in stored["goals"][:before])
    save_shot(dialog, "careplans-templates.png")

    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, dialog)
    offered = {t.key for t in templates.list_templates(ws, team["coordinator"])}
    assert key not in offered
    assert dialog.retire_button.text().replace("&", "") == "Offer again"


def test_reception_gets_no_templates_button(qtbot, ws, team):
    for role, shown in (("reception", False), ("nurse", True)):
        state = _state(ws, team[role])
        ctx = ScreenContext(state, ShellRequests(), RecordOpener(state, sections=record_sections()))
        screen = CarePlansScreen(ctx)
        qtbot.addWidget(screen)
        assert screen.templates_button.isVisibleTo(screen) is shown


def _copy_of_asthma(qtbot, dialog) -> str:
    _pick(qtbot, dialog, "Asthma", shipped=True)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, dialog)
    assert dialog.current is not None and not dialog.current.shipped
    return dialog.current.key


def test_saving_runs_off_the_gui_thread_and_a_second_click_does_not_save_twice(
    qtbot, ws, team, monkeypatch
):
    state = _state(ws, team["coordinator"])
    dialog = _open(qtbot, state)
    key = _copy_of_asthma(qtbot, dialog)
    release = threading.Event()
    calls: list[str] = []
    real = templates_dialog._update

    def slow_update(*args):
        calls.append(threading.current_thread().name)
        release.wait(10)  # held until the test has clicked again
        return real(*args)

    monkeypatch.setattr(templates_dialog, "_update", slow_update)
    dialog.name.setText("Asthma (held)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(calls), timeout=5_000)
    # The write waits on a worker while the window still answers: the button is off.
    assert calls[0] != threading.main_thread().name
    assert dialog.busy and not dialog.save_button.isEnabled()
    assert not dialog.copy_button.isEnabled() and not dialog.retire_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.save()  # a shortcut or a double-click that reaches the slot itself
    release.set()
    _idle(qtbot, dialog)
    assert len(calls) == 1
    assert templates.template_data(ws, team["coordinator"], key)["name"] == "Asthma (held)"
    assert dialog.save_button.isEnabled()
    save_shot(dialog, "careplans-templates-saved.png")


def test_a_refused_save_is_said_at_the_form_and_keeps_what_was_typed(qtbot, ws, team):
    state = _state(ws, team["coordinator"])
    dialog = _open(qtbot, state)
    key = _copy_of_asthma(qtbot, dialog)
    # The nurse saves the same copy on another workstation first: this save is stale.
    theirs = dict(templates.template_data(ws, team["nurse"], key), name="Asthma (nurse's)")
    templates.update_template(ws, team["nurse"], key, theirs, dialog.current.row_version)
    dialog.name.setText("Asthma (mine)")
    goals = dialog.tables["goals"]
    goals.add_row()
    last = goals.table.rowCount() - 1
    goals.table.item(last, 0).setText("Sleep through the night")
    with qtbot.waitSignal(dialog.write_failed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and team["nurse"].full_name in dialog.error.text()
    # This dialog has no Reload button: the message says what is its reload.
    assert "Choose it in the list again" in dialog.error.text()
    assert dialog.name.text() == "Asthma (mine)"
    assert goals.table.item(last, 0).text() == "Sleep through the night"
    assert dialog.save_button.isEnabled()
    assert templates.template_data(ws, team["coordinator"], key)["name"] == "Asthma (nurse's)"
    save_shot(dialog, "careplans-templates-refused.png")


def test_a_copy_is_listed_as_one_and_names_the_template_it_came_from(qtbot, ws, team):
    dialog = _open(qtbot, _state(ws, team["coordinator"]))
    _copy_of_asthma(qtbot, dialog)
    row = dialog.list.currentRow()
    text = dialog.list.item(row).text()
    assert text.count("practice copy") == 1, text
    assert "Copied from the shipped “Asthma” template." in dialog.about.text()
    assert dialog.name.selectedText() == dialog.current.name  # ready to be typed over
    assert dialog.list.item(row).toolTip().startswith(dialog.current.name)


def test_copy_and_retire_run_once_each_on_a_worker(qtbot, ws, team, monkeypatch):
    state = _state(ws, team["coordinator"])
    dialog = _open(qtbot, state)
    _pick(qtbot, dialog, "Asthma", shipped=True)
    copies: list[str] = []
    real_copy = templates_dialog._copy

    def counted_copy(*args):
        copies.append(threading.current_thread().name)
        return real_copy(*args)

    monkeypatch.setattr(templates_dialog, "_copy", counted_copy)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, dialog)
    assert len(copies) == 1 and copies[0] != threading.main_thread().name
    made = [t for t in templates.list_templates(ws, team["coordinator"]) if not t.shipped]
    assert len(made) == 1

    def refused(*_args):
        raise CareCoordError("The template could not be retired: the disk is full.")

    monkeypatch.setattr(templates_dialog, "_retire", refused)
    with qtbot.waitSignal(dialog.write_failed, timeout=10_000):
        qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    assert "disk is full" in dialog.error.text() and dialog.retire_button.isEnabled()


def test_the_lists_fit_the_dialog_headers_whole_and_long_words_wrapped(qtbot, ws, team):
    dialog = _open(qtbot, _state(ws, team["gp"]))
    dialog.resize(1100, 680)
    for name in ("Asthma", "Chronic obstructive"):
        _pick(qtbot, dialog, name, shipped=True)
        for key, list_table in dialog.tables.items():
            dialog.tabs.setCurrentWidget(list_table)
            table = list_table.table
            header = table.horizontalHeader()
            qtbot.waitUntil(lambda t=table, h=header: h.length() <= t.viewport().width())
            for column in range(table.columnCount()):  # every header whole
                assert table.columnWidth(column) >= header.sectionSizeFromContents(column).width()
            metrics = QFontMetrics(table.font())
            for row in range(table.rowCount()):
                for column in range(table.columnCount()):
                    text = table.item(row, column).text()
                    for word in text.split():  # wrapped at spaces, never cut inside a word
                        assert metrics.horizontalAdvance(word) + 12 <= table.columnWidth(column)
                assert table.rowHeight(row) >= table.sizeHintForRow(row), (key, row)
    save_shot(dialog, "careplans-templates-fitted.png")
