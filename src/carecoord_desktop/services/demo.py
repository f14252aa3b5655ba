"""Demo workspaces: a practice with staff of every role and synthetic chronic-care patients.

Everything is invented so a demo can be shown, screenshotted or shared without exposing anyone:
names come from Faker (en_AU), mobile numbers from the ACMA's list of fictitious numbers for
creative works, e-mail addresses from the reserved example.* domains. A demo workspace's data key
is held in memory only, never in the OS keystore, so demos work on a headless box.

Patients are written with `executemany` on the session's DB-API connection in one transaction:
the ORM would take minutes for 100,000 patients. Values are stored exactly as SQLAlchemy stores
them (enum names, ISO dates, 0/1, naive-UTC datetime text) so ORM reads see proper types.
The same seed gives the same data with the same Faker version.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import accumulate
from pathlib import Path

from faker import Faker
from sqlalchemy import Table

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import (
    AcdStatus,
    Allergy,
    CareTeamMember,
    Condition,
    ContactMethod,
    HospitalEvent,
    HospitalEventKind,
    Medication,
    Patient,
    PatientContact,
    Sex,
)
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.keys import SCRYPT_N, RecoveryKey
from carecoord_desktop.store.workspace import Workspace

DEMO_PASSWORD = "carecoord-demo"  # noqa: S105 - every demo account's password (demo data only)
DEMO_PRACTICE_NAME = "Demo Practice (synthetic data)"
MAX_DEMO_PATIENTS = 100_000

Progress = Callable[[int, int], None]
SNOMED = "http://snomed.info/sct"
_BATCH = 2_000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role


@dataclass(frozen=True)
class DemoWorkspace:
    workspace: Workspace
    recovery_key: RecoveryKey
    accounts: list[DemoAccount]
    password: str
    patients: int


# -- clinical tables -----------------------------------------------------------------------------
# Age bands for prevalence: <40, 40-59, 60-74, 75-84, 85+. Rough Australian general-practice
# figures, inflated a little because a chronic-care practice sees the multi-morbid more.
_BAND_LIMITS = (40, 60, 75, 85)
_MAX_CONDITIONS = 5


@dataclass(frozen=True)
class _Chronic:
    key: str
    code: str  # SNOMED CT
    display: str
    min_onset_age: int
    prevalence: tuple[float, float, float, float, float]


# Aligned tables read better than what the formatter would make of them.
# fmt: off
# Ordered by prescribing priority: when two conditions call for drugs of one class (a beta
# blocker for heart failure and for AF), the first condition's choice is kept.
_CONDITIONS = (
    _Chronic("ihd", "414545008", "Ischaemic heart disease", 35, (.002, .03, .10, .17, .22)),
    _Chronic("hf", "84114007", "Heart failure", 40, (.001, .01, .04, .10, .18)),
    _Chronic("af", "49436004", "Atrial fibrillation", 40, (.001, .01, .05, .12, .18)),
    _Chronic("t2dm", "44054006", "Type 2 diabetes mellitus", 25, (.02, .08, .18, .22, .20)),
    _Chronic("htn", "59621000", "Essential hypertension", 25, (.04, .20, .42, .55, .60)),
    _Chronic("ckd", "709044004", "Chronic kidney disease", 30, (.005, .03, .10, .20, .30)),
    _Chronic("copd", "13645005", "Chronic obstructive pulmonary disease", 40,
             (.005, .03, .08, .12, .12)),
    _Chronic("asthma", "195967001", "Asthma", 3, (.11, .10, .10, .09, .08)),
    _Chronic("depression", "35489007", "Depressive disorder", 12, (.12, .12, .10, .10, .10)),
    _Chronic("oa", "396275006", "Osteoarthritis", 40, (.02, .12, .30, .40, .45)),
    _Chronic("dementia", "52448006", "Dementia", 60, (0.0, .002, .02, .08, .25)),
)

# id: (class, name, dose, route, frequency); the class keeps one drug per class per patient.
_Med = tuple[str, str, str, str, str]
_MEDS: dict[str, _Med] = {
    "metformin": ("biguanide", "Metformin", "500 mg", "oral", "twice daily with meals"),
    "metformin_xr": ("biguanide", "Metformin XR", "1000 mg", "oral",
                     "once daily with evening meal"),
    "empagliflozin": ("sglt2", "Empagliflozin", "10 mg", "oral", "once daily"),
    "gliclazide": ("sulfonylurea", "Gliclazide MR", "60 mg", "oral", "once daily with breakfast"),
    "atorvastatin_20": ("statin", "Atorvastatin", "20 mg", "oral", "once daily at night"),
    "atorvastatin_40": ("statin", "Atorvastatin", "40 mg", "oral", "once daily at night"),
    "aspirin": ("antiplatelet", "Aspirin", "100 mg", "oral", "once daily"),
    "gtn": ("nitrate", "Glyceryl trinitrate", "400 microgram/dose spray", "sublingual",
            "when required for chest pain"),
    "metoprolol": ("beta-blocker", "Metoprolol succinate", "47.5 mg", "oral", "once daily"),
    "bisoprolol": ("beta-blocker", "Bisoprolol", "2.5 mg", "oral", "once daily"),
    "furosemide": ("loop", "Furosemide", "40 mg", "oral", "once daily in the morning"),
    "spironolactone": ("mra", "Spironolactone", "25 mg", "oral", "once daily"),
    "sacubitril_valsartan": ("raas", "Sacubitril/valsartan", "49/51 mg", "oral", "twice daily"),
    "perindopril": ("raas", "Perindopril arginine", "5 mg", "oral", "once daily"),
    "candesartan": ("raas", "Candesartan", "16 mg", "oral", "once daily"),
    "amlodipine": ("ccb", "Amlodipine", "5 mg", "oral", "once daily"),
    "apixaban": ("anticoagulant", "Apixaban", "5 mg", "oral", "twice daily"),
    "apixaban_reduced": ("anticoagulant", "Apixaban", "2.5 mg", "oral", "twice daily"),
    "rivaroxaban": ("anticoagulant", "Rivaroxaban", "20 mg", "oral",
                    "once daily with evening meal"),
    "digoxin": ("digoxin", "Digoxin", "62.5 microgram", "oral", "once daily"),
    "tiotropium": ("lama", "Tiotropium", "2.5 microgram/actuation, 2 puffs", "inhaled",
                   "once daily"),
    "salbutamol": ("saba", "Salbutamol", "100 microgram/actuation, 2 puffs", "inhaled",
                   "when required for breathlessness"),
    "budesonide_formoterol": ("ics", "Budesonide/formoterol", "200/6 microgram/actuation, "
                              "2 puffs", "inhaled", "twice daily"),
    "fluticasone": ("ics", "Fluticasone propionate", "125 microgram/actuation, 2 puffs",
                    "inhaled", "twice daily"),
    "sertraline": ("antidepressant", "Sertraline", "50 mg", "oral", "once daily"),
    "escitalopram": ("antidepressant", "Escitalopram", "10 mg", "oral", "once daily"),
    "mirtazapine": ("antidepressant", "Mirtazapine", "15 mg", "oral", "once daily at night"),
    "paracetamol_mr": ("paracetamol", "Paracetamol modified release", "1330 mg", "oral",
                       "three times daily"),
    "paracetamol": ("paracetamol", "Paracetamol", "1 g", "oral",
                    "up to four times daily when required"),
    "meloxicam": ("nsaid", "Meloxicam", "7.5 mg", "oral", "once daily with food"),
    "donepezil": ("cholinesterase", "Donepezil", "10 mg", "oral", "once daily at night"),
}

# condition: ([(weight, first-line regimen), ...], [(probability, add-on), ...])
_REGIMEN_IDS: dict[str, tuple[list[tuple[float, tuple[str, ...]]], list[tuple[float, str]]]] = {
    "ihd": ([(1.0, ("atorvastatin_40", "aspirin"))], [(.5, "gtn"), (.4, "metoprolol")]),
    "hf": ([(.7, ("furosemide", "bisoprolol", "perindopril")),
            (.3, ("furosemide", "bisoprolol", "sacubitril_valsartan"))],
           [(.5, "spironolactone")]),
    "af": ([(.6, ("apixaban",)), (.3, ("rivaroxaban",)), (.1, ())],
           [(.5, "metoprolol"), (.1, "digoxin")]),
    "t2dm": ([(.7, ("metformin",)), (.3, ("metformin_xr",))],
             [(.35, "empagliflozin"), (.2, "gliclazide"), (.6, "atorvastatin_20")]),
    "htn": ([(.4, ("perindopril",)), (.25, ("amlodipine",)), (.15, ("candesartan",)),
             (.2, ("perindopril", "amlodipine"))], []),
    "ckd": ([(.6, ()), (.4, ("candesartan",))], []),
    "copd": ([(1.0, ("tiotropium", "salbutamol"))], []),
    "asthma": ([(.6, ("budesonide_formoterol",)), (.4, ("fluticasone", "salbutamol"))], []),
    "depression": ([(.5, ("sertraline",)), (.35, ("escitalopram",)), (.15, ("mirtazapine",))],
                   []),
    "oa": ([(.6, ("paracetamol_mr",)), (.4, ("paracetamol",))], [(.1, "meloxicam")]),
    "dementia": ([(.5, ("donepezil",)), (.5, ())], []),
}

# Earlier treatment, now stopped (status "stopped", as a FHIR MedicationStatement says).
_STOPPED = (
    ("Ibuprofen", "400 mg", "oral", "three times daily with food"),
    ("Simvastatin", "20 mg", "oral", "once daily at night"),
    ("Omeprazole", "20 mg", "oral", "once daily"),
    ("Temazepam", "10 mg", "oral", "at night when required"),
)

# (substance, reaction, severity, weight); severity uses FHIR's mild | moderate | severe.
_ALLERGIES = (
    ("Penicillin", "Rash", "mild", 30),
    ("Amoxicillin", "Urticaria", "moderate", 10),
    ("Sulfonamide antibiotics", "Rash", "moderate", 10),
    ("Codeine", "Nausea and vomiting", "mild", 12),
    ("Morphine", "Itch", "mild", 5),
    ("Peanuts", "Anaphylaxis", "severe", 6),
    ("Shellfish", "Urticaria", "moderate", 5),
    ("Bee venom", "Anaphylaxis", "severe", 3),
    ("Latex", "Contact dermatitis", "mild", 4),
    ("Cefalexin", "Rash", "mild", 4),
    ("Trimethoprim", "Rash", "mild", 4),
    ("Erythromycin", "Abdominal pain", "mild", 3),
)

# -- people and places ---------------------------------------------------------------------------
# (lowest age, highest age, weight): a chronic-care list is older than the population.
_AGE_BANDS = ((18, 39, 14), (40, 59, 22), (60, 74, 34), (75, 84, 20), (85, 98, 10))
# The ACMA's fictitious mobile numbers for creative works: never allocated to a real service.
_FICTIONAL_MOBILES = (
    "0491 570 006", "0491 570 156", "0491 570 157", "0491 570 158", "0491 570 159",
    "0491 570 110", "0491 570 313", "0491 570 737", "0491 571 266", "0491 571 491",
    "0491 571 804", "0491 572 549", "0491 572 665", "0491 572 983", "0491 573 770",
    "0491 573 087", "0491 574 118", "0491 574 632", "0491 575 254", "0491 575 789",
    "0491 576 398", "0491 576 801", "0491 577 426", "0491 577 644", "0491 578 957",
    "0491 578 148", "0491 578 888", "0491 579 212", "0491 579 760", "0491 579 455",
)
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved (RFC 2606)
_STATES = (("VIC", 3000, 3999), ("NSW", 2000, 2599), ("QLD", 4000, 4999), ("SA", 5000, 5799),
           ("WA", 6000, 6797), ("TAS", 7000, 7799))
_STREET_TYPES = ("Street", "Street", "Road", "Road", "Avenue", "Court", "Crescent", "Drive",
                 "Parade", "Place", "Grove", "Close", "Terrace", "Way", "Lane")
_SUBURB_PATTERNS = ("{}", "{} Park", "{} Heights", "Mount {}", "{} Vale", "{} Hill", "Glen {}",
                    "{} North", "{} West", "{} Downs")
# Faker's en_AU names are Anglo; an Australian patient list is not.
_MORE_FAMILY = (
    "Nguyen", "Tran", "Le", "Pham", "Patel", "Singh", "Kaur", "Sharma", "Wang", "Li", "Zhang",
    "Chen", "Liu", "Kim", "Lee", "Park", "Papadopoulos", "Nikolaidis", "Rossi", "Russo", "Kelly",
    "Murphy", "O'Brien", "Ryan", "Walsh", "Hassan", "Ahmed", "Ali", "Santos", "Reyes", "Novak",
)
_MORE_FEMALE = ("Mei", "Linh", "Priya", "Aisha", "Sofia", "Maria", "Eleni", "Margaret",
                "Dorothy", "Joan", "Beverley", "Shirley", "Noelene", "Gwen")
_MORE_MALE = ("Minh", "Raj", "Arjun", "Wei", "Omar", "Giuseppe", "Nikos", "Bruce", "Graham",
              "Trevor", "Keith", "Barry", "Col", "Darren")
_NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Margaret": "Peggy", "Elizabeth": "Liz",
    "Patricia": "Pat", "James": "Jim", "Richard": "Rick", "Katherine": "Kate",
    "Catherine": "Cathy", "Jennifer": "Jen", "Michael": "Mick", "Christopher": "Chris",
    "Anthony": "Tony", "Joseph": "Joe", "Thomas": "Tom", "Edward": "Ted", "Susan": "Sue",
    "Deborah": "Deb", "Barbara": "Barb", "Rebecca": "Bec", "Alexander": "Alex",
    "Benjamin": "Ben", "Daniel": "Dan", "Matthew": "Matt", "Nicholas": "Nick", "Samuel": "Sam",
    "Jessica": "Jess", "Victoria": "Vicky", "Dorothy": "Dot", "Kenneth": "Ken", "Gregory": "Greg",
}
# (role, user-name prefix, how many) for the staff added after the administrator.
_STAFF_PLAN = ((Role.GP, "dr", 2), (Role.NURSE, "nurse", 2), (Role.COORDINATOR, "coord", 2),
               (Role.RECEPTION, "reception", 1))
# -- the wider record (contacts, care team, hospital, social) -------------------------------------
# Languages of Australia's larger communities; a family name hints at one some of the time.
_LANGUAGES = ("Vietnamese", "Mandarin", "Cantonese", "Arabic", "Greek", "Italian", "Punjabi",
              "Hindi", "Tagalog", "Korean", "Spanish")
_FAMILY_LANGUAGE = {
    "Nguyen": "Vietnamese", "Tran": "Vietnamese", "Le": "Vietnamese", "Pham": "Vietnamese",
    "Patel": "Hindi", "Sharma": "Hindi", "Singh": "Punjabi", "Kaur": "Punjabi",
    "Wang": "Mandarin", "Li": "Mandarin", "Zhang": "Mandarin", "Chen": "Cantonese",
    "Liu": "Mandarin", "Kim": "Korean", "Lee": "Korean", "Park": "Korean",
    "Papadopoulos": "Greek", "Nikolaidis": "Greek", "Rossi": "Italian", "Russo": "Italian",
    "Hassan": "Arabic", "Ahmed": "Arabic", "Ali": "Arabic", "Santos": "Tagalog",
    "Reyes": "Tagalog",
}
_COMMUNICATION = (
    "Prefers phone calls in the morning", "Hard of hearing: face the patient and speak clearly",
    "Prefers SMS reminders", "Include daughter in calls about appointments",
    "Large-print letters please", "Uses hearing aids; phone calls are difficult",
    "Prefers e-mail for results", "Needs extra time; written summary after visits",
)
_CULTURAL = (
    "Prefers a female clinician", "Observes Ramadan: review medicine timing when fasting",
    "Aboriginal: offer the Aboriginal health worker", "Family makes health decisions together",
    "Halal diet", "Vegetarian diet", "Prefers a male clinician",
)
_ACD_LOCATIONS = ("Copy scanned into the record; original at home", "Uploaded to My Health Record",
                  "Held by the eldest daughter", "Copy with the solicitor")
# ACD (none, discussed, documented) weights by age band: <60, 60-74, 75-84, 85+.
_ACD_WEIGHTS = ((93, 5, 2), (75, 15, 10), (55, 20, 25), (40, 20, 40))
_HOUSING = ("Two-storey house; bedroom upstairs", "Public housing flat, third floor, no lift",
            "Retirement village unit", "Renting; worried about the lease ending")
_TRANSPORT = ("No longer drives; family take them to appointments", "Uses community transport",
              "Uses taxi vouchers", "Drives locally only, not at night")
_FINANCES = ("Age pension only; cost of medicines is a worry", "Has a DVA Gold Card",
             "Concession card holder")
_ISOLATION = ("Few visitors since spouse died", "Attends a weekly seniors' group",
              "Family interstate; phones weekly")
_FUNCTION = (
    "Independent with all daily activities",
    "Walks with a stick; independent with personal care",
    "Uses a four-wheeled walker; needs help with showering",
    "Needs help with shopping and cleaning (home care package)",
    "Wheelchair for long distances; carer visits daily",
)
_KIN = (("Daughter", 30), ("Son", 25), ("Wife", 15), ("Husband", 12), ("Niece", 5),
        ("Nephew", 4), ("Friend", 5), ("Neighbour", 4))
_KIN_WEIGHTS = tuple(w for _, w in _KIN)
# (role, conditions that call for one, probability, organisations)
_PROVIDERS = (
    ("Cardiologist", {"ihd", "hf", "af"}, .5, ("Eastside Heart Clinic", "Northern Cardiology")),
    ("Endocrinologist", {"t2dm"}, .2, ("Diabetes & Endocrine Centre",)),
    ("Community pharmacist", None, .35, ("Main Street Pharmacy", "Village Chemist")),
    ("Physiotherapist", {"oa", "copd"}, .15, ("Active Physio", "Community Health Physio")),
)
_HOSPITALS = ("Eastside Public Hospital", "Northern District Hospital",
              "St Brigid's Private Hospital")
_ADMIT_REASONS = {"hf": "Decompensated heart failure", "copd": "Infective exacerbation of COPD",
                  "af": "Fast atrial fibrillation", "t2dm": "Hypoglycaemia",
                  "ihd": "Chest pain; acute coronary syndrome"}
_OTHER_ADMIT = ("Community-acquired pneumonia", "Fall with hip fracture",
                "Urinary tract infection", "Cellulitis", "Dehydration")
_ED_REASONS = ("Fall, no fracture", "Chest pain", "Shortness of breath", "Laceration",
               "Dizziness", "Urinary retention")
# fmt: on

# The regimens with their medicines looked up once (the ids above keep the table readable).
_REGIMENS = {
    key: (
        ([w for w, _ in options], [tuple(_MEDS[m] for m in meds) for _, meds in options]),
        [(p, _MEDS[m]) for p, m in add_ons],
    )
    for key, (options, add_ons) in _REGIMEN_IDS.items()
}
_ALLERGY_WEIGHTS = tuple(a[3] for a in _ALLERGIES)


# -- public API ----------------------------------------------------------------------------------
def create_demo_workspace(
    folder: Path,
    *,
    patients: int = 500,
    seed: int | None = None,
    progress: Progress | None = None,
    scrypt_n: int = SCRYPT_N,
) -> DemoWorkspace:
    """A new demo workspace: admin, staff of every role (password DEMO_PASSWORD), patients.

    The data key is not put in the OS keystore: the caller holds the workspace open, or reopens
    it with the returned recovery key.
    """
    _check_count(patients)
    seed = _resolve_seed(seed)
    fake, rng = _faker(f"staff:{seed}"), random.Random(f"staff:{seed}")
    admin_name = " ".join(_person(fake, rng))
    created = workspaces.create_practice(
        Path(folder),
        practice_name=DEMO_PRACTICE_NAME,
        admin_username="admin",
        admin_full_name=admin_name,
        admin_password=DEMO_PASSWORD,
        demo=True,
        remember_key=False,
        scrypt_n=scrypt_n,
    )
    ws = created.workspace
    try:
        made = [DemoAccount("admin", admin_name, Role.ADMIN)]
        coordinator_ids: list[int] = []
        with ws.session() as session:
            for role, prefix, how_many in _STAFF_PLAN:
                for _ in range(how_many):
                    given, family = _person(fake, rng)
                    username = _username(prefix, family, {a.username for a in made})
                    user = accounts.create_user(
                        session,
                        created.admin,
                        username=username,
                        full_name=f"{given} {family}",
                        role=role,
                        password=DEMO_PASSWORD,
                        must_change_password=False,
                    )
                    made.append(DemoAccount(user.username, user.full_name, role))
                    if role == Role.COORDINATOR:
                        coordinator_ids.append(user.id)
            session.commit()
        count = seed_patients(
            ws,
            created.admin,
            count=patients,
            seed=seed,
            coordinator_ids=coordinator_ids,
            progress=progress,
        )
    except BaseException:
        ws.close()
        raise
    return DemoWorkspace(ws, created.recovery_key, made, DEMO_PASSWORD, count)


def seed_patients(
    ws: Workspace,
    actor: Actor,
    *,
    count: int,
    seed: int | None = None,
    coordinator_ids: Sequence[int] = (),
    progress: Progress | None = None,
) -> int:
    """Add `count` synthetic patients (is_demo) with conditions, medicines and allergies.

    All rows and one audit event commit together; if anything fails, or `progress` raises (a
    cancel button), nothing is kept. Returns the number of patients added.
    """
    require(actor, Permission.EDIT_PATIENTS)
    if not ws.is_demo:
        raise ValidationError(
            "Synthetic patients can only be added to a demo workspace, never to a practice's "
            "real records. Create a demo workspace instead."
        )
    _check_count(count)
    inserts = [
        _insert_sql(Patient.__table__, _PATIENT_FIELDS),
        _insert_sql(Condition.__table__, _CONDITION_FIELDS),
        _insert_sql(Medication.__table__, _MEDICATION_FIELDS),
        _insert_sql(Allergy.__table__, _ALLERGY_FIELDS),
        _insert_sql(PatientContact.__table__, _CONTACT_FIELDS),
        _insert_sql(CareTeamMember.__table__, _CARE_TEAM_FIELDS),
        _insert_sql(HospitalEvent.__table__, _EVENT_FIELDS),
    ]
    with ws.session() as session:
        # The session's own DB-API connection: bulk rows and the audit row share one transaction.
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")  # hold the write lock while ids are chosen
            _check_coordinators(cursor, coordinator_ids)
            synth = _Synth(_resolve_seed(seed), list(coordinator_ids), *_next_numbers(cursor))
            cursor.execute("SELECT id, full_name FROM staff_user WHERE role = 'GP' AND active")
            synth.gps = cursor.fetchall()
            done = 0
            while done < count:
                tables = synth.batch(min(_BATCH, count - done))
                for sql, rows in zip(inserts, tables, strict=True):
                    if rows:
                        cursor.executemany(sql, rows)
                done += len(tables[0])
                if progress is not None:
                    progress(done, count)
            audit.record(
                session,
                actor,
                AuditAction.CREATE,
                record_type="patient",
                detail=f"demo data seeded: {count} synthetic patients",
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            cursor.close()
    return count


# -- helpers -------------------------------------------------------------------------------------
# fmt: off
_PATIENT_FIELDS = ("id", "practice_id", "given_name", "family_name", "preferred_name",
                   "date_of_birth", "sex", "medicare_number", "phone", "email", "address",
                   "lives_alone", "coordinator_id", "is_demo", "archived", "created_at",
                   "updated_at", "preferred_language", "interpreter_needed",
                   "communication_preferences", "cultural_considerations", "acd_status",
                   "acd_date", "acd_location", "housing", "transport", "finances",
                   "social_isolation", "functional_status")
_CONDITION_FIELDS = ("patient_id", "code_system", "code", "display", "onset", "status", "chronic")
_MEDICATION_FIELDS = ("patient_id", "name", "dose", "route", "frequency", "status", "started")
_ALLERGY_FIELDS = ("patient_id", "substance", "reaction", "severity")
_CONTACT_FIELDS = ("patient_id", "name", "relationship", "phone", "email", "is_next_of_kin",
                   "is_carer", "notes")
_CARE_TEAM_FIELDS = ("patient_id", "staff_user_id", "name", "role", "organisation", "phone",
                     "email", "preferred_contact", "notes")
_EVENT_FIELDS = ("patient_id", "kind", "start_date", "end_date", "facility", "reason")
# fmt: on


def _insert_sql(table: Table, fields: tuple[str, ...]) -> str:
    """An INSERT for the model's table; fails loudly if the model and this module drift apart."""
    unknown = [f for f in fields if f not in table.columns]
    unfilled = [
        c.name
        for c in table.columns
        if c.name not in fields
        and not c.nullable
        and not c.primary_key
        and c.server_default is None
    ]
    if unknown or unfilled:
        raise RuntimeError(
            f"demo seeding is out of date with table {table.name}: "
            f"unknown columns {unknown}, required columns not filled {unfilled}"
        )
    names = ", ".join(table.columns[f].name for f in fields)
    return f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(fields))})"


def _check_count(count: int) -> None:
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not (1 <= count <= MAX_DEMO_PATIENTS)
    ):
        raise ValidationError(
            f"Choose between 1 and {MAX_DEMO_PATIENTS:,} demo patients (got {count!r}).",
            field="patients",
        )


def _check_coordinators(cursor, ids: Sequence[int]) -> None:
    wanted = set(ids)
    if not wanted:
        return
    marks = ", ".join("?" * len(wanted))
    cursor.execute(f"SELECT id FROM staff_user WHERE id IN ({marks})", tuple(wanted))
    missing = wanted - {row[0] for row in cursor.fetchall()}
    if missing:
        raise ValidationError(
            f"No staff account has id {min(missing)}; choose existing coordinators.",
            field="coordinator_ids",
        )


def _next_numbers(cursor) -> tuple[int, int, set[str]]:
    """Next patient id, next P-number, and the Medicare numbers already in use."""
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM patient")
    next_id = cursor.fetchone()[0] + 1
    cursor.execute(
        "SELECT COALESCE(MAX(CAST(substr(practice_id, 2) AS INTEGER)), 0) FROM patient "
        "WHERE practice_id GLOB 'P[0-9]*' AND substr(practice_id, 2) NOT GLOB '*[^0-9]*'"
    )
    next_number = cursor.fetchone()[0] + 1
    cursor.execute("SELECT medicare_number FROM patient WHERE medicare_number IS NOT NULL")
    return next_id, next_number, {row[0] for row in cursor.fetchall()}


def _resolve_seed(seed: int | None) -> int:
    return secrets.randbits(32) if seed is None else seed


def _faker(seed: object) -> Faker:
    fake = Faker("en_AU")
    fake.seed_instance(seed)
    return fake


def _person(fake: Faker, rng: random.Random) -> tuple[str, str]:
    given = fake.first_name()
    family = rng.choice(_MORE_FAMILY) if rng.random() < 0.3 else fake.last_name()
    return given, family


def _username(prefix: str, family: str, taken: set[str]) -> str:
    base = f"{prefix}.{_slug(family)[:40] or 'staff'}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if "a" <= ch <= "z")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Synth:
    """Generates batches of rows; every choice comes from one seeded random.Random."""

    def __init__(
        self,
        seed: int,
        coordinator_ids: list[int],
        next_id: int,
        next_number: int,
        medicare_taken: set[str],
    ) -> None:
        self.rng = rng = random.Random(f"patients:{seed}")
        # The wider record draws from its own stream: the same seed keeps giving the same people.
        self.more = random.Random(f"record:{seed}")
        self.gps: list[tuple[int, str]] = []
        fake = _faker(f"patients:{seed}")
        # Pools drawn once (repeats keep Faker's name frequencies): a Faker call per field
        # would dominate the run time at 100k patients.
        self.female = [fake.first_name_female() for _ in range(600)] + list(_MORE_FEMALE) * 4
        self.male = [fake.first_name_male() for _ in range(600)] + list(_MORE_MALE) * 4
        self.either = self.female + self.male
        self.family = [fake.last_name() for _ in range(1500)] + list(_MORE_FAMILY) * 12
        self.slugs = {name: _slug(name) for name in self.either + self.family}
        self.streets = [
            f"{rng.choice(self.family)} {rng.choice(_STREET_TYPES)}" for _ in range(400)
        ]
        state, low, high = rng.choice(_STATES)
        first = rng.randrange(low, high - 80)
        self.suburbs = [
            f"{rng.choice(_SUBURB_PATTERNS).format(rng.choice(self.family))} "
            f"{state} {first + rng.randrange(80):04d}"
            for _ in range(40)
        ]
        self.coordinators = coordinator_ids
        self.next_id, self.next_number = next_id, next_number
        self.medicare_taken = medicare_taken
        self.today = date.today().toordinal()
        self.anniversary = {
            age: _years_before(date.today(), age).toordinal() for age in range(18, 99)
        }
        self.age_cum = list(accumulate(band[2] for band in _AGE_BANDS))
        # The text SQLAlchemy's DateTime stores on SQLite (naive UTC).
        self.stamp = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.onsets: dict[str, int] = {}  # onset day of each condition of the current patient

    def batch(self, n: int) -> tuple[list[tuple], ...]:
        """Rows for patient, condition, medication, allergy, contact, care team, hospital."""
        tables: tuple[list[tuple], ...] = ([], [], [], [], [], [], [])
        for _ in range(n):
            self._patient(*tables)
        return tables

    def _patient(
        self, patients, conditions, medications, allergies, contacts, team, events
    ) -> None:
        rng = self.rng
        pid = self.next_id
        self.next_id += 1
        low, high, _ = rng.choices(_AGE_BANDS, cum_weights=self.age_cum)[0]
        age = rng.randint(low, high)
        born = self.anniversary[age] - rng.randrange(365)
        r = rng.random()
        sex = Sex.FEMALE if r < 0.52 else Sex.MALE if r < 0.996 else Sex.OTHER
        given = rng.choice(
            self.female if sex is Sex.FEMALE else self.male if sex is Sex.MALE else self.either
        )
        family = rng.choice(self.family)
        chronic = self._conditions(pid, age, born, conditions)
        before = len(medications)
        self._medications(pid, age, born, chronic, medications)
        n_meds = sum(1 for m in medications[before:] if m[5] == "active")
        if rng.random() < 0.15:
            picked = rng.choices(_ALLERGIES, weights=_ALLERGY_WEIGHTS, k=1 + (rng.random() < 0.2))
            for substance, reaction, severity, _ in dict.fromkeys(picked):
                allergies.append((pid, substance, reaction, severity))
        coordinator = None
        if len(chronic) >= 2 and self.coordinators and rng.random() < 0.5:
            coordinator = rng.choice(self.coordinators)
        lives_alone = int(age > 70 and rng.random() < 0.2)
        self._people(pid, age, family, chronic, n_meds, lives_alone, contacts, team)
        self._hospital(pid, age, chronic, events)
        patients.append(
            (
                pid,
                f"P{self.next_number:06d}",
                given,
                family,
                self._preferred(given, sex),
                date.fromordinal(born).isoformat(),
                sex.name,
                self._medicare(),
                rng.choice(_FICTIONAL_MOBILES) if rng.random() < 0.93 else None,
                self._email(given, family, age),
                self._address(),
                lives_alone,
                coordinator,
                1,
                0,
                self.stamp,
                self.stamp,
                *self._social(age, family, lives_alone),
            )
        )
        self.next_number += 1

    def _conditions(self, pid: int, age: int, born: int, out: list[tuple]) -> list[str]:
        rng = self.rng
        band = sum(age >= limit for limit in _BAND_LIMITS)
        chosen = [c for c in _CONDITIONS if rng.random() < c.prevalence[band]]
        if len(chosen) > _MAX_CONDITIONS:
            kept = set(rng.sample(range(len(chosen)), _MAX_CONDITIONS))
            chosen = [c for i, c in enumerate(chosen) if i in kept]
        self.onsets = {}
        for c in chosen:
            # After birth, before today, more often recent than long ago.
            low = min(max(born + int(c.min_onset_age * 365.25), born + 1), self.today - 30)
            onset = low + int((self.today - 1 - low) * math.sqrt(rng.random()))
            self.onsets[c.key] = onset
            out.append(
                (pid, SNOMED, c.code, c.display, date.fromordinal(onset).isoformat(), "active", 1)
            )
        return [c.key for c in chosen]

    def _medications(
        self, pid: int, age: int, born: int, chronic: list[str], out: list[tuple]
    ) -> None:
        rng = self.rng
        classes: set[str] = set()
        for key in chronic:
            (weights, options), add_ons = _REGIMENS[key]
            meds = list(rng.choices(options, weights=weights)[0])
            meds += [med for p, med in add_ons if rng.random() < p]
            for med in meds:
                if med[0] in classes:
                    continue
                classes.add(med[0])
                if med is _MEDS["apixaban"] and age >= 80:
                    med = _MEDS["apixaban_reduced"]  # age 80+ is one of the dose-reduction criteria
                started = min(self.onsets[key] + rng.randrange(180), self.today)
                out.append((pid, *med[1:], "active", date.fromordinal(started).isoformat()))
        if classes and rng.random() < 0.06:
            started = rng.randrange(max(born + 16 * 365, self.today - 3650), self.today - 60)
            out.append(
                (pid, *rng.choice(_STOPPED), "stopped", date.fromordinal(started).isoformat())
            )

    def _preferred(self, given: str, sex: Sex) -> str | None:
        rng = self.rng
        nickname = _NICKNAMES.get(given)
        if nickname and rng.random() < 0.35:
            return nickname
        if rng.random() < 0.03:  # goes by a middle name
            return rng.choice(self.female if sex is Sex.FEMALE else self.male)
        return None

    def _medicare(self) -> str:
        """Ten digits shaped like a Medicare card number: check digit and issue number."""
        rng = self.rng
        while True:
            body = str(rng.randrange(20_000_000, 70_000_000))
            check = sum(int(d) * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9), strict=True))
            number = f"{body}{check % 10}{rng.randint(1, 5)}"
            if number not in self.medicare_taken:
                self.medicare_taken.add(number)
                return number

    def _email(self, given: str, family: str, age: int) -> str | None:
        rng = self.rng
        if rng.random() >= (0.65 if age < 60 else 0.4 if age < 80 else 0.15):
            return None
        suffix = str(rng.randrange(1, 100)) if rng.random() < 0.5 else ""
        return f"{self.slugs[given]}.{self.slugs[family]}{suffix}@{rng.choice(_EMAIL_DOMAINS)}"

    def _address(self) -> str:
        rng = self.rng
        unit = f"{rng.randint(1, 24)}/" if rng.random() < 0.12 else ""
        return f"{unit}{rng.randint(1, 180)} {rng.choice(self.streets)}, {rng.choice(self.suburbs)}"

    # -- the wider record (its own random stream) -------------------------------------------
    def _social(self, age: int, family: str, lives_alone: int) -> tuple:
        """Language, communication, culture, ACD, social needs and function, in field order."""
        r = self.more
        language, interpreter = None, 0
        if r.random() < (0.45 if family in _FAMILY_LANGUAGE else 0.08):
            language = _FAMILY_LANGUAGE.get(family) or r.choice(_LANGUAGES)
            interpreter = int(r.random() < (0.65 if age >= 65 else 0.35))
        elif r.random() < 0.7:
            language = "English"
        communication = (
            r.choice(_COMMUNICATION) if r.random() < (0.3 if age >= 75 else 0.1) else None
        )
        cultural = r.choice(_CULTURAL) if r.random() < 0.06 else None
        band = sum(age >= limit for limit in (60, 75, 85))
        acd = r.choices((AcdStatus.NONE, AcdStatus.DISCUSSED, AcdStatus.DOCUMENTED),
                        weights=_ACD_WEIGHTS[band])[0]  # fmt: skip
        acd_date = acd_location = None
        if acd is not AcdStatus.NONE:
            acd_date = date.fromordinal(self.today - r.randrange(30, 5 * 365)).isoformat()
        if acd is AcdStatus.DOCUMENTED:
            acd_location = r.choice(_ACD_LOCATIONS)
        needs = 0.25 if age >= 75 or lives_alone else 0.12 if age >= 60 else 0.05
        social = [r.choice(pool) if r.random() < needs else None
                  for pool in (_HOUSING, _TRANSPORT, _FINANCES, _ISOLATION)]  # fmt: skip
        if lives_alone and social[3] is None and r.random() < 0.3:
            social[3] = _ISOLATION[0]
        function = None
        if age >= 75 and r.random() < 0.7:
            function = r.choice(_FUNCTION[: 3 if age < 85 else 5])
        elif age >= 65 and r.random() < 0.2:
            function = _FUNCTION[0]
        return (language, interpreter, communication, cultural, acd.name, acd_date,
                acd_location, *social, function)  # fmt: skip

    def _people(self, pid, age, family, chronic, n_meds, lives_alone, contacts, team) -> None:
        r = self.more
        kin = r.random() < (0.6 if age >= 65 else 0.2)
        carer = age >= 75 and r.random() < (0.32 if lives_alone else 0.23)
        if kin:
            relationship = r.choices(_KIN, weights=_KIN_WEIGHTS)[0][0]
            same_family = relationship in ("Wife", "Husband", "Son") or r.random() < 0.4
            name = f"{r.choice(self.either)} {family if same_family else r.choice(self.family)}"
            both = carer and r.random() < 0.6
            carer = carer and not both
            notes = "Main carer; visits daily" if both else None
            contacts.append((pid, name, relationship, r.choice(_FICTIONAL_MOBILES), None, 1,
                             int(both), notes))  # fmt: skip
        if carer:
            name = f"{r.choice(self.either)} {r.choice(self.family)}"
            contacts.append((pid, name, "Support worker", r.choice(_FICTIONAL_MOBILES), None, 0,
                             1, "Home care provider, weekday mornings"))  # fmt: skip
        if len(chronic) >= 2 and self.gps:
            gp_id, gp_name = self.gps[pid % len(self.gps)]
            team.append((pid, gp_id, gp_name, "General practitioner", None, None, None,
                         ContactMethod.IN_PERSON.name, None))  # fmt: skip
        held = set(chronic)
        for role, wanted, p, organisations in _PROVIDERS:
            if wanted is None:
                if n_meds < 5 or r.random() >= p:
                    continue
            elif not held & wanted or r.random() >= p:
                continue
            doctor = "Dr " if role.endswith("ist") and "pharmac" not in role else ""
            method = r.choice((ContactMethod.PHONE, ContactMethod.FAX,
                               ContactMethod.SECURE_MESSAGE, ContactMethod.EMAIL))  # fmt: skip
            team.append((
                pid, None, f"{doctor}{r.choice(self.either)} {r.choice(self.family)}", role,
                r.choice(organisations), f"(03) 5550 {r.randrange(10_000):04d}",
                f"referrals@{_slug(organisations[0])}.example.org", method.name, None,
            ))  # fmt: skip

    def _hospital(self, pid: int, age: int, chronic: list[str], events: list[tuple]) -> None:
        """Admissions and ED visits over the last two years, more for the frail and unwell."""
        r = self.more
        held = set(chronic)
        rate = (0.03 + 0.05 * len(chronic) + 0.45 * ("hf" in held) + 0.35 * ("copd" in held)
                + (0.1 if age >= 85 else 0.04 if age >= 75 else 0.0))  # fmt: skip
        for kind, mean in ((HospitalEventKind.ADMISSION, rate), (HospitalEventKind.ED_VISIT,
                                                                 rate * 1.2)):  # fmt: skip
            for _ in range(_poisson(r, mean)):
                start = self.today - r.randrange(1, 730)
                if kind is HospitalEventKind.ADMISSION:
                    stay = 1 + min(int(r.expovariate(1 / 4)), 30)
                    end = start + stay if start + stay <= self.today else None
                    causes = [_ADMIT_REASONS[c] for c in chronic if c in _ADMIT_REASONS]
                    reason = r.choice(causes) if causes and r.random() < 0.6 else (
                        r.choice(_OTHER_ADMIT))  # fmt: skip
                else:
                    end, reason = start, r.choice(_ED_REASONS)
                events.append((
                    pid, kind.name, date.fromordinal(start).isoformat(),
                    date.fromordinal(end).isoformat() if end else None,
                    r.choice(_HOSPITALS), reason,
                ))  # fmt: skip


def _poisson(r: random.Random, mean: float) -> int:
    """Knuth's method (means here are small)."""
    limit, k, product = math.exp(-mean), 0, r.random()
    while product > limit:
        k += 1
        product *= r.random()
    return k
