"""Printing from the editor (the preview shows the real pages), the autosaved draft offered back
after the editor was closed without saving or the window vanished, and reception's read-only
editor that still prints the handout."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from carecoord_desktop.services import audit_view
from carecoord_desktop.services.careplans import drafts, plans
from carecoord_desktop.ui.resources import stylesheet
from tests_support import save_shot


def answer(label: str) -> list[str]:
    """Click `label` in the next question box (a modal box runs its own loop); returns the
    box's texts, filled once it was answered."""
    seen: list[str] = []

    def tick() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.extend([box.text(), box.informativeText()])
            next(b for b in box.buttons() if b.text() == label).click()
        else:
            QTimer.singleShot(20, tick)

    QTimer.singleShot(20, tick)
    return seen


def _preview_loaded(qtbot, editor, action) -> object:
    action.trigger()
    qtbot.waitUntil(lambda: getattr(editor, "preview", None) is not None, timeout=10_000)
    preview = editor.preview
    qtbot.waitUntil(lambda: preview.pdf is not None or preview.error.isVisible(), timeout=20_000)
    assert preview.pdf is not None, preview.error.text()
    return preview


def test_print_plan_names_what_is_missing_then_shows_real_pages(
    qtbot, tmp_path, ws, admin, open_editor, team, plan
):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    seen = answer("Print anyway")
    preview = _preview_loaded(qtbot, editor, editor.print_plan_action)
    # The checklist's missing elements were named before printing, by their program's words.
    assert "still lacks" in seen[0]
    assert "Patient agreement recorded" in seen[1] and "Copy offered" in seen[1]
    assert preview.page_count >= 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(preview.document_printed, timeout=30_000):
        preview.print_to(printer)
    assert len(PdfReader(out).pages) == preview.page_count
    text = PdfReader(io.BytesIO(preview.pdf)).pages[0].extract_text()
    assert "Mary" in text and "Nguyen" in text
    page = audit_view.list_page(ws, admin, audit_view.AuditQuery(patient_id=plan.draft.patient_id))
    assert any("printed" in line.details for line in page.lines), [
        line.details for line in page.lines
    ]
    preview.close()


def test_unsaved_edits_are_saved_before_printing(qtbot, ws, open_editor, team, plan):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    editor.go_to("medicines", "medication_notes")
    notes = editor.page_by_key["medicines"].form.widgets["medication_notes"]
    qtbot.keyClicks(notes, "Dose aid from the pharmacy")
    seen = answer("Save, then print")
    editor.print_handout_action.trigger()
    qtbot.waitUntil(lambda: getattr(editor, "preview", None) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: editor.preview.pdf is not None, timeout=20_000)
    assert "Save the plan before printing" in seen[0]
    stored = plans.load_plan(ws, team["nurse"], plan.draft.plan_id).draft
    assert stored.medication_notes.startswith("Dose aid from the pharmacy")
    editor.preview.close()


def test_closed_without_saving_the_draft_is_offered_back(qtbot, ws, open_editor, team, plan):
    nurse = team["nurse"]
    editor = open_editor(nurse, plan.draft.plan_id)
    editor.go_to("services", "coordination")
    field = editor.page_by_key["services"].form.widgets["coordination"]
    was = field.toPlainText()
    field.selectAll()
    qtbot.keyClicks(field, "Letters to the endocrinologist after each review")
    seen = answer("Keep for later")
    editor.close_action.trigger()
    assert "Save the changes" in seen[0]
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5_000)
    assert plans.load_plan(ws, nurse, plan.draft.plan_id).draft.coordination == was  # not saved
    kept = drafts.load_autosave(ws, nurse, plan.draft.plan_id)
    assert kept is not None and kept.draft.coordination.startswith("Letters")

    again = open_editor(nurse, plan.draft.plan_id)
    assert again.recovery.isVisible()
    assert "unsaved changes" in again.recovery.message.text()
    assert again.doc.draft.coordination == was  # nothing applied until asked
    again.recovery.button("Restore my changes").click()
    assert again.doc.draft.coordination.startswith("Letters")
    assert again.has_unsaved_edits()
    with qtbot.waitSignal(again.plan_saved, timeout=10_000):
        again.save_action.trigger()
    assert drafts.load_autosave(ws, nurse, plan.draft.plan_id) is None  # gone once saved
    assert plans.load_plan(ws, nurse, plan.draft.plan_id).draft.coordination.startswith("Letters")


def test_a_window_that_vanishes_keeps_what_was_typed(qtbot, ws, open_editor, team, plan):
    """A lock or a switch of user hides the window (the shell then may delete it unasked):
    the draft is in the database by then, and the next opening offers it."""
    nurse = team["nurse"]
    editor = open_editor(nurse, plan.draft.plan_id)
    editor.go_to("goals")
    page = editor.page_by_key["goals"]
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Insert)
    qtbot.keyClicks(page.form.widgets["patient_words"], "Sleep through the night")
    with qtbot.waitSignal(editor.autosaved, timeout=5_000):
        editor.hide()  # what the lock does
    editor.deleteLater()  # what a switch of user then does, asking nothing
    kept = drafts.load_autosave(ws, nurse, plan.draft.plan_id)
    assert "Sleep through the night" in [g.patient_words for g in kept.draft.goals]
    again = open_editor(nurse, plan.draft.plan_id)
    again.recovery.button("Discard them").click()
    assert drafts.load_autosave(ws, nurse, plan.draft.plan_id) is None
    assert not again.recovery.isVisible()


def test_the_timer_autosaves_on_a_worker(qtbot, ws, open_editor, team, plan):
    nurse = team["nurse"]
    editor = open_editor(nurse, plan.draft.plan_id)
    editor.doc.set_field("prognosis", "Good with steady control")
    with qtbot.waitSignal(editor.autosaved, timeout=5_000):
        editor.autosave_timer.timeout.emit()
    assert drafts.load_autosave(ws, nurse, plan.draft.plan_id).draft.prognosis.startswith("Good")
    editor.doc.stack.setClean()


def test_reception_reads_the_plan_and_prints_the_handout(qtbot, ws, open_editor, team, plan):
    editor = open_editor(team["reception"], plan.draft.plan_id)
    assert editor.doc.read_only
    editor.setStyleSheet(stylesheet())
    editor.resize(1440, 900)
    editor.go_to("interventions")
    save_shot(editor, "editor-reception-read-only.png")
    assert editor.read_only_banner.isVisible()
    assert "Read only" in editor.read_only_banner.message.text()
    for action in (editor.save_action, editor.undo_action, editor.start_review_action):
        assert not action.isVisible()
    assert not editor.print_plan_action.isEnabled()  # the clinical plan leaves with EXPORT_DATA
    goals = editor.page_by_key["goals"]
    assert not goals.add_button.isVisible() and not goals.remove_button.isVisible()
    words = goals.form.widgets["patient_words"]
    assert words.isReadOnly()
    before = words.toPlainText()
    words.setFocus()
    qtbot.keyClicks(words, "changed")
    assert words.toPlainText() == before
    goals.view.setFocus()
    qtbot.keyClick(goals.view, Qt.Key.Key_Insert)
    assert len(editor.doc.draft.goals) == len(plan.draft.goals)
    title = editor.page_by_key["overview"].form.widgets["title"]
    assert title.isReadOnly()
    assert editor.doc.stack.count() == 0

    preview = _preview_loaded(qtbot, editor, editor.print_handout_action)
    assert preview.page_count >= 1
    preview.close()
    editor.close()
    assert drafts.load_autosave(ws, team["nurse"], plan.draft.plan_id) is None
