"""The record's Medicines tab: the list as written and as recognised, flags, history, add /
change / stop with a reason checked at the field, and what each role may do there."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDialogButtonBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import NOT_RECOGNISED, MedicineDraft
from carecoord_desktop.ui.medications.medicine_forms import MedicineFormDialog
from carecoord_desktop.ui.medications.medicines_tab import MedicinesSection
from carecoord_desktop.ui.widgets.fitted_table import PADDING
from carecoord_desktop.ui.widgets.form_kit import ItemFormDialog
from tests_support import save_shot


def _open_tab(qtbot, opener_for, state, pid) -> MedicinesSection:
    record = opener_for(state).open(pid)
    qtbot.addWidget(record)
    tab = record.pages["medicines"]
    assert isinstance(tab, MedicinesSection)  # the feature's tab replaced the read-only one
    qtbot.waitUntil(lambda: tab.listed is not None, timeout=10_000)
    record.tabs.setCurrentWidget(tab)
    return tab


def _save(qtbot, tab, dialog: ItemFormDialog) -> None:
    with qtbot.waitSignal(tab.medicines_loaded, timeout=10_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_the_tab_lists_flags_history_and_edits_with_reasons(
    qtbot, qtmodeltester, ws, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    for line in (
        "Panadeine Forte 2 tabs qid prn",
        "Panadol 500mg 2 tabs qid prn",
        "Herbal sleep tonic 5 mL nocte",
        "Ibuprofen 400mg tds",
        "Warfarin 5mg mane",
    ):
        meds.add_medicine(ws, nurse, pid, MedicineDraft(line))  # fmt: skip
    tab = _open_tab(qtbot, opener_for, state_for(nurse), pid)
    qtmodeltester.check(tab.model)
    rows = {m.written: r for r, m in enumerate(tab.model.rows)}
    tonic = rows["Herbal sleep tonic 5 mL nocte"]
    assert tab.model.index(tonic, 2).data() == NOT_RECOGNISED
    assert tab.model.index(rows["Lasix 40mg mane"], 2).data() != NOT_RECOGNISED
    kinds = {f.kind for f in tab.flags.flags}
    assert {"ingredient_duplicate", "interaction", "unrecognised"} <= kinds
    assert any("warfarin" in f.text.lower() and f.severity for f in tab.flags.flags)
    tab.window().resize(1400, 860)
    save_shot(tab.window(), "medicines_tab.png")

    # Add: a time of day that is not one is refused at its field, nothing saved.
    tab.add_button.click()
    dialog = tab.findChild(ItemFormDialog)
    dialog.form.set_values({"written": "Amlodipine 5mg mane", "times_of_day": "brekkie"})
    dialog.save()
    assert "times_of_day" in dialog.form.problems() and dialog.isVisible()
    dialog.form.set_values({"times_of_day": "morning"})
    _save(qtbot, tab, dialog)
    added = next(m for m in tab.model.rows if m.written == "Amlodipine 5mg mane")
    assert added.times_of_day == ("morning",) and added.strength == "5 mg"

    # Change: a reason is needed, said at the field; the line re-read for what was not edited.
    tab.table.selectRow(tab.model.rows.index(added))
    tab.change_button.click()
    dialog = next(d for d in tab.findChildren(ItemFormDialog) if d.isVisible())
    dialog.form.set_values({"written": "Amlodipine 10mg mane"})
    dialog.save()
    assert "reason" in dialog.form.problems()
    assert [m.strength for m in meds.list_medicines(ws, nurse, pid).medicines
            if m.id == added.id] == ["5 mg"]  # fmt: skip
    dialog.form.set_values({"reason": "BP still high"})
    _save(qtbot, tab, dialog)
    changed = next(m for m in tab.model.rows if m.id == added.id)
    assert changed.strength == "10 mg"

    # Stop with a reason; it stays on the list, stopped, and its history says both steps.
    tab.table.selectRow(tab.model.rows.index(changed))
    tab.stop_button.click()
    dialog = next(d for d in tab.findChildren(ItemFormDialog) if d.isVisible())
    dialog.save()
    assert "reason" in dialog.form.problems()
    dialog.form.set_values({"reason": "Ankle swelling"})
    _save(qtbot, tab, dialog)
    stopped = next(m for m in tab.model.rows if m.id == added.id)
    assert not stopped.active
    assert tab.model.index(tab.model.rows.index(stopped), 0).data().startswith("× Stopped")
    tab.table.selectRow(tab.model.rows.index(stopped))
    qtbot.waitUntil(lambda: tab.history_model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(tab.history_model)
    actions = [tab.history_model.index(r, 2).data() for r in range(3)]
    assert actions[0].startswith("Stopped") and actions[-1].startswith("Added")
    assert tab.history_model.index(0, 3).data() == "Ankle swelling"
    assert tab.restart_button.isEnabled() and not tab.stop_button.isEnabled()


def test_reception_prints_the_card_but_cannot_change_or_reconcile(
    qtbot, ws, team, pid, state_for, opener_for
):
    tab = _open_tab(qtbot, opener_for, state_for(team[Role.RECEPTION]), pid)
    for button in (tab.add_button, tab.change_button, tab.stop_button, tab.reconcile_button):
        assert button.isHidden()
    assert tab.card_button.isVisible() and tab.card_button.isEnabled()
    preview = tab.print_card()
    qtbot.waitUntil(lambda: preview.pdf is not None, timeout=20_000)
    assert preview.page_count >= 1
    preview.close()


def test_a_coordinator_prepares_but_the_tab_says_continue_when_one_is_open(
    qtbot, ws, team, pid, state_for, opener_for
):
    from carecoord_desktop.services.medications.types import SourceInput

    cora = team[Role.COORDINATOR]
    meds.start_reconciliation(ws, cora, pid, [SourceInput("new", text="Lasix 80mg mane")])
    tab = _open_tab(qtbot, opener_for, state_for(cora), pid)
    assert tab.reconcile_button.isEnabled()
    assert tab.reconcile_button.text() == "Continue reconciliation"


def _dialog(tab) -> MedicineFormDialog:
    return next(d for d in tab.findChildren(MedicineFormDialog) if d.isVisible())


def test_stopping_runs_on_a_worker_and_a_second_click_or_enter_stops_once(
    qtbot, ws, team, pid, state_for, opener_for, monkeypatch
):
    nurse = team[Role.NURSE]
    tab = _open_tab(qtbot, opener_for, state_for(nurse), pid)
    lasix = next(m for m in tab.model.rows if m.written == "Lasix 40mg mane")
    release = threading.Event()
    calls: list[str] = []
    real = meds.stop_medicine

    def slow_stop(*args, **kwargs):
        calls.append(threading.current_thread().name)
        release.wait(10)  # held until the test has clicked again
        return real(*args, **kwargs)

    monkeypatch.setattr(meds, "stop_medicine", slow_stop)
    tab.table.selectRow(tab.model.rows.index(lasix))
    tab.stop_button.click()
    dialog = _dialog(tab)
    dialog.form.set_values({"reason": "Ankle swelling"})
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()
    qtbot.waitUntil(lambda: bool(calls), timeout=5_000)
    assert calls[0] != threading.main_thread().name  # the GUI thread is free meanwhile
    assert dialog.busy and not save.isEnabled()
    save.click()
    qtbot.keyClick(dialog.form.widgets["on"].edit, Qt.Key.Key_Return)
    dialog.save()  # whatever reaches the slot itself
    with qtbot.waitSignal(tab.medicines_loaded, timeout=10_000):
        release.set()
    assert len(calls) == 1 and not dialog.isVisible()
    history = meds.medicine_history(ws, nurse, pid, medication_id=lasix.id)
    assert [h.action for h in history].count("stopped") == 1


def test_a_refused_change_is_said_at_the_form_and_keeps_what_was_typed(
    qtbot, ws, team, pid, state_for, opener_for
):
    nurse, gp = team[Role.NURSE], team[Role.GP]
    tab = _open_tab(qtbot, opener_for, state_for(nurse), pid)
    lasix = next(m for m in tab.model.rows if m.written == "Lasix 40mg mane")
    tab.table.selectRow(tab.model.rows.index(lasix))
    tab.change_button.click()
    dialog = _dialog(tab)
    # The GP changes the same medicine on another workstation first: this save is stale.
    meds.change_medicine(ws, gp, lasix.id, MedicineDraft("Lasix 20mg mane"),
                         version=lasix.version, reason="Dry")  # fmt: skip
    dialog.form.set_values({"written": "Lasix 80mg mane", "reason": "Still oedematous"})
    with qtbot.waitSignal(dialog.write_failed, timeout=10_000) as refused:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert gp.full_name in refused.args[0]
    assert dialog.isVisible() and dialog.error.isVisible() and gp.full_name in dialog.error.text()
    assert "open the form again" in dialog.error.text()  # the form has no Reload of its own
    values = dialog.form.values()
    assert values["written"] == "Lasix 80mg mane" and values["reason"] == "Still oedematous"
    assert dialog.buttons.isEnabled()
    stored = next(m for m in meds.list_medicines(ws, nurse, pid).medicines if m.id == lasix.id)
    assert stored.written == "Lasix 20mg mane"
    save_shot(dialog, "medicine-change-refused.png")


def _columns_fit(qtbot, view) -> None:
    """Every column on screen (none behind a sideways scroll), each at least as wide as its
    header and its longest word, and each row as tall as its wrapped lines."""
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width(), timeout=5_000)
    model = view.model()
    metrics = QFontMetrics(view.font())
    for column in range(model.columnCount()):
        width = view.columnWidth(column)
        assert width >= header.sectionSizeFromContents(column).width(), column
        for row in range(model.rowCount()):
            for word in str(model.index(row, column).data() or "").split():
                assert metrics.horizontalAdvance(word) + PADDING <= width, (word, width)
    for row in range(model.rowCount()):
        assert view.rowHeight(row) >= view.sizeHintForRow(row)


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_medicines_and_history_columns_fit_the_window(
    qtbot, ws, team, pid, state_for, opener_for, size
):
    nurse = team[Role.NURSE]
    for line in ("Glyceryl trinitrate 400 micrograms/dose spray 1-2 sprays sublingual prn chest "
                 "pain, repeat after 5 minutes if needed", "Warfarin 5mg mane"):  # fmt: skip
        meds.add_medicine(ws, nurse, pid, MedicineDraft(line, indication="chest pain",
                                                        prescriber="Dr Greg Lee"))  # fmt: skip
    warfarin = next(m for m in meds.list_medicines(ws, nurse, pid).medicines
                    if m.written == "Warfarin 5mg mane")  # fmt: skip
    meds.stop_medicine(ws, nurse, warfarin.id, reason="Ceased by the hospital: bleeding risk",
                       version=warfarin.version, on=None)  # fmt: skip
    tab = _open_tab(qtbot, opener_for, state_for(nurse), pid)
    tab.window().resize(*size)
    qtbot.waitUntil(lambda: len(tab.model.rows) == 5)
    _columns_fit(qtbot, tab.table)
    tab.table.selectRow(next(r for r, m in enumerate(tab.model.rows) if m.id == warfarin.id))
    qtbot.waitUntil(lambda: tab.history_model.rowCount() == 2, timeout=10_000)
    _columns_fit(qtbot, tab.history)
    save_shot(tab.window(), f"medicines_tab-{size[0]}.png")
