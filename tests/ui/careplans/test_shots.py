"""Pictures of the care plan screens with a busy plan, for a person to look at (saved when
CARECOORD_SHOTS names a folder), each checked to show text where its parts sit."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from carecoord_desktop.services import accounts
from carecoord_desktop.services.careplans import observations, plans, reviews
from carecoord_desktop.ui.careplans.screen import CarePlansScreen
from carecoord_desktop.ui.careplans.versions import VersionsDialog
from carecoord_desktop.ui.resources import stylesheet
from tests_support import assert_has_text, save_shot

from .test_screen_and_tab import _close_editors, _context


def _busy(ws, nurse, plan):
    """The plan a few months on: active, agreed, reviewed once, with a history of readings."""
    draft = copy.deepcopy(plan.draft)
    draft.status = "active"
    draft.period_start = date.today() - timedelta(days=150)
    draft.agreed_by, draft.agreed_on, draft.agreed_how = "Patient", draft.period_start, "In person"
    rec = plans.save_plan(ws, nurse, draft, plan.version).value.plan
    hba1c = next(g for g in rec.draft.goals if g.measure_kind == "hba1c")
    systolic = next(g for g in rec.draft.goals if g.measure_kind == "bp_systolic")
    for days, a1c, bp in (
        (150, 71, 152),
        (120, 68, 147),
        (90, 64, 141),
        (60, 60, 138),
        (30, 57, 133),
        (5, 55, 129),
    ):
        on = date.today() - timedelta(days=days)
        observations.add_observation(
            ws,
            nurse,
            rec.draft.patient_id,
            kind="hba1c",
            value=a1c,
            observed_on=on,
            goal_uid=hba1c.uid,
        )
        observations.add_observation(
            ws,
            nurse,
            rec.draft.patient_id,
            kind="bp_systolic",
            value=bp,
            observed_on=on,
            goal_uid=systolic.uid,
        )
    rec = reviews.start_review(ws, nurse, rec.draft.plan_id, rec.version).value
    reviewed = copy.deepcopy(rec.draft)
    reviewed.goals[0].target_value = 125
    reviewed.goals[0].status = "in_progress"
    reviewed.interventions[0].frequency = "Every 6 weeks until on target"
    reviewed.actions.pop()
    result = reviews.complete_review(
        ws,
        nurse,
        reviewed,
        rec.version,
        what_changed="Tighter blood pressure target",
        why="Home readings still above target",
    )
    return result.value.plan, hba1c


def test_pictures_of_the_editor_checklist_diff_chart_and_screen(qtbot, ws, open_editor, team, plan):
    nurse = team["nurse"]
    rec, hba1c = _busy(ws, nurse, plan)
    editor = open_editor(nurse, rec.draft.plan_id)
    editor.setStyleSheet(stylesheet())
    editor.resize(1440, 900)
    editor.go_to("goals")
    qtbot.wait(50)
    image = editor.grab().toImage()
    for part in (
        editor.header,
        editor.nav,
        editor.page_by_key["goals"].view,
        editor.checklist.tree,
    ):
        assert_has_text(image, part, editor)
    save_shot(editor, "editor-goals.png")
    editor.go_to("interventions")
    save_shot(editor, "editor-interventions.png")
    save_shot(editor.checklist_dock, "checklist.png")

    editor.go_to("progress")
    page = editor.progress_page
    page.select_uid(hba1c.uid)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.goal_uid == hba1c.uid, timeout=10_000
    )
    assert page.chart.points == 6 and "sugar levels" in page.summary.text()
    qtbot.wait(50)
    assert_has_text(editor.grab().toImage(), page.summary, editor)
    save_shot(editor, "progress-chart.png")

    versions = VersionsDialog(editor.state, rec.draft.plan_id, editor)
    versions.setStyleSheet(stylesheet())
    qtbot.addWidget(versions)
    versions.show()
    qtbot.waitUntil(lambda: bool(versions.diff_lines), timeout=10_000)
    assert_has_text(versions.grab().toImage(), versions.diff, versions)
    save_shot(versions, "versions-diff.png")
    versions.close()

    ctx = _context(ws, team["coordinator"])
    screen = CarePlansScreen(ctx)
    screen.setStyleSheet(stylesheet())
    qtbot.addWidget(screen)
    screen.resize(1200, 500)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    assert_has_text(screen.grab().toImage(), screen.table, screen)
    save_shot(screen, "care-plans-screen.png")
    record = screen.open_record()
    qtbot.addWidget(record)
    record.setStyleSheet(stylesheet())
    record.tabs.setCurrentWidget(record.pages["care_plan"])
    qtbot.waitUntil(lambda: record.pages["care_plan"].model.rowCount() == 1, timeout=10_000)
    save_shot(record, "record-care-plan-tab.png")
    _close_editors(ctx.state)


def test_pictures_of_the_demo_practice(qtbot, demo_copy):
    made = demo_copy(60, 7)
    ws = made.workspace
    coordinator = next(a for a in made.accounts if a.role.value == "coordinator")
    actor = accounts.authenticate(ws, coordinator.username, made.password)
    ctx = _context(ws, actor)
    screen = CarePlansScreen(ctx)
    screen.setStyleSheet(stylesheet())
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 5, timeout=20_000)
    overdue = [r for r in screen.model.rows if r.overdue]
    assert overdue, "the demo has overdue reviews"
    save_shot(screen, "care-plans-screen-demo.png")
    busiest = max(
        screen.model.rows,
        key=lambda r: len(plans.load_plan(ws, actor, r.plan_id).draft.goals),
    )
    screen.table.selectRow(screen.model.rows.index(busiest))
    editor = screen.open_plan()
    editor.setStyleSheet(stylesheet())
    editor.resize(1440, 900)
    with qtbot.waitSignal(editor.plan_opened, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: bool(editor.checklist.results), timeout=10_000)
    editor.go_to("goals")
    qtbot.wait(50)
    assert_has_text(editor.grab().toImage(), editor.page_by_key["goals"].view, editor)
    save_shot(editor, "editor-demo-plan.png")
    _close_editors(ctx.state)
