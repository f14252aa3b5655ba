"""Change notices, declared record sections and the one record opener, on a real demo workspace:
a record opened from a second screen and edited there updates the Patients screen and every other
open window through the published notice alone."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.types import ConditionDraft
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.ui.patients.list_model import CONDITIONS, COORDINATOR
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.patients.record_sections import RECORD_SECTIONS, SectionSpec
from carecoord_desktop.ui.patients.screen import PatientsScreen
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.screens import SCREENS, ScreenContext, ScreenSpec
from carecoord_desktop.ui.shell.state import AppState


@pytest.fixture
def made(demo_copy):
    return demo_copy(100, 5)


def _actor(made, role: Role):
    account = next(a for a in made.accounts if a.role == role)
    return accounts.authenticate(made.workspace, account.username, made.password)


@pytest.fixture
def state(made):
    ws = made.workspace
    return AppState(ws, _actor(made, Role.ADMIN), practice_settings.load(ws))


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


class _Board(QWidget):
    """A second screen declared by this test (as the task board will be): it opens records only
    through the opener its context gives it, and hears the notices like any screen."""

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.notices: list[Changes] = []
        ctx.state.changes_published.connect(self.notices.append)


_BOARD = ScreenSpec("board", "Board", _Board, None, "Ctrl+8", "tasks", "Opens records.")


@pytest.fixture
def window(qtbot, state, tmp_path):
    win = MainWindow(state, settings_path=tmp_path / "ui.ini", screens=(SCREENS[0], _BOARD))
    qtbot.addWidget(win)
    win.show()
    listed = win.screen_widget("patients")
    qtbot.waitUntil(lambda: listed.model.loaded and not listed.searching, timeout=5000)
    yield win
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def rereads(monkeypatch):
    """The patient ids record windows re-read after a notice (the non-auditing re-read)."""
    seen: list[int] = []
    real = patients.reread_record

    def spy(ws, actor, patient_id):
        seen.append(patient_id)
        return real(ws, actor, patient_id)

    monkeypatch.setattr(patients, "reread_record", spy)
    return seen


def _views(ws, actor, patient_id) -> int:
    rows, _ = audit.list_events(ws, actor, action="view", patient_id=patient_id)
    return len([r for r in rows if r.record_type == "patient"])


def test_an_edit_in_a_record_opened_from_a_second_screen_updates_every_open_screen(
    qtbot, window, rereads
):
    listed = window.screen_widget("patients")
    window.show_screen("board")
    board = window.screen_widget("board")
    pid, unrelated = listed.model.patient_id(0), listed.model.patient_id(1)
    other_window = board.ctx.open_record(unrelated)
    record = board.ctx.open_record(pid)
    assert record is window.opener.window_for(pid)
    generation = listed.generation

    record.edit_button.click()
    combo = record.form.coordinator
    new = next(
        i for i in range(1, combo.count()) if combo.itemData(i) != record.record.coordinator_id
    )
    combo.setCurrentIndex(new)
    name = combo.itemText(new)
    record.form.save()

    row = listed.model.row_for_id(pid)
    assert listed.model.data(listed.model.index(row, COORDINATOR)) == name
    assert listed.generation == generation, "a coordinator change does not re-run the search"
    assert f"Coordinator: {name}" in record.details.text()
    assert [set(n.patient_ids) for n in board.notices] == [{pid}]
    assert rereads == [pid], "only the changed patient's window re-read its record"
    assert other_window.isVisible() and other_window.record.id == unrelated


def test_a_merge_updates_the_other_records_open_window_and_the_list(qtbot, window, yes):
    listed = window.screen_widget("patients")
    board_ctx = window.context
    keep, gone = listed.model.patient_id(2), listed.model.patient_id(3)
    gone_window = window.opener.open(gone)
    keep_window = board_ctx.open_record(keep)
    before = len(keep_window.sections["conditions"].model.rows)
    moved = len(gone_window.sections["conditions"].model.rows)
    assert not gone_window.banner.isVisible()

    keep_window.merge_button.click()
    merge = keep_window.merge_dialog
    merge.search.setText(gone_window.record.practice_id)
    merge.find()
    merge.merge_button.click()

    assert "MERGED into" in gone_window.banner.text() and gone_window.banner.isVisible()
    assert not gone_window.edit_button.isEnabled()
    assert len(keep_window.sections["conditions"].model.rows) == before + moved
    qtbot.waitUntil(lambda: listed.model.row_for_id(gone) is None and not listed.searching)
    assert listed.model.row_for_id(keep) is not None


def test_a_list_edit_writes_no_view_row_and_refreshes_only_its_section(qtbot, state, rereads):
    opener = RecordOpener(state)
    pid = registry.query_ids(state.ws, state.actor, registry.PatientFilter(), limit=1)[0]
    record = opener.open(pid)
    qtbot.addWidget(record)
    assert _views(state.ws, state.actor, pid) == 1, "opening the record is a view"
    summary = record.pages["summary"]
    shown = []
    summary.show_record = shown.append  # the summary shows nothing a condition changes
    section = record.sections["conditions"]
    rows = section.model.rowCount()

    section.add_button.click()
    section.dialog.form.widgets["display"].setText("Gout")
    section.dialog.save()

    assert section.model.rowCount() == rows + 1
    assert rereads == [pid] and shown == []
    assert _views(state.ws, state.actor, pid) == 1, "an edit is not a new view"
    opener.open(pid)
    assert _views(state.ws, state.actor, pid) == 1, "bringing the open window forward either"


def test_opening_the_same_patient_twice_brings_the_one_window_forward(qtbot, state):
    opener = RecordOpener(state)
    screen = PatientsScreen(state, opener)
    qtbot.addWidget(screen)
    pid = registry.query_ids(state.ws, state.actor, registry.PatientFilter(), limit=1)[0]
    first = opener.open(pid)
    qtbot.addWidget(first)
    first.hide()
    again = screen.open_record(pid)  # another screen, the same opener
    assert again is first and again.isVisible()
    assert opener.open_windows() == [first]
    first.close()
    qtbot.waitUntil(lambda: opener.window_for(pid) is None)
    reopened = opener.open(pid)
    qtbot.addWidget(reopened)
    assert reopened is not first and reopened.isVisible()
    opener.close_all()
    assert opener.open_windows() == []


def test_a_notice_refetches_only_the_changed_patients_row(qtbot, state, monkeypatch, qtmodeltester):
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.loaded and not screen.searching, timeout=5000)
    model = screen.model
    pid = model.patient_id(5)
    before = model.data(model.index(5, CONDITIONS))
    fetched: list[list[int]] = []
    real = registry.fetch_rows
    monkeypatch.setattr(
        registry, "fetch_rows", lambda ws, a, ids: fetched.append(list(ids)) or real(ws, a, ids)
    )
    generation = screen.generation
    draft = ConditionDraft("Zoster", onset=date(2021, 3, 1))
    state.publish(patient_lists.add_condition(state.ws, state.actor, pid, draft))

    assert fetched == [[pid]], "one query, for the changed patient's row only"
    assert model.data(model.index(5, CONDITIONS)) != before
    assert screen.generation == generation, "no filter reads conditions: no new search"
    qtmodeltester.check(model)

    qtbot.waitUntil(lambda: screen.condition.count() > 1, timeout=5000)
    screen.condition.setCurrentIndex(1)  # a condition filter: a condition change may move rows
    qtbot.waitUntil(lambda: not screen.searching and screen.model.filter.condition_code is not None)
    generation = screen.generation
    state.publish(patient_lists.add_condition(state.ws, state.actor, pid, ConditionDraft("Gout")))
    assert screen.generation == generation + 1
    qtbot.waitUntil(lambda: not screen.searching)


class _Notes(QWidget):
    """A section a feature might add: it counts what it was shown."""

    def __init__(self, _ctx) -> None:
        super().__init__()
        self.shown: list[int] = []
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)

    def show_record(self, rec) -> None:
        self.shown.append(rec.id)
        self.label.setText(f"{len(rec.conditions)} conditions")


_NOTES = SectionSpec(
    "notes", "Clinical notes", Permission.EDIT_CARE_PLANS, _Notes, frozenset({Kind.CONDITIONS})
)


@pytest.mark.parametrize(
    ("role", "sees"), [(Role.NURSE, True), (Role.GP, True), (Role.RECEPTION, False)]
)
def test_a_declared_section_appears_for_the_roles_with_its_permission(qtbot, made, role, sees):
    ws = made.workspace
    state = AppState(ws, _actor(made, role), practice_settings.load(ws))
    opener = RecordOpener(state, sections=(*RECORD_SECTIONS, _NOTES))
    pid = registry.query_ids(ws, state.actor, registry.PatientFilter(), limit=1)[0]
    record = opener.open(pid)
    qtbot.addWidget(record)
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    assert ("Clinical notes" in titles) is sees
    assert titles[:5] == ["Summary", "Conditions && allergies", "Medicines", "Hospital", "People"]
    if not sees:
        return
    notes = record.pages["notes"]
    assert notes.shown == [pid]
    state.publish(patients.update_patient(ws, state.actor, pid, _same_draft(ws, state, pid)))
    assert notes.shown == [pid], "an unchanged save notices nothing"
    state.publish(patient_lists.add_condition(ws, state.actor, pid, ConditionDraft("Gout")))
    assert notes.shown == [pid, pid] and "conditions" in notes.label.text()
    state.publish_changes(Changes.patient(pid, Kind.CONTACTS))
    assert notes.shown == [pid, pid], "a kind it does not show leaves it alone"


def _same_draft(ws, state, pid):
    from carecoord_desktop.services.patients.types import PatientDraft

    rec = patients.reread_record(ws, state.actor, pid)
    names = {f for f in PatientDraft.__dataclass_fields__}
    return PatientDraft(**{k: getattr(rec, k) for k in names if hasattr(rec, k)})


def test_renaming_a_coordinator_in_admin_updates_the_patients_rows(qtbot, state, tmp_path):
    from carecoord_desktop.ui.shell.screens import SCREENS as ALL

    admin_spec = next(s for s in ALL if s.key == "admin")
    win = MainWindow(state, settings_path=tmp_path / "ui.ini", screens=(ALL[0], admin_spec))
    qtbot.addWidget(win)
    win.show()
    listed = win.screen_widget("patients")
    qtbot.waitUntil(lambda: listed.model.loaded and not listed.searching, timeout=5000)
    row = next(
        r for r in range(listed.model.rowCount()) if listed.model.row_data(r).coordinator_name
    )
    old = listed.model.row_data(row).coordinator_name
    users = {u.full_name: u.id for u in accounts.list_users(state.ws, state.actor)}
    win.show_screen("admin")
    tab = win.screen_widget("admin").users
    tab._do(accounts.update_user, users[old], full_name="Renamed Coordinator")
    names = [tab.model.row_at(r).full_name for r in range(tab.model.rowCount())]
    assert "Renamed Coordinator" in names, "the users tab refreshed from the notice"
    qtbot.waitUntil(
        lambda: (
            not listed.searching
            and listed.model.row_data(row).coordinator_name == "Renamed Coordinator"
        ),
        timeout=5000,
    )
    QThreadPool.globalInstance().waitForDone()
