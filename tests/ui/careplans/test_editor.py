"""The care plan editor driven as a nurse would: from a template, goals typed in, an undo and a
redo, a reorder from the keyboard, a save that keeps a version, a review with its diff, and a
conflict with a second workstation that overwrites nothing."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt

from carecoord_desktop.services import workspaces
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.ui.careplans.versions import VersionsDialog


def _save(qtbot, editor):
    with qtbot.waitSignal(editor.plan_saved, timeout=10_000) as saved:
        editor.save_action.trigger()
    return saved.args[0]


def test_template_goals_undo_redo_reorder_and_save(qtbot, ws, open_editor, team, plan):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    goals = [g.patient_words for g in editor.doc.draft.goals]
    # Two templates (diabetes, hypertension) share the blood pressure goal: it appears once.
    assert sum("blood pressure" in g.lower() for g in goals) == 1, goals
    assert editor.doc.draft.template_keys and len(editor.doc.draft.template_keys) == 2

    editor.go_to("goals")
    page = editor.page_by_key["goals"]
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Insert)
    words = page.form.widgets["patient_words"]
    assert words.hasFocus()
    qtbot.keyClicks(words, "Walk to the shops without stopping")
    target = page.form.widgets["target_value"]
    qtbot.keyClicks(target, "2x")
    assert "number" in page.form.boxes["target_value"].message.text()  # said at the field
    target.clear()
    qtbot.keyClicks(target, "20")
    new = editor.doc.item("goals", page.current_uid)
    assert new.patient_words == "Walk to the shops without stopping"
    assert new.target_value == 20.0

    assert "Typing in Goal “Walk to the shops" in editor.undo_action.text()
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the target
    assert new.target_value is None and target.text() == ""
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(target, Qt.Key.Key_Z, shift_ctrl)
    assert new.target_value == 20.0 and target.text() == "20"
    assert editor.doc.stack.count() == 3  # add, words, target: one step each
    history = editor.history.model()  # the undo history lists them, "As opened" first
    assert history.rowCount() == 4 and history.index(0, 0).data() == "As opened"

    row = editor.doc.row_of("goals", new.uid)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert editor.doc.row_of("goals", new.uid) == row - 1
    assert page.view.currentIndex().row() == row - 1  # the moved goal stays chosen
    assert editor.undo_action.text().replace("&", "").startswith("Undo Move goal")

    saved = _save(qtbot, editor)
    assert saved.revision == 2
    assert editor.doc.stack.isClean() and "*" not in editor.windowTitle()
    stored = plans.load_plan(ws, team["nurse"], plan.draft.plan_id).draft
    assert stored.goals[row - 1].patient_words == "Walk to the shops without stopping"
    assert stored.goals[row - 1].target_value == 20.0


def test_review_with_a_readable_diff(qtbot, ws, open_editor, team, plan):
    nurse = team["nurse"]
    active = copy.deepcopy(plan.draft)
    active.status = "active"
    plans.save_plan(ws, nurse, active, plan.version)
    editor = open_editor(nurse, plan.draft.plan_id)
    assert editor.start_review_action.isEnabled()
    assert not editor.complete_review_action.isEnabled()

    editor.start_review_action.trigger()
    qtbot.waitUntil(lambda: editor.doc.draft.status == "under_review", timeout=10_000)
    assert editor.review_banner.isVisible()
    assert editor.complete_review_action.isEnabled()

    goal = editor.doc.draft.goals[0]
    editor.go_to("goals", "target_value", goal.uid)
    page = editor.page_by_key["goals"]
    page.form.widgets["target_value"].clear()
    qtbot.keyClicks(page.form.widgets["target_value"], "125")

    editor.complete_review_action.trigger()
    dialog = editor.review_dialog
    listed = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert any("target changed" in line and "125" in line for line in listed), listed
    dialog.form.widgets["why"].setPlainText("Home readings still high; tighter target agreed")
    with qtbot.waitSignal(editor.plan_saved, timeout=10_000):
        dialog.ok_button.click()
    assert editor.doc.draft.status == "active"
    assert editor.record.last_review_on is not None and editor.record.next_review_on

    versions = VersionsDialog(editor.state, plan.draft.plan_id, editor)
    qtbot.addWidget(versions)
    qtbot.waitUntil(lambda: bool(versions.diff_lines), timeout=10_000)
    newest = versions.rows[0]
    assert newest.kind == "reviewed" and "tighter target" in newest.reason
    assert any("target changed" in line for line in versions.diff_lines), versions.diff_lines
    # Any two versions: the first against the newest says the status and the target changed.
    versions.choose(1, newest.number)
    qtbot.waitUntil(
        lambda: versions.heading.text().startswith(f"<b>From version 1 to version {newest.number}"),
        timeout=10_000,
    )
    assert any("Status changed" in line for line in versions.diff_lines)
    texts = [versions.diff.item(i).text() for i in range(versions.diff.count())]
    assert texts and all(t[:1] in "+−~" for t in texts)


def test_a_conflict_with_a_second_workstation_overwrites_nothing(
    qtbot, ws, open_editor, team, plan
):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    # The GP saves from another workstation (its own open of the workspace, its own
    # connections) after the nurse opened the plan.
    other = workspaces.open_workspace(ws.folder)
    try:
        theirs = plans.load_plan(other, team["gp"], plan.draft.plan_id)
        gp_draft = copy.deepcopy(theirs.draft)
        gp_draft.medication_notes = "Webster pack from the chemist, reviewed by the GP"
        plans.save_plan(other, team["gp"], gp_draft, theirs.version)
    finally:
        other.close()

    editor.go_to("overview", "title")
    title = editor.page_by_key["overview"].form.widgets["title"]
    title.selectAll()
    qtbot.keyClicks(title, "Diabetes and blood pressure plan")
    editor.save_action.trigger()
    qtbot.waitUntil(editor.stale.isVisible, timeout=10_000)
    assert editor.stale.message.text().startswith("Gp User changed this care plan") or (
        "Gp User" in editor.stale.message.text()
    ), editor.stale.message.text()
    stored = plans.load_plan(ws, team["gp"], plan.draft.plan_id).draft
    assert stored.title == plan.draft.title  # the nurse's save was refused
    assert stored.medication_notes.startswith("Webster")  # the GP's save stands
    assert editor.doc.draft.title == "Diabetes and blood pressure plan"  # typing kept

    editor.stale.button("Reload their changes").click()
    qtbot.waitUntil(lambda: editor.doc.draft.medication_notes.startswith("Webster"), timeout=10_000)
    assert editor.doc.draft.title == "Diabetes and blood pressure plan"
    assert "Medication management" in editor.stale.message.text()
    assert editor.has_unsaved_edits() and "*" in editor.windowTitle()
    saved = _save(qtbot, editor)
    assert saved.draft.title == "Diabetes and blood pressure plan"
    assert saved.draft.medication_notes.startswith("Webster")


def test_a_refused_save_is_said_at_the_field(qtbot, open_editor, team, plan):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    editor.go_to("overview")
    end = editor.page_by_key["overview"].form.widgets["period_end"]
    end.edit.setText("01/01/2020")
    end.edit.editingFinished.emit()
    assert editor.doc.draft.period_end is not None
    editor.save_action.trigger()
    box = editor.page_by_key["overview"].form.boxes["period_end"]
    qtbot.waitUntil(lambda: bool(box.problem) or not editor.error.isHidden(), timeout=10_000)
    assert box.problem, editor.error.text()
    assert editor.pages.currentWidget() is editor.page_by_key["overview"]
    assert editor.focusWidget() is end.edit
    assert box.message.text() == box.problem and "end" in box.problem.lower()
    # The message stays while focus moves on (a readable date is not the problem) ...
    editor.page_by_key["overview"].form.widgets["title"].setFocus()
    end.edit.editingFinished.emit()
    assert box.problem
    # ... and goes once the date is changed.
    end.edit.setText("01/01/2030")
    end.edit.editingFinished.emit()
    assert not box.problem
    editor.doc.stack.setClean()


def test_the_checklist_names_what_is_missing_and_goes_there(qtbot, open_editor, team, plan):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    item = editor.checklist.item_for("patient_agreement")
    assert item is not None and item.text(0).startswith("✗")
    assert "missing" in editor.checklist.summary.text()
    editor.checklist.tree.setCurrentItem(item)
    editor.checklist.tree.setFocus()
    qtbot.keyClick(editor.checklist.tree, Qt.Key.Key_Return)
    assert editor.pages.currentWidget() is editor.page_by_key["review"]
    agreed_by = editor.page_by_key["review"].form.widgets["agreed_by"]
    assert editor.focusWidget() is agreed_by
    qtbot.keyClicks(agreed_by, "Patient")
    agreed_on = editor.page_by_key["review"].form.widgets["agreed_on"]
    agreed_on.edit.setText("01/12/2026")
    agreed_on.edit.editingFinished.emit()
    qtbot.keyClicks(editor.page_by_key["review"].form.widgets["agreed_how"], "In person")
    qtbot.waitUntil(
        lambda: editor.checklist.item_for("patient_agreement").text(0).startswith("✓"),
        timeout=5_000,
    )
    # The checklist follows an undo back.
    editor.undo_action.trigger()
    qtbot.waitUntil(
        lambda: editor.checklist.item_for("patient_agreement").text(0).startswith("✗"),
        timeout=5_000,
    )


def test_intensity_changes_with_its_reason_and_parts_have_keys(qtbot, ws, open_editor, team, plan):
    editor = open_editor(team["coordinator"], plan.draft.plan_id)
    qtbot.keyClick(editor.focusWidget(), Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert editor.pages.currentWidget() is editor.page_by_key["goals"]
    editor.intensity_action.trigger()
    dialog = editor.intensity_dialog
    dialog.form.widgets["intensity"].setCurrentIndex(
        dialog.form.widgets["intensity"].findData("intensive")
    )
    dialog.ok_button.click()  # no reason yet: said at the field, nothing written
    assert "why" in dialog.form.boxes["reason"].message.text().lower()
    dialog.form.widgets["reason"].setPlainText("Admitted with hypoglycaemia last week")
    with qtbot.waitSignal(editor.state.changes_published, timeout=10_000):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: editor.doc.draft.intensity == "intensive", timeout=5_000)
    assert "hypoglycaemia" in editor.intensity_label.text()
    assert "coordination intensive" in editor.header.text()
    stored = plans.load_plan(ws, team["nurse"], plan.draft.plan_id)
    assert stored.intensity_history[-1].reason.startswith("Admitted")
    assert not editor.has_unsaved_edits()


def test_list_pages_fit_a_1280_window_without_cutting_the_form_or_the_buttons(
    qtbot, open_editor, team, plan
):
    from carecoord_desktop.ui.careplans.lists import ListSection

    editor = open_editor(team["nurse"], plan.draft.plan_id)
    editor.resize(1280, 820)
    pages = {k: p for k, p in editor.page_by_key.items() if isinstance(p, ListSection)}
    assert pages
    for key, page in pages.items():
        editor.go_to(key)
        qtbot.waitUntil(page.isVisible)
        # No sideways scrolling in the form: wider than its viewport means cut off at the right.
        assert page.form_area.widget().width() <= page.form_area.viewport().width(), key
        for button in (page.add_button, page.remove_button, page.up_button, page.down_button):
            assert button.width() >= button.sizeHint().width(), (key, button.text())
