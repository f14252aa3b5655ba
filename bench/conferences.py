"""Care conference bench: building a patient's agenda and loading a conference in a big demo
workspace (10,000 open tasks, 2,000 patients) through services/conferences vs raw SQLite.

Builds a demo workspace (services.demo, the same path as `carecoord demo --tasks N`, which
seeds conferences too), tops the board up to `--tasks` open tasks, gives the chosen patient
(one with a held demo conference) a record with every agenda source, signs in a practice
nurse, then in one run, interleaved with the raw side and the order swapped each round:

  agenda   agenda.build_agenda(ws, nurse, patient): goals against their observations, overdue
           tasks, 90 days of hospital stays, transitions and medicine changes, open referrals,
           items built, one audit row committed; vs the same SELECTs run through sqlcipher3
           directly on the same encrypted file (fetchall, no objects, no audit).
  load     conferences.load_conference(ws, nurse, id): the conference with its patient,
           people, agenda and decisions as plain data, the view audited and committed; vs the
           same SELECTs raw.
  audit    one audit row committed alone (audit.record_now): the floor of every audited read
           (synchronous=FULL: a commit waits for the disk), printed so the ratios read right.

Figures are milliseconds (median and p95 of the rounds); the last line is machine-readable.
Nothing here asserts a time. Goal: agenda <= 100 ms, load <= 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import _memory_keyring  # noqa: F401  (never the real keystore)
from board import busy_practice, summary, timed
from sqlmodel import select

from carecoord_desktop.models.conference import CareConference, ConferenceStatus
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import observations
from carecoord_desktop.services.conferences import agenda, conferences
from carecoord_desktop.services.tasks import edit
from carecoord_desktop.services.tasks.types import TaskDraft

GOAL_AGENDA_MS, GOAL_LOAD_MS = 100.0, 50.0

RAW_AGENDA = (
    "SELECT id FROM care_plan WHERE patient_id = :p "
    "AND status IN ('draft','active','under_review')",
    "SELECT g.* FROM care_plan_goal g JOIN care_plan c ON c.id = g.plan_id WHERE c.patient_id = :p "
    "AND c.status IN ('draft','active','under_review') "
    "AND g.status NOT IN ('achieved','stopped') ORDER BY g.plan_id, g.position",
    "SELECT * FROM observation WHERE patient_id = :p ORDER BY observed_on, id",
    "SELECT * FROM task WHERE patient_id = :p AND state != 'done' AND due_date < :today "
    "ORDER BY due_date, id",
    "SELECT * FROM hospital_event WHERE patient_id = :p AND (start_date >= :since OR "
    "end_date >= :since) AND start_date <= :today ORDER BY start_date, id",
    "SELECT * FROM care_transition WHERE patient_id = :p AND event_date >= :since AND "
    "event_date <= :today ORDER BY event_date, id",
    "SELECT c.*, m.name FROM medication_change c JOIN medication m ON m.id = c.medication_id "
    "WHERE c.patient_id = :p AND c.at >= :since ORDER BY c.at, c.id",
    "SELECT * FROM referral WHERE patient_id = :p AND status NOT IN ('closed','declined') "
    "ORDER BY created_at, id",
)
RAW_LOAD = (
    "SELECT * FROM care_conference WHERE id = :c",
    "SELECT p.given_name, p.family_name, p.practice_id FROM patient p JOIN care_conference c "
    "ON c.patient_id = p.id WHERE c.id = :c",
    "SELECT s.full_name FROM staff_user s JOIN care_conference c ON c.organiser_id = s.id "
    "WHERE c.id = :c",
    "SELECT * FROM conference_participant WHERE conference_id = :c ORDER BY position, id",
    "SELECT * FROM conference_agenda_item WHERE conference_id = :c ORDER BY position, id",
    "SELECT d.*, o.full_name, b.full_name FROM conference_decision d LEFT JOIN staff_user o "
    "ON o.id = d.owner_id LEFT JOIN staff_user b ON b.id = d.created_by_id "
    "WHERE d.conference_id = :c ORDER BY d.id",
)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=10_000)
    p.add_argument("--patients", type=int, default=2_000)
    p.add_argument("--rounds", type=int, default=21)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    with busy_practice(args, "conferences") as (ws, nurse, raw, seeded):
        return run(ws, nurse, raw, args, seeded)


def enrich(ws, nurse, patient_id: int) -> None:
    """Something for every source on the chosen record: observations, overdue tasks."""
    today = date.today()
    for n in range(24):
        observations.add_observation(
            ws, nurse, patient_id, kind="hba1c", value=7.5 + n / 20,
            observed_on=today - timedelta(days=30 * n),
        )  # fmt: skip
    for n in range(12):
        edit.create_task(
            ws, nurse,
            TaskDraft(f"Follow-up {n}", patient_id=patient_id, due_date=today - timedelta(n + 1)),
        )  # fmt: skip


def run(ws, nurse, raw, args, seeded: float) -> int:
    today = date.today()
    with ws.session() as session:
        conf = session.exec(
            select(CareConference)
            .where(CareConference.status == ConferenceStatus.HELD.value)
            .order_by(CareConference.id)
        ).first()
        conference_id, patient_id = conf.id, conf.patient_id
    enrich(ws, nurse, patient_id)
    open_tasks = raw.execute("SELECT count(*) FROM task WHERE state != 'done'").fetchone()[0]
    items = agenda.build_agenda(ws, nurse, patient_id)
    rec = conferences.load_conference(ws, nurse, conference_id)
    print(
        f"{open_tasks:,} open tasks, {args.patients:,} patients, seeded in {seeded:.1f} s; "
        f"agenda of {len(items)} items; conference with {len(rec.participants)} people, "
        f"{len(rec.agenda)} agenda items, {len(rec.decisions)} decisions",
        flush=True,
    )
    params_agenda = {
        "p": patient_id,
        "today": today.isoformat(),
        "since": (today - timedelta(days=90)).isoformat(),
    }

    def raw_agenda():
        for sql in RAW_AGENDA:
            raw.execute(sql, params_agenda).fetchall()

    def raw_load():
        for sql in RAW_LOAD:
            raw.execute(sql, {"c": conference_id}).fetchall()

    cases = {
        "agenda": (lambda: agenda.build_agenda(ws, nurse, patient_id), raw_agenda),
        "load": (lambda: conferences.load_conference(ws, nurse, conference_id), raw_load),
    }
    results: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
    floor = []
    gc.collect()
    for r in range(args.rounds):
        for name, pair in cases.items():
            for side in (0, 1) if r % 2 == 0 else (1, 0):
                results[name][side].append(timed(pair[side]))
        floor.append(
            timed(lambda: audit.record_now(ws, nurse, "view", record_type="bench", detail="floor"))
        )

    print(f"{'':<10}{'service median':>16}{'p95':>9}{'raw median':>13}{'p95':>9}{'ratio':>8}")
    medians = {}
    for name, (service, raw_side) in results.items():
        (sm, sp), (rm, rp) = summary(service), summary(raw_side)
        medians[name] = (sm, rm)
        print(f"{name:<10}{sm:>16.1f}{sp:>9.1f}{rm:>13.1f}{rp:>9.1f}{sm / rm:>8.1f}")
    (am, ar), (lm, lr) = medians["agenda"], medians["load"]
    fm, fp = summary(floor)
    print(f"{'audit':<10}{fm:>16.1f}{fp:>9.1f}   (one audit row committed: in both figures above)")
    print(
        f"goal: agenda <= {GOAL_AGENDA_MS:.0f} ms ({'met' if am <= GOAL_AGENDA_MS else 'MISSED'}),"
        f" load <= {GOAL_LOAD_MS:.0f} ms ({'met' if lm <= GOAL_LOAD_MS else 'MISSED'})"
    )
    print(
        f"agenda_ms={am:.1f} raw_agenda_ms={ar:.2f} load_ms={lm:.1f} raw_load_ms={lr:.2f} "
        f"audit_commit_ms={fm:.1f} "
        f"agenda_items={len(items)} open_tasks={open_tasks}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
