"""A whole reconciliation through the real widgets on a real encrypted workspace: the nurse
starts it from the Medicines tab, imports a Synthea FHIR file as the discharge list (through
the file dialog), pastes what the patient says, decides every row (a reason refused at the
field when missing), submits; the GP signs with the password typed again; the list becomes the
current one and the medication card shows real pages with the new medicines."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtWidgets import QFileDialog

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import RecState, SourceInput, SourceKind
from carecoord_desktop.ui.medications import rec_window
from carecoord_desktop.ui.medications.dialogs import SignOffDialog, TypedListDialog
from carecoord_desktop.ui.medications.rec_model import (
    DECISION,
    FLAGS,
    NEW,
    STATUS,
    RecItemsModel,
)
from carecoord_desktop.ui.medications.words import STATUS_LOOK
from tests_support import STAFF_PASSWORD, save_shot

from .conftest import CURRENT, sample, wait_view

REPORTED = "\n".join(
    [
        "frusemide 40 mg in the morning",
        "metformin 500mg bd",
        "Nurofen 200mg prn pain",
        "Somac 40mg daily see letter",  # words the grammar cannot read: kept, shown
        "grandma's sleep tea at night",  # not a medicine the base knows
    ]
)


def _pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _choose(panel, decision: str, reason: str) -> None:
    panel.decision.setCurrentIndex(panel.decision.findData(decision))
    panel.reason.setPlainText(reason)


def _decision_for(item) -> tuple[str, str]:
    if item.status == "stopped":
        return "stop", "Course finished in hospital"
    if item.current is None:
        return "new", "Started in hospital (discharge summary)"
    if item.new is None and item.reported is None:
        return "stop", "Not on the discharge list: ceased in hospital, confirmed with the ward"
    if item.status in ("dose_changed", "frequency_changed") and item.new is not None:
        return "change", "Dose changed in hospital"
    return "continue", "Still needed, confirmed with the patient"


def test_a_whole_reconciliation_from_import_to_sign_off_and_the_card(
    qtbot, qtmodeltester, ws, team, pid, state_for, opener_for, monkeypatch
):
    nurse_state = state_for(team[Role.NURSE])
    record = opener_for(nurse_state).open(pid)
    qtbot.addWidget(record)
    tab = record.pages["medicines"]
    qtbot.waitUntil(lambda: tab.listed is not None, timeout=10_000)
    assert tab.reconcile_button.isEnabled()
    assert tab.reconcile_button.text() == "Start reconciliation"

    # Started with what the patient says, pasted into the start dialog.
    tab.reconcile_button.click()
    dialog = tab.findChild(TypedListDialog)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(SourceKind.REPORTED))
    assert dialog.label.text() == "What the patient says"
    dialog.text.setPlainText(REPORTED)
    dialog.read_lines()
    preview = dialog.preview.text()
    assert "5 medicines" in preview
    assert "line 4: could not read “see letter”" in preview
    assert "grandma's sleep tea at night → not recognised: no checks run" in preview
    assert "metformin 500mg bd → metformin" in preview
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(rec_window.open_windows()), timeout=20_000)
    window = rec_window.open_windows()[0]
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    view = window.view
    assert [i.current.written for i in view.items if i.current] == list(CURRENT)
    reported = [i.reported.written for i in view.items if i.reported]
    assert sorted(reported) == sorted(REPORTED.splitlines())  # every line kept as written
    tea = next(i for i in view.items if i.reported and "sleep tea" in i.reported.written)
    assert not tea.reported.recognised
    assert any(f.kind == "unrecognised" and "sleep tea" in f.text for f in view.flags)

    # The discharge list: a Synthea FHIR R4 bundle, chosen in the file dialog.
    buddy = sample("Buddy")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(buddy), ""))
    view = wait_view(qtbot, window, window.source_boxes[SourceKind.NEW].import_button.click)
    assert any(s.kind == "new" and s.entered == "fhir" for s in view.sources)
    dup = [f for f in view.flags if f.kind == "ingredient_duplicate" and "furosemide" in f.text]
    assert dup, [f.text for f in view.flags]

    model: RecItemsModel = window.model
    qtmodeltester.check(model)
    for row, item in enumerate(model.items):  # words and a marker, never colour alone
        look = STATUS_LOOK[item.status]
        assert model.index(row, STATUS).data().startswith(f"{look.marker} {look.words}")
    assert any(
        "2× Same medicine twice" in (model.index(r, FLAGS).data() or "")
        for r in range(model.rowCount())
    )
    window.resize(1600, 950)
    save_shot(window, "reconciliation_busy.png")

    # A stop without a reason is refused at the field; nothing is sent.
    panel = window.decision
    window.table.setCurrentIndex(model.index(0, NEW))
    before = window.view.version
    _choose(panel, "stop", "")
    panel.save_button.click()
    assert "reason" in panel.form.problems()
    assert "Say why" in panel.form.boxes["reason"].message.text()
    assert window.view.version == before and not window.busy

    # Every row decided through the panel, then submitted.
    for row in range(model.rowCount()):
        item = model.item_at(row)
        window.table.setCurrentIndex(model.index(row, STATUS))
        _choose(panel, *_decision_for(item))
        view = wait_view(qtbot, window, panel.save_button.click)
        assert view.items[row].decision, panel.form.problems() or window.error.text()
    assert model.index(0, DECISION).data() != "! Not decided"
    assert window.submit_button.isEnabled()
    assert not window.sign_button.isEnabled()  # the practice has GPs sign
    view = wait_view(qtbot, window, window.submit_button.click)
    assert view.state == RecState.AWAITING_SIGNOFF
    window.close()

    # The GP signs it off with the password typed again.
    gp_state = state_for(team[Role.GP])
    gp_record = opener_for(gp_state).open(pid)
    qtbot.addWidget(gp_record)
    gp_window = rec_window.open_reconciliation(gp_state, view.id, gp_record)
    qtbot.waitUntil(lambda: gp_window.view is not None and gp_window.signer, timeout=10_000)
    assert gp_window.sign_button.isEnabled()
    gp_window.sign_button.click()
    sign = gp_window.findChild(SignOffDialog)
    sign.sign_button.click()  # no password: refused in the dialog
    assert sign.isVisible() and "password" in sign.error.text()
    sign.password.setText(STAFF_PASSWORD)
    signed = wait_view(qtbot, gp_window, sign.sign_button.click)
    assert signed.state == RecState.SIGNED and signed.signed_by_name
    assert gp_window.card_button.isEnabled() and gp_window.done_note.isVisible()
    save_shot(gp_window, "reconciliation_signed.png")

    # The result is the current list, and the GP's record tab shows it.
    listed = meds.list_medicines(ws, team[Role.GP], pid)
    kept = [i for i in signed.items if i.decision in ("continue", "change", "new")]
    assert len(listed.active) == len(kept)
    assert "Lasix 40mg mane" not in [m.written for m in listed.active] or any(
        i.current and i.current.written == "Lasix 40mg mane" and i.decision == "continue"
        for i in kept
    )
    gp_tab = gp_record.pages["medicines"]
    qtbot.waitUntil(
        lambda: gp_tab.listed is not None and len(gp_tab.listed.active) == len(kept),
        timeout=10_000,
    )

    # The medication card through the print preview: real pages, the list's medicines on them.
    preview = gp_window.print_card()
    qtbot.waitUntil(lambda: preview.pdf is not None, timeout=20_000)
    assert preview.page_count >= 1
    text = _pdf_text(preview.pdf).lower()
    assert "macgyver" in text
    assert "metformin" in text
    preview.resize(900, 1000)
    save_shot(preview, "medication_card_preview.png")
    preview.close()
    gp_window.close()


def test_a_wrong_password_signs_nothing(qtbot, ws, team, pid, state_for, opener_for):
    said = SourceInput("reported", text="\n".join(CURRENT))
    view = meds.start_reconciliation(ws, team[Role.NURSE], pid, [said]).value
    for item in view.items:
        view = meds.decide(ws, team[Role.NURSE], view.id, item.id, "continue",
                           version=view.version).value  # fmt: skip
    state = state_for(team[Role.GP])
    window = rec_window.open_reconciliation(state, view.id)  # closed by the opener_for fixture
    qtbot.waitUntil(lambda: window.view is not None and window.sign_button.isEnabled())
    window.sign_button.click()
    sign = window.findChild(SignOffDialog)
    sign.password.setText("not my password")
    with qtbot.waitSignal(window.write_failed, timeout=20_000) as failed:
        sign.sign_button.click()
    assert "password" in failed.args[0].lower() or "sign" in failed.args[0].lower()
    assert window.error.isVisible()
    again = meds.get_reconciliation(ws, team[Role.GP], view.id)
    assert again.state == RecState.OPEN and again.signed_at is None
    window.close()
