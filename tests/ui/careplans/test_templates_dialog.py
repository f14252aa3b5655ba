"""The practice copies a shipped template and edits its copy in the app: the goals in the
patient's words, an intervention, the review interval; a bad number is said, nothing saved;
shipped templates stay read-only; retiring one stops it being offered; reception has no
Templates button."""

from __future__ import annotations

from PySide6.QtCore import Qt

from carecoord_desktop.services import settings
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.ui.careplans.screen import CarePlansScreen
from carecoord_desktop.ui.careplans.templates_dialog import TemplatesDialog
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.screens import ScreenContext, ShellRequests, record_sections
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot


def _state(ws, actor):
    return AppState(ws, actor, settings.load(ws))


def _pick(dialog, name_start: str, shipped: bool) -> None:
    row = next(
        n for n, info in enumerate(dialog.infos)
        if info.name.startswith(name_start) and info.shipped == shipped
    )  # fmt: skip
    dialog.list.setCurrentRow(row)


def test_a_practice_copy_is_edited_and_saved_and_shipped_ones_stay_read_only(qtbot, ws, team):
    state = _state(ws, team["coordinator"])
    dialog = TemplatesDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    _pick(dialog, "Asthma", shipped=True)
    assert not dialog.save_button.isEnabled() and dialog.name.isReadOnly()
    assert "read-only" in dialog.about.text() and "Asthma Handbook" in dialog.about.text()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
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
