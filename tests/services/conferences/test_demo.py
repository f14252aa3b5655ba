"""The demo's care conferences: held ones whose decisions are on the board and in the plan's
versions, with a summary shared; upcoming ones with and without the patient's agreement; each
for a patient whose care team has providers of different disciplines."""

from __future__ import annotations

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.conferences import conferences, rules
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks.types import BoardFilter


def test_the_demo_has_held_and_upcoming_conferences(demo_copy):
    ws = demo_copy(100, 5).workspace
    admin = Actor(1, "admin", "Demo admin", Role.ADMIN)
    past = conferences.list_conferences(ws, admin, when="past")
    upcoming = conferences.list_conferences(ws, admin, when="upcoming")
    assert len(past) == 3 and len(upcoming) == 3
    assert {c.status for c in past} == {"held"}
    assert {c.agreed for c in upcoming} == {True, None}  # some agreed, some not asked yet
    assert all(c.scheduled_at.astimezone().weekday() < 5 for c in past + upcoming)  # weekdays
    minutes = sorted(c.minutes for c in past)
    assert minutes[0] < 20 <= minutes[1] < 40 <= minutes[2]  # one of each item tier
    tasks = {c.id for c in boards.board(ws, admin, BoardFilter(source="conference")).cards()}
    complete = 0
    for c in past:
        rec = conferences.load_conference(ws, admin, c.id)
        kinds = {d.kind for d in rec.decisions}
        assert kinds == {"task", "plan_change", "note"}
        assert {d.task_id for d in rec.decisions if d.kind == "task"} <= tasks
        change = next(d for d in rec.decisions if d.kind == "plan_change")
        newest = plans.versions(ws, admin, change.plan_id)[0]
        assert newest.number == change.plan_version
        assert newest.reason.startswith("Decided at the care conference of")
        assert all(a.minutes for a in rec.agenda[:1])
        check = rules.check_conference(ws, admin, c.id)
        assert {e.key for e in check.elements if e.met} >= {"team", "agreement", "times"}
        complete += check.complete
    assert complete == 2  # the third still waits for its summary to be shared
    for c in upcoming:
        rec = conferences.load_conference(ws, admin, c.id)
        disciplines = {p.discipline for p in rec.participants if p.kind == "provider"}
        assert {"Community pharmacist", "Physiotherapist", "Podiatrist"} <= disciplines
        assert rec.agenda  # built from the record (at least the patient's questions)
