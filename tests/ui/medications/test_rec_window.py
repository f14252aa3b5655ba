"""The reconciliation window's manual matching (keyboard and mouse), a FHIR file that is not one,
and the About box's knowledge base lines."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.knowledge.base import about
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import SourceInput, SourceKind
from carecoord_desktop.ui.medications import rec_window
from carecoord_desktop.ui.medications.rec_model import CURRENT, DECISION, NEW, REASON, STATUS
from carecoord_desktop.ui.shell.about_knowledge import knowledge_about_html
from tests_support import save_shot

from .conftest import sample, wait_view

TONIC = "Herbal sleep tonic 5 mL nocte"
SAME_TONIC = "Sleepy-time drops 5 mL nocte"  # the same bottle, as the hospital wrote it


def _row_with(model, column_name: str, text: str) -> int:
    for row, item in enumerate(model.items):
        line = getattr(item, column_name)
        if line is not None and line.written == text:
            return row
    raise AssertionError(f"no row has {text!r}")


def test_lines_are_matched_by_hand_with_the_keyboard_and_separated_with_the_mouse(
    qtbot, ws, admin, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    meds.add_medicine(ws, admin, pid, meds_draft(TONIC))
    view = meds.start_reconciliation(
        ws, nurse, pid, [SourceInput("new", text=f"{SAME_TONIC}\nLasix 40mg mane")]
    ).value
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    model = window.model
    a, b = _row_with(model, "current", TONIC), _row_with(model, "new", SAME_TONIC)
    assert a != b  # neither is recognised: nothing matched them automatically
    rows_before = model.rowCount()

    # Keyboard: the current line, then Ctrl+Space-style extension to the new line, Ctrl+M.
    window.table.setFocus()
    window.table.setCurrentIndex(model.index(a, CURRENT))
    window.table.selectionModel().select(
        model.index(b, NEW), QItemSelectionModel.SelectionFlag.Select
    )
    assert len(window.selected_line_ids()) == 2
    view = wait_view(qtbot, window, qtbot.keyClick, window.table, Qt.Key.Key_M,
                     Qt.KeyboardModifier.ControlModifier)  # fmt: skip
    assert model.rowCount() == rows_before - 1
    row = _row_with(model, "current", TONIC)
    assert model.items[row].new.written == SAME_TONIC
    assert "matched by hand" in model.index(row, STATUS).data()

    # Mouse: the context menu's Separate on the new line puts it back on a row of its own.
    window.table.setCurrentIndex(model.index(row, NEW))
    pos = window.table.visualRect(model.index(row, NEW)).center()
    window.table.customContextMenuRequested.emit(pos)
    menu = window.context_menu
    separate = next(a for a in menu.actions() if a.text().startswith("Separate"))
    view = wait_view(qtbot, window, separate.trigger)
    if shiboken6.isValid(menu):  # choosing an item closes (and deletes) it
        menu.close()
    assert model.rowCount() == rows_before
    assert _row_with(model, "current", TONIC) != _row_with(model, "new", SAME_TONIC)
    window.close()


def test_a_file_that_is_not_fhir_is_refused_in_words_and_nothing_is_added(
    qtbot, ws, team, pid, state_for, opener_for, tmp_path
):
    nurse = team[Role.NURSE]
    view = meds.start_reconciliation(ws, nurse, pid, [SourceInput("reported", text="Lasix")]).value
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    bad = tmp_path / "letter.json"
    bad.write_text("this is a discharge letter, not FHIR")
    with qtbot.waitSignal(window.write_failed, timeout=20_000):
        window.import_fhir_file(SourceKind.NEW, bad)
    assert window.error.isVisible() and window.error.text()
    assert "Traceback" not in window.error.text()
    assert "FHIR" in window.error.text()
    with qtbot.waitSignal(window.write_failed, timeout=20_000) as refused:
        window.import_fhir_file(SourceKind.NEW, sample("Asa"))  # another person's file
    assert "Check that it is the right patient's file" in refused.args[0]
    again = meds.get_reconciliation(ws, nurse, view.id)
    assert [s.kind for s in again.sources] == [s.kind for s in view.sources]
    window.close()


def test_the_about_box_names_the_knowledge_base_its_sources_and_licences(
    qtbot, ws, admin, monkeypatch
):
    from carecoord_desktop.services import settings as practice_settings
    from carecoord_desktop.ui.shell.main_window import MainWindow
    from carecoord_desktop.ui.shell.state import AppState

    info = about()
    html = knowledge_about_html()
    assert info["version"] in html
    for source in info["sources"]:
        assert source["licence"].split(";")[0] in html.replace("&#x27;", "'")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window = MainWindow(AppState(ws, admin, practice_settings.load(ws)))
    qtbot.addWidget(window)
    window.about_action.trigger()
    assert shown and info["version"] in shown[0] and "interaction pairs" in shown[0]


def meds_draft(text):
    from carecoord_desktop.services.medications.types import MedicineDraft

    return MedicineDraft(text)


@pytest.mark.parametrize("size", [(1500, 900), (1240, 740)])  # on 1600x1000 and 1280x800
def test_the_reason_column_is_on_screen_wide_enough_and_its_tooltip_holds_it_all(
    qtbot, ws, team, pid, state_for, opener_for, size
):
    nurse = team[Role.NURSE]
    view = meds.start_reconciliation(ws, nurse, pid, [SourceInput(
        "new", "Discharge summary", text="Lasix 80mg mane\nMetoprolol 25 mg bd",
    )]).value  # fmt: skip
    reason = "Patient still takes it; omission on the discharge list was not intended"
    omitted = next(i for i in view.items if i.status == "omitted")
    meds.decide(ws, nurse, view.id, omitted.id, "continue", reason=reason, version=view.version)
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    table = window.table
    header = table.horizontalHeader()
    right = header.sectionPosition(REASON) + header.sectionSize(REASON)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5_000)
    assert right <= table.viewport().width()  # the whole column on screen, no sideways scroll
    width = table.columnWidth(REASON)
    assert width >= header.sectionSizeFromContents(REASON).width()
    metrics = QFontMetrics(table.font())
    assert all(metrics.horizontalAdvance(word) + 12 <= width for word in reason.split())
    bold = QFont(table.font())
    bold.setBold(True)
    undecided = QFontMetrics(bold).horizontalAdvance("! Not decided")
    assert table.columnWidth(DECISION) >= undecided + 12  # on one line, not "! Not / decided"
    row = window.model.row_of(omitted.id)
    assert window.model.index(row, REASON).data() == reason
    assert window.model.index(row, REASON).data(Qt.ItemDataRole.ToolTipRole) == reason
    assert table.rowHeight(row) >= table.sizeHintForRow(row)  # wrapped, all of it shown
    save_shot(window, f"rec-window-reason-{size[0]}.png")


def test_switching_user_after_a_window_was_closed_raises_nothing(
    qtbot, ws, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    view = meds.start_reconciliation(
        ws, nurse, pid, [SourceInput("new", text="Lasix 80mg mane")]
    ).value
    state = state_for(nurse)
    window = rec_window.open_reconciliation(state, view.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    window.close()  # deletes itself
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5_000)
    # The next person signs in on this workstation: nothing of the closed window answers.
    state.actor_changed.emit(team[Role.GP])
    again = rec_window.open_reconciliation(state, view.id)
    qtbot.waitUntil(lambda: again.view is not None, timeout=10_000)
    with qtbot.waitSignal(again.destroyed, timeout=5_000):
        state.actor_changed.emit(team[Role.NURSE])  # an open one closes
