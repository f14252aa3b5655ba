"""The conference window's "Details and people" and "Agenda" pages on real encrypted
workspaces: details saved at the version opened, invitees added and their attendance set, the
team line, the agreement saved on its own, a stale save refused with the other user's name,
bad input said at the field; the agenda built from the record with its sources, edited,
reordered (Alt+Down and a drop), an item with minutes kept, rebuilt, saved; reception reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt

import conference_ui_support
from carecoord_desktop.models.conference import AgendaSource
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences import meeting
from carecoord_desktop.services.conferences.types import ConferenceDraft
from carecoord_desktop.services.tasks import edit as tasks
from carecoord_desktop.services.tasks.types import TaskDraft
from carecoord_desktop.ui.conferences.people import draft_of
from conference_ui_support import make_state, open_window, schedule
from tests_support import save_shot

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
team = conference_ui_support.team
moss = conference_ui_support.moss


@pytest.fixture
def conf(ws, team, moss):
    return schedule(ws, team["coordinator"], moss)


def _window(qtbot, ws, actor, conf):
    window = open_window(qtbot, make_state(ws, actor), conf.id)
    window.resize(1280, 800)
    return window


def _stored(ws, team, conf):
    return confs.load_conference(ws, team["coordinator"], conf.id)


def _row_of(model, name: str) -> int:
    return next(n for n, p in enumerate(model.people) if p.name == name)


# -- details ---------------------------------------------------------------------------------
def test_details_are_saved_and_the_header_follows(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["coordinator"], conf)
    page = window.pages["details"]
    assert window.tabs.tabText(0) == "Details and people" and window.tabs.count() == 4
    assert not page.save_button.isEnabled()  # nothing typed yet
    page.title.setText("Care conference: falls and feet")
    page.time.setText("3:45 pm")
    page.minutes.setValue(45)
    page.video.setText("https://video.example.org/moss")
    assert page.save_button.isEnabled() and page.has_unsaved_edits()
    with qtbot.waitSignal(window.conference_loaded):
        page.save_button.click()
    stored = _stored(ws, team, conf)
    assert (stored.title, stored.planned_minutes) == ("Care conference: falls and feet", 45)
    assert stored.scheduled_at.astimezone().strftime("%H:%M") == "15:45"
    assert stored.video_link == "https://video.example.org/moss"
    assert not page.has_unsaved_edits() and not page.save_button.isEnabled()
    assert "falls and feet" in window.header.text()
    window.pages["details"].time.setText("9")  # "9" reads as 09:00
    assert page.draft().scheduled_at.astimezone().strftime("%H:%M") == "09:00"


def test_invitees_are_added_and_attendance_set_with_the_team_line_live(
    qtbot, qtmodeltester, ws, team, conf
):
    window = _window(qtbot, ws, team["coordinator"], conf)
    people = window.pages["details"].invitees
    page = window.pages["details"]
    assert people.team_line.text().startswith("Case-conference team met")
    qtmodeltester.check(people.model)
    other = people.someone_else()
    other.form.widgets["name"].setText("Ana Ruiz")
    other.save()  # the discipline is required: said at the field, nothing added
    assert other.isVisible() and other.form.problems()
    other.form.widgets["discipline"].setText("Aged care assessor")
    other.form.widgets["organisation"].setText("Riverbend ACAS")
    other.save()
    assert not other.isVisible() and people.model.people[-1].name == "Ana Ruiz"

    june = next(people.choices.itemData(n) for n in range(people.choices.count())
                if people.choices.itemText(n).startswith("June Moss"))  # fmt: skip
    people.invite(june)
    assert people.model.people[-1].name == "June Moss"
    assert all(not people.choices.itemText(n).startswith("June Moss")
               for n in range(people.choices.count()))  # offered once  # fmt: skip

    for name in ("Priya Shah", "Tom Reid"):
        people.table.selectRow(_row_of(people.model, name))
        people.attendance.setCurrentIndex(people.attendance.findData("declined"))
        people.attendance.activated.emit(people.attendance.currentIndex())
    assert people.team_line.text().startswith("Case-conference team not met")
    assert "Aged care assessor" in people.team_line.text()
    assert "1 more provider of another discipline" in people.team_line.text()
    people.table.selectRow(_row_of(people.model, "Lena Lee"))
    assert not people.joined.isEnabled()  # how someone joined is for those who came
    people.attendance.setCurrentIndex(people.attendance.findData("attended"))
    people.attendance.activated.emit(people.attendance.currentIndex())
    assert people.joined.isEnabled()
    people.joined.setCurrentIndex(people.joined.findData("video"))
    people.joined.activated.emit(people.joined.currentIndex())
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save()
    stored = {p.name: p for p in _stored(ws, team, conf).participants}
    assert stored["Ana Ruiz"].kind == "other" and stored["Ana Ruiz"].organisation == (
        "Riverbend ACAS"
    )
    assert stored["June Moss"].kind == "carer"
    assert stored["Priya Shah"].attendance == "declined"
    assert (stored["Lena Lee"].attendance, stored["Lena Lee"].joined_how) == ("attended", "video")
    qtbot.wait(10)
    save_shot(window, "details-page-1280.png")
    window.resize(1600, 1000)
    qtbot.wait(10)
    save_shot(window, "details-page-1600.png")

    people.table.selectRow(_row_of(people.model, "June Moss"))
    people.remove_chosen()
    people.table.selectRow(_row_of(people.model, "Lena Lee"))
    people.remove_chosen()  # she attended: refused, said why
    assert people.error.isVisible() and "attended" in people.error.text()
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save()
    assert "June Moss" not in {p.name for p in _stored(ws, team, conf).participants}


def test_the_agreement_is_recorded_on_its_own_and_typed_details_stay(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["nurse"], conf)
    page = window.pages["details"]
    assert window.state_label.text() == "Agreement not recorded"
    page.place.setText("The patient's home")  # typed, not saved yet
    box = page.agreement
    box.agreed.setCurrentIndex(box.agreed.findData("yes"))
    assert box.on.text() == date.today().strftime("%d/%m/%Y")  # today, offered
    box.how.setCurrentIndex(box.how.findData("written"))
    box.note.setText("Signed the consent form with June")
    with qtbot.waitSignal(window.conference_loaded):
        box.save_button.click()
    stored = _stored(ws, team, conf)
    assert (stored.agreed, stored.agreed_on, stored.agreed_how) == (True, date.today(), "written")
    assert window.state_label.text() == f"The patient agreed in writing on {date.today():%d/%m/%Y}"
    assert "agreed in writing" in box.recorded.text()
    # The agreement changed the conference's version; the typed place is kept and saves.
    assert page.place.text() == "The patient's home" and not page.banner.isVisible()
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save()
    assert _stored(ws, team, conf).place == "The patient's home"

    box.agreed.setCurrentIndex(box.agreed.findData("yes"))
    box.on.edit.setText((date.today() + timedelta(days=3)).strftime("%d/%m/%Y"))
    box.note.setText("changed")
    assert not page.save_agreement()  # a day still to come: said at the field
    assert "future" in box.boxes["agreed_on"].problem
    box.agreed.setCurrentIndex(box.agreed.findData("unset"))  # recorded by mistake: cleared
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save_agreement()
    assert _stored(ws, team, conf).agreed is None
    assert window.state_label.text() == "Agreement not recorded"


def test_a_stale_save_names_who_saved_first_and_reload_takes_theirs(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["coordinator"], conf)
    page = window.pages["details"]
    page.title.setText("My title")
    # Meanwhile, at another workstation, Dr Lee saves the same conference.
    rec = _stored(ws, team, conf)
    theirs = ConferenceDraft(
        patient_id=rec.patient_id, scheduled_at=rec.scheduled_at, title="Dr Lee's title",
        place=rec.place, participants=tuple(draft_of(p) for p in rec.participants), id=rec.id,
    )  # fmt: skip
    confs.update_conference(ws, team["gp"], theirs, base_version=rec.version)
    assert not page.save()
    assert page.banner.isVisible() and "Lena Lee" in page.banner.message.text()
    assert page.title.text() == "My title"  # what was typed stays on screen
    assert _stored(ws, team, conf).title == "Dr Lee's title"
    with qtbot.waitSignal(window.conference_loaded):
        page.banner.button("Reload their changes").click()
    assert page.title.text() == "Dr Lee's title" and not page.banner.isVisible()
    page.title.setText("Agreed title")
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save()  # at the version it now shows
    assert _stored(ws, team, conf).title == "Agreed title"


def test_bad_input_is_said_at_the_field_and_nothing_is_saved(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["gp"], conf)
    page = window.pages["details"]
    page.date.edit.setText("31/02/2027")
    assert not page.save() and "February 2027 has 28 days" in page.boxes["date"].problem
    page.date.edit.setText((date.today() + timedelta(days=4)).strftime("%d/%m/%Y"))
    page.time.setText("half past")
    assert not page.save() and "not a time" in page.boxes["time"].problem
    page.time.setText("10:00")
    page.video.setText("zoom 123")
    assert not page.save() and "https://" in page.boxes["video_link"].problem
    page.video.setText("")
    page.title.setText("  ")
    assert not page.save() and page.boxes["title"].problem
    assert _stored(ws, team, conf).version == conf.version


def test_cancelling_says_why_and_leaves_the_pages_read_only(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["coordinator"], conf)
    page = window.pages["details"]
    assert not page.cancel_conference("")  # a reason is needed
    assert page.error.isVisible()
    with qtbot.waitSignal(window.conference_loaded):
        assert page.cancel_conference("Mr Moss is in hospital")
    assert window.state_label.text() == "Cancelled: Mr Moss is in hospital"
    assert page.title.isReadOnly() and not page.cancel_button.isVisible()
    assert "cancelled" in page.read_only.message.text()
    assert not window.pages["agenda"].add_button.isEnabled()


# -- agenda ----------------------------------------------------------------------------------
def test_the_agenda_is_built_from_the_record_with_its_sources(qtbot, qtmodeltester, ws, team,
                                                              conf):  # fmt: skip
    window = _window(qtbot, ws, team["coordinator"], conf)
    agenda = window.pages["agenda"]
    model = agenda.model
    qtmodeltester.check(model)
    sources = [str(item.source) for item in model.items]
    for source in (AgendaSource.OVERDUE_TASK, AgendaSource.OPEN_REFERRAL, AgendaSource.TRANSITION,
                   AgendaSource.MEDICATION_CHANGE):  # fmt: skip
        assert source.value in sources, source
    assert sources.count(AgendaSource.PATIENT_QUESTION.value) == 2
    words = {model.data(model.index(n, 1)) for n in range(model.rowCount())}
    assert {"Overdue task", "Open referral", "Recent hospital stay", "Medicine change",
            "Patient's question"} <= words  # fmt: skip
    assert any("Book a foot check" in item.title for item in model.items)
    assert "from the record" in agenda.summary.text()
    window.go_to_page("agenda")
    qtbot.wait(10)
    save_shot(window, "agenda-page-1280.png")
    window.resize(1600, 1000)
    qtbot.wait(10)
    save_shot(window, "agenda-page-1600.png")


def test_the_agenda_is_edited_reordered_rebuilt_and_saved(qtbot, qtmodeltester, ws, team, moss,
                                                          conf):  # fmt: skip
    coord = team["coordinator"]
    window = _window(qtbot, ws, coord, conf)
    window.go_to_page("agenda")
    agenda = window.pages["agenda"]
    model = agenda.model
    first, second = model.items[0], model.items[1]

    add = agenda.add_item()
    add.form.widgets["title"].setText("Driving: who tells him")
    add.form.widgets["detail"].setPlainText("His licence is up for renewal in March")
    add.save()
    assert model.items[-1].title == "Driving: who tells him"
    assert str(model.items[-1].source) == AgendaSource.MANUAL.value
    assert model.data(model.index(model.rowCount() - 1, 1)) == "Added"

    agenda.table.selectRow(0)
    qtbot.keyClick(agenda.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [model.items[0], model.items[1]] == [second, first]
    assert agenda.chosen_row() == 1
    # A drag of the last item onto the top: the same move a mouse makes.
    last = model.items[-1]
    data = model.mimeData([model.index(model.rowCount() - 1, 0)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.items[0] == last
    qtmodeltester.check(model)

    agenda.table.selectRow(1)
    edit = agenda.edit_item()
    edit.form.widgets["title"].setText(second.title + " (urgent)")
    edit.save()
    assert model.items[1].title.endswith("(urgent)") and model.items[1].id == second.id
    with qtbot.waitSignal(window.conference_loaded):
        assert agenda.save()
    stored = _stored(ws, team, conf).agenda
    assert [r.title for r in stored[:3]] == [last.title, second.title + " (urgent)", first.title]
    assert not agenda.has_unsaved_edits()

    # An item with minutes stays; one without goes.
    talked = stored[2]
    meeting.record_minutes(ws, coord, talked.id, "Discussed at length")
    with qtbot.waitSignal(window.conference_loaded):
        window.reload()
    assert model.data(model.index(2, 0)) == "Yes"  # discussed
    assert model.data(model.index(2, 4)) == "Discussed at length"
    agenda.table.selectRow(2)
    assert not agenda.remove_item()
    assert agenda.error.isVisible() and "has minutes" in agenda.error.text()
    agenda.table.selectRow(0)
    assert agenda.remove_item() and model.rowCount() == len(stored) - 1
    with qtbot.waitSignal(window.conference_loaded):
        assert agenda.save()
    assert last.title not in [r.title for r in _stored(ws, team, conf).agenda]

    # What is new in the record is added at the end; what is there stays.
    tasks.create_task(ws, coord, TaskDraft("Order a shower chair", patient_id=moss,
                                           due_date=date.today() - timedelta(days=2)))  # fmt: skip
    before = model.rowCount()
    with qtbot.waitSignal(window.conference_loaded):
        assert agenda.rebuild()
    assert model.rowCount() == before + 1
    assert "shower chair" in model.items[-1].title
    assert str(model.items[-1].source) == AgendaSource.OVERDUE_TASK.value
    assert "1 new from the record" in agenda.summary.text()
    with qtbot.waitSignal(window.conference_loaded):
        assert agenda.rebuild()
    assert model.rowCount() == before + 1 and "Nothing new" in agenda.summary.text()


def test_reception_reads_the_details_and_the_agenda_but_changes_nothing(qtbot, ws, team, conf):
    window = _window(qtbot, ws, team["reception"], conf)
    page = window.pages["details"]
    assert page.title.text() and page.title.isReadOnly() and page.questions.isReadOnly()
    assert not page.save_button.isVisible() and not page.cancel_button.isVisible()
    assert not page.organiser.isEnabled() and not page.invitees.invite_button.isEnabled()
    assert not page.invitees.other_button.isEnabled()
    assert not page.agreement.save_button.isVisible() and not page.agreement.agreed.isEnabled()
    assert "You can read this conference" in page.read_only.message.text()
    page.title.setText("typed anyway")
    assert not page.save() and not page.save_agreement()
    agenda = window.pages["agenda"]
    assert agenda.model.rowCount() > 0
    assert not agenda.add_button.isVisible() and not agenda.rebuild_button.isVisible()
    assert agenda.add_item() is None and not agenda.table.dragEnabled()
    agenda.table.selectRow(0)
    assert not agenda.remove_item() and not agenda.move_chosen(1)
    assert _stored(ws, team, conf).version == conf.version


def test_closing_with_typed_details_asks_and_keep_editing_keeps_the_window(
    qtbot, ws, team, conf, monkeypatch
):
    from carecoord_desktop.ui.conferences import details

    window = _window(qtbot, ws, team["coordinator"], conf)
    window.pages["details"].place.setText("Somewhere else")
    answers: list[str] = []
    monkeypatch.setattr(details, "ask_discard", lambda _w, q: answers.append(q) or False)
    assert not window.close() and window.isVisible()
    assert answers and "without saving" in answers[0]
    monkeypatch.setattr(details, "ask_discard", lambda _w, q: True)
    assert window.close() and not window.isVisible()
    assert _stored(ws, team, conf).place == "Meeting room 2"  # nothing saved by closing


def test_the_state_line_says_where_the_conference_stands(ws, team, conf):
    from dataclasses import replace
    from datetime import UTC, datetime

    from carecoord_desktop.ui.conferences.window import state_line

    rec = _stored(ws, team, conf)
    now = datetime(2026, 12, 1, 10, 23, tzinfo=UTC)
    started = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert state_line(rec) == "Agreement not recorded"
    assert state_line(replace(rec, agreed=False)) == "The patient did not agree to the conference"
    running = replace(rec, status="in_progress", started_at=started)
    assert state_line(running, now) == "In progress 23 min"
    held = replace(running, status="held", ended_at=started + timedelta(minutes=42))
    assert state_line(held) == "Held: 42 minutes, items 743/758"
    short = replace(held, ended_at=started + timedelta(minutes=12))
    assert state_line(short) == "Held: 12 minutes, under 15 minutes: no case-conference item"
    assert state_line(replace(held, ended_at=started + timedelta(minutes=19))).endswith(
        "items 735/747"
    )


def test_the_agenda_model_moves_rows_as_a_drop_or_the_keys_ask(qtmodeltester):
    from carecoord_desktop.services.conferences.types import AgendaItemDraft
    from carecoord_desktop.ui.conferences.agenda_model import AgendaModel

    model = AgendaModel()
    items = [AgendaItemDraft(f"Item {n}", "manual", id=n) for n in range(1, 5)]
    model.set_items(items, {2: "Talked"}, {2}, {2})
    qtmodeltester.check(model)

    def order() -> list[int]:
        return [i.id for i in model.items]

    drop = model.mimeData([model.index(3, 2)])
    model.dropMimeData(drop, Qt.DropAction.MoveAction, -1, -1, model.index(1, 2))  # on row 2
    assert order() == [1, 4, 2, 3]
    drop = model.mimeData([model.index(0, 0)])
    model.dropMimeData(drop, Qt.DropAction.MoveAction, -1, -1, QModelIndex())  # below the rows
    assert order() == [4, 2, 3, 1]
    assert not model.dropMimeData(drop, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    assert model.move(0, 3) and order() == [2, 3, 1, 4]
    assert not model.move(0, 0) and not model.move(0, 9)
    assert model.is_locked(0) and not model.is_locked(1)
    assert model.data(model.index(0, 4)) == "Talked" and model.data(model.index(0, 0)) == "Yes"
    qtmodeltester.check(model)


def test_a_change_elsewhere_while_typing_keeps_the_typing_and_offers_reload(qtbot, ws, team,
                                                                            conf):  # fmt: skip
    coord = team["coordinator"]
    window = _window(qtbot, ws, coord, conf)
    page = window.pages["details"]
    page.place.setText("Typed here")
    # Another page of the app marks someone's attendance: a notice for this patient.
    priya = next(p for p in window.record.participants if p.name == "Priya Shah")
    with qtbot.waitSignal(window.conference_loaded):
        window.state.publish(confs.set_attendance(ws, coord, priya.id, "declined"))
    assert page.banner.isVisible() and "changed elsewhere" in page.banner.message.text()
    assert page.place.text() == "Typed here"
    with qtbot.waitSignal(window.conference_loaded):
        page.banner.button("Reload their changes").click()
    assert page.place.text() == "Meeting room 2" and not page.banner.isVisible()
    row = next(p for p in page.invitees.model.people if p.name == "Priya Shah")
    assert row.attendance == "declined"


def test_ctrl_page_down_and_up_turn_the_pages_from_inside_a_field(qtbot, ws, team, moss, conf):
    from PySide6.QtTest import QTest

    window = _window(qtbot, ws, team["coordinator"], conf)
    window.show()
    qtbot.waitExposed(window)
    window.pages["details"].title.setFocus()
    QTest.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages["agenda"]
    QTest.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages["summary"]  # round from the first
