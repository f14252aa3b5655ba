"""Coordination minutes: the timer lives in the database (a lock, a sign-out or a crashed
process keeps it), entries say what was done, and the month's totals meet the CMS CCM
thresholds. Elapsed time is made by moving the timer's start back in SQL, never by sleeping."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from carecoord_desktop.errors import StaleEditError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import minutes
from carecoord_desktop.store import keystore
from carecoord_desktop.store.workspace import Workspace
from tests_support import STAFF_PASSWORD, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


@pytest.fixture
def nurse(ws, admin):
    return staff(ws, admin, Role.NURSE, "nina.zhang")


def _age_timer(ws, timer_id: int, seconds: int) -> None:
    """Pretend the running segment started `seconds` ago."""
    start = (datetime.now(UTC) - timedelta(seconds=seconds)).replace(tzinfo=None)
    with ws.engine.begin() as conn:
        conn.execute(
            text("UPDATE minutes_timer SET segment_started_at = :s, started_at = :s WHERE id = :i"),
            {"s": start.isoformat(sep=" "), "i": timer_id},
        )


def test_start_pause_resume_stop_saves_whole_minutes_with_what_was_done(ws, nurse, pid):
    t = minutes.start_timer(ws, nurse, pid).value
    assert t.running
    _age_timer(ws, t.id, 10 * 60 + 20)
    paused = minutes.pause_timer(ws, nurse, t.id).value
    assert not paused.running and 620 <= paused.elapsed_seconds < 630
    resumed = minutes.resume_timer(ws, nurse, t.id).value
    _age_timer(ws, t.id, 5 * 60)  # the second segment: 5 minutes
    with pytest.raises(ValidationError, match="what was done"):
        minutes.stop_timer(ws, nurse, t.id)
    entry = minutes.stop_timer(
        ws, nurse, t.id, activity="Called the pharmacy about the dose", version=resumed.version
    ).value
    assert entry.minutes == 15 and entry.source == "timer"
    assert minutes.my_timers(ws, nurse) == []


def test_a_timer_survives_closing_the_workspace_and_signing_in_again(ws, nurse, pid):
    t = minutes.start_timer(ws, nurse, pid, activity="Care plan review").value
    folder, key = ws.folder, keystore.load_key(ws.id)
    ws.close()  # the lock screen or a sign-out drops this session
    again = Workspace.open(folder, key=key)
    try:
        back = accounts.authenticate(again, "nina.zhang", STAFF_PASSWORD)
        (found,) = minutes.my_timers(again, back)
        assert found.id == t.id and found.running and found.activity == "Care plan review"
    finally:
        again.close()


def test_a_timer_survives_a_crashed_process(ws, nurse, pid):
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from carecoord_desktop.services import accounts
        from carecoord_desktop.services.tasks import minutes
        from carecoord_desktop.store.keys import DataKey
        from carecoord_desktop.store.workspace import Workspace
        ws = Workspace.open(Path(sys.argv[1]), key=DataKey.from_hex(sys.stdin.readline().strip()))
        actor = accounts.authenticate(ws, "nina.zhang", {STAFF_PASSWORD!r})
        minutes.start_timer(ws, actor, {pid})
        os._exit(9)  # no close, no clean-up: a crash
        """
    )
    key = keystore.load_key(ws.id)
    done = subprocess.run(
        [sys.executable, "-c", script, str(ws.folder)],
        input=key.hex() + "\n",
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr
    (found,) = minutes.my_timers(ws, nurse)
    assert found.running and found.patient_id == pid


def test_timers_are_each_staff_members_own(ws, admin, nurse, pid):
    t = minutes.start_timer(ws, nurse, pid).value
    gp = staff(ws, admin, Role.GP, "greg.lee")
    assert minutes.my_timers(ws, gp) == []
    with pytest.raises(StaleEditError):
        minutes.pause_timer(ws, gp, t.id)
    again = minutes.start_timer(ws, nurse, pid).value  # already running: the same timer
    assert again.id == t.id


def test_manual_entries_are_checked(ws, nurse, pid):
    with pytest.raises(ValidationError, match="1 to 600"):
        minutes.add_minutes(ws, nurse, pid, minutes=0, activity="x")
    with pytest.raises(ValidationError, match="whole number"):
        minutes.add_minutes(ws, nurse, pid, minutes="12", activity="x")
    with pytest.raises(ValidationError, match="future"):
        minutes.add_minutes(ws, nurse, pid, minutes=5, activity="x", work_date=date(2099, 1, 1))
    with pytest.raises(ValidationError, match="what was done"):
        minutes.add_minutes(ws, nurse, pid, minutes=5, activity="  ")
    with pytest.raises(ValidationError, match="YYYY-MM"):
        minutes.monthly_totals(ws, nurse, "November")


def test_the_month_meets_the_ccm_thresholds(ws, admin, nurse, pid):
    others = [
        patients.create_patient(
            ws,
            admin,
            PatientDraft(given_name=n, family_name="Test", date_of_birth=date(1950, 1, 1)),
        ).value.id
        for n in ("Bo", "Cy", "Di")
    ]
    day = date(2026, 11, 3)
    plan = {pid: [10, 8], others[0]: [20, 21], others[1]: [58], others[2]: [5]}
    for patient_id, amounts in plan.items():
        for m in amounts:
            minutes.add_minutes(ws, nurse, patient_id, minutes=m, activity="calls", work_date=day)
    minutes.add_minutes(ws, nurse, pid, minutes=30, activity="Dec", work_date=date(2026, 12, 1))
    rows = {r.patient_id: r for r in minutes.monthly_totals(ws, nurse, "2026-11")}
    assert {p: r.minutes for p, r in rows.items()} == {
        pid: 18,
        others[0]: 41,
        others[1]: 58,
        others[2]: 5,
    }
    assert rows[pid].threshold.near and rows[pid].threshold.reached is None  # 2 to 20
    assert rows[others[0]].threshold.reached == 40
    assert rows[others[1]].threshold.label == "past 40; 2 min to 60"
    near = {r.patient_id for r in minutes.near_thresholds(ws, nurse, "2026-11")}
    assert near == {pid, others[0], others[1]}
    report = minutes.month_report(ws, admin, "2026-11")
    assert report[0]["minutes"] == 58 and set(report[0]) == set(minutes.REPORT_COLUMNS)
    entries, where = minutes.patient_month(ws, nurse, pid, "2026-11")
    assert [e.minutes for e in entries] == [10, 8] and where.to_next == 2


@pytest.mark.parametrize(
    ("total", "reached", "to_next"), [(0, None, 20), (20, 20, 20), (59, 40, 1), (60, 60, None)]
)
def test_thresholds(total, reached, to_next):
    got = minutes.threshold(total)
    assert (got.reached, got.to_next) == (reached, to_next)


def test_a_merge_moves_the_timers_and_combines_one_owners_two(ws, admin, nurse, pid):
    twin = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Ada", family_name="Quil", date_of_birth=date(1948, 3, 9)),
    ).value.id
    on_kept = minutes.start_timer(ws, nurse, pid).value
    _age_timer(ws, on_kept.id, 5 * 60)
    minutes.pause_timer(ws, nurse, on_kept.id)
    on_twin = minutes.start_timer(ws, nurse, twin).value
    _age_timer(ws, on_twin.id, 7 * 60)
    admins = minutes.start_timer(ws, admin, twin).value  # nobody's timer on the kept record
    patients.merge_patients(ws, admin, pid, twin)
    mine = minutes.my_timers(ws, nurse)
    assert [t.patient_id for t in mine] == [pid]  # one timer, not two
    assert mine[0].running and 12 * 60 <= mine[0].elapsed_seconds < 12 * 60 + 30
    theirs = minutes.my_timers(ws, admin)
    assert [(t.id, t.patient_id) for t in theirs] == [(admins.id, pid)]
    entry = minutes.stop_timer(ws, nurse, mine[0].id, activity="Calls about the merge").value
    assert entry.minutes == 12
