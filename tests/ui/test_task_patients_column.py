"""The Patients list's "Tasks" column: each patient's open tasks, from the task board's count
(one indexed read per block of rows), refreshed by the change notice of a task write."""

from __future__ import annotations

from PySide6.QtCore import Qt

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks.types import TaskDraft, TaskState
from carecoord_desktop.ui.patients.list_model import COLUMNS, OPEN_TASKS
from carecoord_desktop.ui.patients.screen import PatientsScreen
from task_board_support import patient_ids, seed_board, state_for
from tests_support import save_shot


def test_the_tasks_column_counts_open_tasks_and_follows_a_new_one(qtbot, demo_copy):
    made = demo_copy(25, 11)
    seed_board(made, tasks=30)
    state = state_for(made, Role.COORDINATOR)
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.loaded and not screen.searching)
    model = screen.model
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.is_loaded(model.rowCount() - 1))
    assert COLUMNS[OPEN_TASKS][0] == "Tasks"
    tip = model.headerData(OPEN_TASKS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Open tasks" in tip
    counts = boards.open_task_counts(state.ws, state.actor, patient_ids(state.ws, state.actor))
    shown = {
        model.patient_id(r): model.data(model.index(r, OPEN_TASKS)) for r in range(model.rowCount())
    }
    assert {pid: text for pid, text in shown.items() if text != "—"} == {
        pid: str(n) for pid, n in counts.items() if n
    }
    assert not screen.view.isColumnHidden(OPEN_TASKS)
    save_shot(screen, "patients_tasks_column.png")
    # A new task for a patient, and one moved to Done: the rows follow the notices.
    pid = next(iter(shown))
    row = model.row_for_id(pid)
    n = counts.get(pid, 0)
    with qtbot.waitSignal(state.changes_published):
        card = state.publish(
            task_edit.create_task(
                state.ws, state.actor, TaskDraft(title="Ring about results", patient_id=pid)
            )
        )
    assert model.data(model.index(row, OPEN_TASKS)) == str(n + 1)
    state.publish(task_edit.move_task(state.ws, state.actor, card.id, TaskState.DONE))
    assert model.data(model.index(row, OPEN_TASKS)) == (str(n) if n else "—")


def test_clicking_the_tasks_header_sorts_by_open_tasks_in_sql(qtbot, demo_copy):
    from PySide6.QtCore import QPoint

    made = demo_copy(25, 11)
    seed_board(made, tasks=30)
    state = state_for(made, Role.NURSE)
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    screen.resize(1600, 760)
    screen.show()
    model, header = screen.model, screen.view.horizontalHeader()
    qtbot.waitUntil(lambda: model.loaded and not screen.searching)

    def click() -> None:
        x = header.sectionViewportPosition(OPEN_TASKS) + header.sectionSize(OPEN_TASKS) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
        qtbot.waitUntil(lambda: not model.querying)

    click()
    assert model.sort_key == "open_tasks"
    click()  # most open tasks first
    assert model.descending and header.sortIndicatorSection() == OPEN_TASKS
    qtbot.waitUntil(lambda: model.is_loaded(min(model.rowCount(), 20) - 1))
    counts = [model.row_data(r).open_tasks for r in range(min(model.rowCount(), 20))]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    save_shot(screen, "patients_sorted_by_tasks.png")
