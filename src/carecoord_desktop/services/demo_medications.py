"""The medicines' share of a demo practice (see demo_features.py).

1. The medicine rows demo.py made (name, a strength in `dose`, frequency words) become whole list
   entries: the line as written, read by the line grammar and recognised by the knowledge base
   (ingredients, strength, times of day), in one transaction with one audit row.
2. Patients discharged in the last weeks get a discharge list waiting to be reconciled, written as
   hospitals write them (brand names, a dose changed, a medicine added, one left off, a product
   the knowledge base does not know); a few sessions are part-decided, one awaits a GP's
   sign-off and one is signed, so every state of the screen has an example.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlmodel import col, select

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind, Medication
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications import sessions, signoff
from carecoord_desktop.services.medications.reading import join_times, read_line
from carecoord_desktop.services.medications.types import SourceInput
from carecoord_desktop.store.workspace import Workspace

if TYPE_CHECKING:  # demo_features lists this seeder: no import back at run time
    from carecoord_desktop.services.demo_features import DemoStaff

# ACMA's numbers for fiction (03 5550 xxxx): never a real service.
DEMO_PHONE = "(03) 5550 4123"
MAX_SESSIONS = 6
RECENT_DAYS = 60
# The brand a discharge summary often writes instead of the practice's generic name.
BRANDS = {
    "furosemide": "Lasix",
    "metformin": "Diabex",
    "atorvastatin": "Lipitor",
    "perindopril": "Coversyl",
    "rosuvastatin": "Crestor",
    "apixaban": "Eliquis",
    "rivaroxaban": "Xarelto",
    "sertraline": "Zoloft",
    "escitalopram": "Lexapro",
    "salbutamol": "Ventolin",
    "tiotropium": "Spiriva",
    "candesartan": "Atacand",
}
# Doses a hospital stay often changes (the demo's strength -> the discharge strength).
DOSE_STEPS = {
    "furosemide": ("40 mg", "80 mg"), "spironolactone": ("25 mg", "50 mg"),
    "atorvastatin": ("20 mg", "40 mg"), "perindopril": ("5 mg", "10 mg"),
    "metformin": ("500 mg", "1000 mg"), "candesartan": ("16 mg", "8 mg"),
    "bisoprolol": ("2.5 mg", "5 mg"),
}  # fmt: skip
# Started in hospital: a realistic mix, some of which the checks will flag.
HOSPITAL_STARTS = (
    "Pantoprazole 40 mg mane",
    "Endone 5 mg 1 tab q4h prn pain",
    "Movicol 1 sachet daily prn constipation",
    "Ibuprofen 400 mg tds with food",
    "Metoprolol 25 mg bd",
    "Spironolactone 25 mg mane",
    "Coloxyl with Senna 2 tabs nocte",
)
# What a patient reports taking besides the list: often a supplement no base knows.
PATIENT_EXTRAS = (
    "Swisse Ultiboost Magnesium 1 tab nocte",
    "Blackmores Fish Oil 1000 mg 2 caps daily",
    "Panadol Osteo 2 tabs tds",
)


def seed(
    ws: Workspace,
    admin: Actor,
    rng: random.Random,
    *,
    patient_ids: list[int],
    staff: list[DemoStaff],
    options: dict,
) -> None:
    if not patient_ids:
        return
    _complete_rows(ws, admin)
    current = practice_settings.load(ws)
    if not current.practice_phone:
        practice_settings.update(ws, admin, version=current.version, practice_phone=DEMO_PHONE)
    _discharge_sessions(ws, admin, rng, staff)


def _complete_rows(ws: Workspace, admin: Actor) -> None:
    """Fill the as-written, recognised and timing columns of the seeded rows (one statement
    batch; the demo's catalogue is small, so each distinct medicine is read once)."""
    with ws.session() as session:
        rows = session.exec(
            select(Medication.id, Medication.name, Medication.dose, Medication.frequency).where(
                col(Medication.written).is_(None)
            )
        ).all()
        cache: dict[tuple, dict] = {}
        updates = []
        for mid, name, strength, frequency in rows:
            key = (name, strength, frequency)
            if key not in cache:
                written = " ".join(p for p in (name, strength, frequency) if p)
                read = read_line(written)
                cache[key] = {
                    "written": written,
                    "ingredients": ";".join(read.ingredients) or None,
                    "recognised_as": read.recognised_as,
                    "strength": strength,  # demo.py's "dose" holds the strength
                    # What one dose is where the line says ("2 puffs"), else the strength as
                    # demo.py wrote it: the record's Medicines section shows this column.
                    "dose": read.dose or strength,
                    "times_of_day": join_times(read.times_of_day),
                    "source": "practice list",
                }
            updates.append({"id": mid, **cache[key]})
        if updates:
            table = Medication.__table__
            stmt = (
                table.update()
                .where(table.c.id == _bind("id"))
                .values(
                    {
                        **{k: _bind(k) for k in updates[0] if k != "id"},
                        "version": table.c.version + 1,
                    }
                )
            )
            session.connection().execute(
                stmt, [{"b_" + k: v for k, v in u.items()} for u in updates]
            )
            audit.record(
                session,
                admin,
                AuditAction.UPDATE,
                record_type="medication",
                detail=f"demo data: {len(updates)} medicines completed from the knowledge base",
            )
            session.commit()


def _bind(name: str):
    from sqlalchemy import bindparam

    return bindparam("b_" + name)


def _discharge_sessions(ws, admin: Actor, rng: random.Random, staff: list[DemoStaff]) -> None:
    since = date.today() - timedelta(days=RECENT_DAYS)
    with ws.session() as session:
        events = session.exec(
            select(HospitalEvent)
            .where(
                HospitalEvent.kind == HospitalEventKind.ADMISSION,
                col(HospitalEvent.end_date) >= since,
            )
            .order_by(col(HospitalEvent.end_date).desc(), col(HospitalEvent.id))
        ).all()
        chosen, seen = [], set()
        for e in events:
            if e.patient_id in seen:
                continue
            meds = session.exec(
                select(Medication).where(
                    Medication.patient_id == e.patient_id, Medication.status == "active"
                )
            ).all()
            if len(meds) >= 2:
                chosen.append(
                    (e, [m.written or m.name for m in meds], [m.ingredients for m in meds])
                )
                seen.add(e.patient_id)
            if len(chosen) >= MAX_SESSIONS:
                break
    nurses = [_actor(s) for s in staff if s.role == Role.NURSE] or [admin]
    gps = [_actor(s) for s in staff if s.role == Role.GP] or [admin]
    for index, (event, lines, ingredients) in enumerate(chosen):
        nurse = rng.choice(nurses)
        discharge = _discharge_list(rng, lines, ingredients)
        given = [
            SourceInput(
                "new",
                f"Discharge summary, {event.facility or 'hospital'}",
                text="\n".join(discharge),
                received_on=event.end_date,
            )
        ]
        if index % 2 == 1:
            reported = [*lines[: max(1, len(lines) - 1)], rng.choice(PATIENT_EXTRAS)]
            given.append(SourceInput("reported", "Patient at home visit", text="\n".join(reported)))
        view = sessions.start_reconciliation(
            ws, nurse, event.patient_id, given, hospital_event_id=event.id
        ).value
        state = _STATES[index % len(_STATES)]
        if state == "open":
            continue  # waiting for the nurse: nothing decided yet
        view = _decide(ws, nurse, view, rng, all_rows=state != "partial")
        if state == "awaiting":
            sessions.submit_for_signoff(ws, nurse, view.id, version=view.version)
        elif state == "signed":
            signoff.sign_off(
                ws,
                rng.choice(gps),
                view.id,
                version=view.version,
                note="Reviewed with the patient and their carer.",
            )


# The first sessions show each state a user meets: waiting, for sign-off, half done, signed.
_STATES = ("open", "awaiting", "partial", "signed", "open", "partial")


def _actor(s: DemoStaff) -> Actor:
    return Actor(s.id, s.username, s.full_name, s.role)


def _discharge_list(
    rng: random.Random, lines: list[str], ingredients: list[str | None]
) -> list[str]:
    out = []
    dropped = rng.randrange(len(lines)) if len(lines) >= 3 else None
    keys = [(ingr or "").split(";")[0] for ingr in ingredients]
    changeable = [i for i, key in enumerate(keys) if key in DOSE_STEPS]
    changed = rng.choice(changeable) if changeable else None
    for i, (line, key) in enumerate(zip(lines, keys, strict=True)):
        if i == dropped:
            continue  # left off the discharge list with no reason: the app flags it
        if i == changed:
            low, high = DOSE_STEPS[key]
            line = line.replace(low, high, 1)
        brand = BRANDS.get(key)
        if brand and rng.random() < 0.5:
            line = re.sub(r"^[A-Za-z][\w/ -]*?(?= \d)", brand, line, count=1)
        out.append(line)
    on_list = set(keys)
    starts = [x for x in HOSPITAL_STARTS if not set(read_line(x).ingredients) & on_list]
    return out + rng.sample(starts, min(2, len(starts)))


_REASONS = {
    "stop": "Stopped in hospital; discharge summary confirms",
    "change": "Dose changed in hospital (see discharge summary)",
    "clarify": "Asked the ward pharmacist to confirm",
}


def _decide(ws, nurse: Actor, view, rng: random.Random, *, all_rows: bool):
    plan = {
        "unchanged": "continue",
        "dose_changed": "change",
        "frequency_changed": "change",
        "new": "new",
        "omitted": "continue",
        "stopped": "stop",
        "reported_only": "new",
    }
    for n, item in enumerate(view.items):
        if not all_rows and n % 2:
            continue
        decision = plan.get(item.status, "clarify")
        reason = _REASONS.get(decision)
        if item.status == "omitted":
            reason = "Patient still takes it; omission on discharge list not intended"
        serious = [f for f in item.flags if f.kind == "interaction"
                   and f.severity in ("major", "contraindicated")]  # fmt: skip
        if item.status == "new" and serious:
            # What a careful nurse does with a new medicine that interacts: ask first.
            decision = "clarify"
            reason = f"Asked the discharging team about it: {serious[0].text.split(':')[0]}"
        view = sessions.decide(
            ws, nurse, view.id, item.id, decision, reason=reason, version=view.version
        ).value
    return view
