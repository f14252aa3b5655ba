"""The Care plans screen (filters, opening a plan and the patient's record), the record window's
Care plan tab (start a plan from templates, open, review), the progress chart with a new
observation, and the editor's item models under qtmodeltester."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt

from carecoord_desktop.services import settings
from carecoord_desktop.services.careplans import plans, templates
from carecoord_desktop.services.careplans.practice_list import PlanFilter
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.ui.careplans.document import PlanDocument
from carecoord_desktop.ui.careplans.lists import ItemListModel
from carecoord_desktop.ui.careplans.record_tab import CarePlanTab
from carecoord_desktop.ui.careplans.screen import _TITLE, CarePlansScreen
from carecoord_desktop.ui.careplans.windows import open_editors
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.screens import ScreenContext, ShellRequests, record_sections
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot


def _context(ws, actor):
    state = AppState(ws, actor, settings.load(ws))
    return ScreenContext(state, ShellRequests(), RecordOpener(state, sections=record_sections()))


def _close_editors(state):
    for editor in open_editors(state):
        editor.doc.stack.setClean()
        editor.close()


def _overdue(ws, actor, plan):
    """Make the plan active with its review due long ago (as a plan started a year back)."""
    draft = copy.deepcopy(plan.draft)
    draft.status = "active"
    draft.period_start = date.today() - timedelta(days=200)
    draft.review_interval_weeks = 4
    return plans.save_plan(ws, actor, draft, plan.version).value.plan


def test_screen_filters_and_opens_the_plan_and_the_record(qtbot, qtmodeltester, ws, team, plan):
    _overdue(ws, team["nurse"], plan)
    ctx = _context(ws, team["coordinator"])
    screen = CarePlansScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    qtmodeltester.check(screen.model)
    row = screen.model.row_at(0)
    assert row.patient_name == "Mary Nguyen" and row.overdue
    assert "overdue" in screen.model.index(0, 4).data()

    for which, expected in ((PlanFilter.DRAFTS, 0), (PlanFilter.REVIEW_OVERDUE, 1)):
        screen.which.setCurrentIndex(screen.which.findData(which.value))
        screen.which.activated.emit(screen.which.currentIndex())
        qtbot.waitUntil(lambda e=expected: screen.model.rowCount() == e, timeout=10_000)
    screen.search.setText("nobody of that name")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10_000)
    screen.search.setText("nguyen")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)

    screen.table.setFocus()
    screen.table.selectRow(0)
    editor = screen.open_plan()
    with qtbot.waitSignal(editor.plan_opened, timeout=10_000):
        pass
    assert screen.open_plan() is editor  # one window per plan, brought forward
    record = screen.open_record()
    qtbot.addWidget(record)
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    assert "Care plan" in titles
    tab = record.pages["care_plan"]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert "review overdue" in tab.summary.text()
    _close_editors(ctx.state)


def test_record_tab_starts_a_plan_from_templates(qtbot, ws, team, patient):
    ctx = _context(ws, team["gp"])
    record = ctx.open_record(patient.id)
    qtbot.addWidget(record)
    tab = record.pages["care_plan"]
    qtbot.waitUntil(lambda: tab.summary.text() == "No care plan yet.", timeout=10_000)
    assert not tab.start_button.isHidden() and tab.start_button.isEnabled()
    tab.start_plan()
    dialog = tab.start_dialog
    qtbot.waitUntil(lambda: dialog.list.count() > 0, timeout=10_000)
    ticked = dialog.chosen()
    assert len(ticked) == 2  # diabetes and hypertension, from the record's conditions
    dialog.list.setFocus()
    dialog.list.setCurrentRow(dialog.list.count() - 1)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # tick one more with the keyboard
    assert len(dialog.chosen()) == 3
    dialog.set_chosen(ticked)
    with qtbot.waitSignal(dialog.plan_started, timeout=10_000) as started:
        dialog.start_button.click()
    new = started.args[0]
    editors = open_editors(ctx.state)
    assert [e.plan_id for e in editors] == [new.draft.plan_id]
    with qtbot.waitSignal(editors[0].plan_opened, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)  # the notice refreshed it
    assert sorted(new.draft.template_keys) == sorted(ticked)
    _close_editors(ctx.state)


def test_reception_sees_the_tab_without_edit_buttons(qtbot, ws, team, plan):
    ctx = _context(ws, team["reception"])
    record = ctx.open_record(plan.draft.patient_id)
    qtbot.addWidget(record)
    tab = record.pages["care_plan"]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert tab.start_button.isHidden() and tab.review_button.isHidden()
    assert tab.open_button.text() == "&Read plan"
    assert not tab.print_plan_action.isVisible() and tab.print_handout_action.isEnabled()


def test_progress_chart_and_a_new_observation(qtbot, ws, open_editor, team, plan):
    editor = open_editor(team["nurse"], plan.draft.plan_id)
    editor.go_to("progress")
    page = editor.progress_page
    goal = next(g for g in editor.doc.draft.goals if g.measure_kind == "hba1c")
    page.select_uid(goal.uid)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.goal_uid == goal.uid, timeout=10_000
    )
    assert page.chart.points == 0 and "No observations yet" in page.summary.text()
    page.add_observation()
    dialog = page.observation_dialog
    assert dialog.form.widgets["kind"].currentData() == "hba1c"
    qtbot.keyClicks(dialog.form.widgets["value"], "sixty")
    dialog.ok_button.click()
    assert "number" in dialog.form.boxes["value"].message.text() and dialog.isVisible()
    dialog.form.widgets["value"].setText("61")
    with qtbot.waitSignal(page.progress_shown, timeout=10_000):
        dialog.ok_button.click()
    assert page.chart.points == 1
    assert "Latest 61" in page.summary.text() and "not yet on target" in page.summary.text()


def test_item_list_model_passes_qtmodeltester(qtmodeltester, plan):
    doc = PlanDocument(copy.deepcopy(plan.draft))
    model = ItemListModel(doc, "goals", lambda item, row: f"{row}: {item.patient_words}")
    qtmodeltester.check(model)
    doc.move_item("goals", doc.draft.goals[0].uid, 2)
    qtmodeltester.check(model)
    # A drag of the first goal dropped below the third: it lands third, as one undo step.
    first = doc.draft.goals[0].uid
    data = model.mimeData([model.index(0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert doc.row_of("goals", first) == 2
    doc.stack.undo()
    assert doc.row_of("goals", first) == 0
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())


def test_care_plan_tab_is_a_section(team):
    spec = next(s for s in record_sections() if s.key == "care_plan")
    assert spec.position == 35 and spec.allowed(team["reception"])
    assert spec.factory is CarePlanTab


def test_the_open_button_opens_the_selected_plan(qtbot, ws, team, plan):
    # The button's clicked(bool) once reached open_plan as plan id False: "not in the workspace".
    ctx = _context(ws, team["reception"])
    record = ctx.open_record(plan.draft.patient_id)
    qtbot.addWidget(record)
    tab = record.pages["care_plan"]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    tab.table.selectRow(0)
    tab.open_button.click()
    editors = open_editors(ctx.state)
    assert [e.plan_id for e in editors] == [plan.draft.plan_id]
    with qtbot.waitSignal(editors[0].plan_opened, timeout=10_000):
        pass
    assert editors[0].record is not None
    _close_editors(ctx.state)


def test_the_tab_summary_shows_a_typed_title_as_text_and_says_overdue_once(qtbot, ws, team, plan):
    draft = copy.deepcopy(plan.draft)
    draft.title = "Plan <i>A</i> & B"
    _overdue(ws, team["nurse"], plans.save_plan(ws, team["nurse"], draft, plan.version).value.plan)
    ctx = _context(ws, team["nurse"])
    record = ctx.open_record(plan.draft.patient_id)
    qtbot.addWidget(record)
    tab = record.pages["care_plan"]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    text = tab.summary.text()
    assert "Plan &lt;i&gt;A&lt;/i&gt; &amp; B" in text  # rich text: the title is escaped
    assert text.count("overdue") == 1


def test_a_long_plan_title_gives_way_so_next_review_stays_in_view(qtbot, ws, team, plan):
    draft = copy.deepcopy(plan.draft)
    draft.title = "Care plan: " + ", ".join(["Chronic obstructive pulmonary disease (COPD)"] * 4)
    plans.save_plan(ws, team["nurse"], draft, plan.version)
    screen = CarePlansScreen(_context(ws, team["coordinator"]))
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    header = screen.table.horizontalHeader()
    review = next(
        c
        for c in range(screen.model.columnCount())
        if screen.model.headerData(c, Qt.Orientation.Horizontal) == "Next review"
    )
    assert header.sectionViewportPosition(review) + header.sectionSize(review) <= (
        screen.table.viewport().width()
    )


def test_with_more_plans_than_fit_every_column_stays_in_view_and_titles_have_tooltips(
    qtbot, ws, team, plan
):
    keys = [t.key for t in templates.list_templates(ws, team["nurse"])]
    for n in range(8):  # more rows than the list shows: its scroll bar appears
        draft = PatientDraft(given_name=f"Plan{n}", family_name="Holder",
                             date_of_birth=date(1950, 1, n + 1))  # fmt: skip
        pid = patients.create_patient(ws, team["nurse"], draft).value.id
        templates.start_plan_from_templates(ws, team["nurse"], pid, keys[:3])
    screen = CarePlansScreen(_context(ws, team["coordinator"]))
    qtbot.addWidget(screen)
    screen.resize(1040, 330)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 9, timeout=10_000)
    table = screen.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.verticalScrollBar().isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5_000)
    last = screen.model.columnCount() - 1
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
        table.viewport().width()
    )
    for row in range(screen.model.rowCount()):
        index = screen.model.index(row, _TITLE)
        assert index.data(Qt.ItemDataRole.ToolTipRole) == screen.model.rows[row].title
    # Made narrower after the list came: it fits again, nothing behind a sideways scroll.
    screen.resize(900, 330)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5_000)
    save_shot(screen, "careplans-screen-narrow.png")
