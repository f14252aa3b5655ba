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
from carecoord_desktop.services import demo_data as data
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.demo_features import DemoStaff, seed_features
from carecoord_desktop.services.patients import fields as patient_fields
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


# -- public API ----------------------------------------------------------------------------------
def create_demo_workspace(
    folder: Path,
    *,
    patients: int = 500,
    seed: int | None = None,
    progress: Progress | None = None,
    scrypt_n: int = SCRYPT_N,
    options: dict | None = None,
) -> DemoWorkspace:
    """A new demo workspace: admin, staff of every role (password DEMO_PASSWORD), patients.

    The data key is not put in the OS keystore: the caller holds the workspace open, or reopens
    it with the returned recovery key. `options` go to the features' seeders
    (`demo_features.py`).
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
        staff = [DemoStaff(created.admin.user_id, "admin", admin_name, Role.ADMIN)]
        coordinator_ids: list[int] = []
        with ws.session() as session:
            for role, prefix, how_many in data.STAFF_PLAN:
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
                    staff.append(DemoStaff(user.id, user.username, user.full_name, role))
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
        seed_features(ws, created.admin, seed=seed, staff=staff, options=options)
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
_PATIENT_FIELDS = ("id", *patient_fields.NAMES, "is_demo", "archived", "created_at", "updated_at")
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
    family = rng.choice(data.MORE_FAMILY) if rng.random() < 0.3 else fake.last_name()
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
        self.female = [fake.first_name_female() for _ in range(600)] + list(data.MORE_FEMALE) * 4
        self.male = [fake.first_name_male() for _ in range(600)] + list(data.MORE_MALE) * 4
        self.either = self.female + self.male
        self.family = [fake.last_name() for _ in range(1500)] + list(data.MORE_FAMILY) * 12
        self.slugs = {name: _slug(name) for name in self.either + self.family}
        self.streets = [
            f"{rng.choice(self.family)} {rng.choice(data.STREET_TYPES)}" for _ in range(400)
        ]
        state, low, high = rng.choice(data.STATES)
        first = rng.randrange(low, high - 80)
        self.suburbs = [
            f"{rng.choice(data.SUBURB_PATTERNS).format(rng.choice(self.family))} "
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
        self.age_cum = list(accumulate(band[2] for band in data.AGE_BANDS))
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
        low, high, _ = rng.choices(data.AGE_BANDS, cum_weights=self.age_cum)[0]
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
            picked = rng.choices(
                data.ALLERGIES, weights=data.ALLERGY_WEIGHTS, k=1 + (rng.random() < 0.2)
            )
            for substance, reaction, severity, _ in dict.fromkeys(picked):
                allergies.append((pid, substance, reaction, severity))
        coordinator = None
        if len(chronic) >= 2 and self.coordinators and rng.random() < 0.5:
            coordinator = rng.choice(self.coordinators)
        lives_alone = int(age > 70 and rng.random() < 0.2)
        self._people(pid, age, family, chronic, n_meds, lives_alone, contacts, team)
        self._hospital(pid, age, chronic, events)
        # By name, in the order the values are drawn (the same seed gives the same people).
        values = {
            "id": pid, "practice_id": f"P{self.next_number:06d}", "given_name": given,
            "family_name": family, "preferred_name": self._preferred(given, sex),
            "date_of_birth": date.fromordinal(born).isoformat(), "sex": sex.name,
            "medicare_number": self._medicare(),
            "phone": rng.choice(data.FICTIONAL_MOBILES) if rng.random() < 0.93 else None,
            "email": self._email(given, family, age), "address": self._address(),
            "previous_names": None, "lives_alone": lives_alone, "coordinator_id": coordinator,
            "is_demo": 1, "archived": 0, "created_at": self.stamp, "updated_at": self.stamp,
            **self._social(age, family, lives_alone),
        }  # fmt: skip
        patients.append(patient_fields.row(values, _PATIENT_FIELDS, "demo seeding"))
        self.next_number += 1

    def _conditions(self, pid: int, age: int, born: int, out: list[tuple]) -> list[str]:
        rng = self.rng
        band = sum(age >= limit for limit in data.BAND_LIMITS)
        chosen = [c for c in data.CONDITIONS if rng.random() < c.prevalence[band]]
        if len(chosen) > data.MAX_CONDITIONS:
            kept = set(rng.sample(range(len(chosen)), data.MAX_CONDITIONS))
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
            (weights, options), add_ons = data.REGIMENS[key]
            meds = list(rng.choices(options, weights=weights)[0])
            meds += [med for p, med in add_ons if rng.random() < p]
            for med in meds:
                if med[0] in classes:
                    continue
                classes.add(med[0])
                if med is data.MEDS["apixaban"] and age >= 80:
                    med = data.MEDS[
                        "apixaban_reduced"
                    ]  # age 80+ is one of the dose-reduction criteria
                started = min(self.onsets[key] + rng.randrange(180), self.today)
                out.append((pid, *med[1:], "active", date.fromordinal(started).isoformat()))
        if classes and rng.random() < 0.06:
            started = rng.randrange(max(born + 16 * 365, self.today - 3650), self.today - 60)
            out.append(
                (pid, *rng.choice(data.STOPPED), "stopped", date.fromordinal(started).isoformat())
            )

    def _preferred(self, given: str, sex: Sex) -> str | None:
        rng = self.rng
        nickname = data.NICKNAMES.get(given)
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
        return f"{self.slugs[given]}.{self.slugs[family]}{suffix}@{rng.choice(data.EMAIL_DOMAINS)}"

    def _address(self) -> str:
        rng = self.rng
        unit = f"{rng.randint(1, 24)}/" if rng.random() < 0.12 else ""
        return f"{unit}{rng.randint(1, 180)} {rng.choice(self.streets)}, {rng.choice(self.suburbs)}"

    # -- the wider record (its own random stream) -------------------------------------------
    def _social(self, age: int, family: str, lives_alone: int) -> dict:
        """Language, communication, culture, ACD, social needs and function, by field."""
        r = self.more
        language, interpreter = None, 0
        if r.random() < (0.45 if family in data.FAMILY_LANGUAGE else 0.08):
            language = data.FAMILY_LANGUAGE.get(family) or r.choice(data.LANGUAGES)
            interpreter = int(r.random() < (0.65 if age >= 65 else 0.35))
        elif r.random() < 0.7:
            language = "English"
        communication = (
            r.choice(data.COMMUNICATION) if r.random() < (0.3 if age >= 75 else 0.1) else None
        )
        cultural = r.choice(data.CULTURAL) if r.random() < 0.06 else None
        band = sum(age >= limit for limit in (60, 75, 85))
        acd = r.choices((AcdStatus.NONE, AcdStatus.DISCUSSED, AcdStatus.DOCUMENTED),
                        weights=data.ACD_WEIGHTS[band])[0]  # fmt: skip
        acd_date = acd_location = None
        if acd is not AcdStatus.NONE:
            acd_date = date.fromordinal(self.today - r.randrange(30, 5 * 365)).isoformat()
        if acd is AcdStatus.DOCUMENTED:
            acd_location = r.choice(data.ACD_LOCATIONS)
        needs = 0.25 if age >= 75 or lives_alone else 0.12 if age >= 60 else 0.05
        pools = (data.HOUSING, data.TRANSPORT, data.FINANCES, data.ISOLATION)
        social = [r.choice(pool) if r.random() < needs else None for pool in pools]
        if lives_alone and social[3] is None and r.random() < 0.3:
            social[3] = data.ISOLATION[0]
        function = None
        if age >= 75 and r.random() < 0.7:
            function = r.choice(data.FUNCTION[: 3 if age < 85 else 5])
        elif age >= 65 and r.random() < 0.2:
            function = data.FUNCTION[0]
        housing, transport, finances, isolation = social
        return dict(preferred_language=language, interpreter_needed=interpreter,
                    communication_preferences=communication, cultural_considerations=cultural,
                    acd_status=acd.name, acd_date=acd_date, acd_location=acd_location,
                    housing=housing, transport=transport, finances=finances,
                    social_isolation=isolation, functional_status=function)  # fmt: skip

    def _people(self, pid, age, family, chronic, n_meds, lives_alone, contacts, team) -> None:
        r = self.more
        kin = r.random() < (0.6 if age >= 65 else 0.2)
        carer = age >= 75 and r.random() < (0.32 if lives_alone else 0.23)
        if kin:
            relationship = r.choices(data.KIN, weights=data.KIN_WEIGHTS)[0][0]
            same_family = relationship in ("Wife", "Husband", "Son") or r.random() < 0.4
            name = f"{r.choice(self.either)} {family if same_family else r.choice(self.family)}"
            both = carer and r.random() < 0.6
            carer = carer and not both
            notes = "Main carer; visits daily" if both else None
            contacts.append((pid, name, relationship, r.choice(data.FICTIONAL_MOBILES), None, 1,
                             int(both), notes))  # fmt: skip
        if carer:
            name = f"{r.choice(self.either)} {r.choice(self.family)}"
            contacts.append((pid, name, "Support worker", r.choice(data.FICTIONAL_MOBILES), None, 0,
                             1, "Home care provider, weekday mornings"))  # fmt: skip
        if len(chronic) >= 2 and self.gps:
            gp_id, gp_name = self.gps[pid % len(self.gps)]
            team.append((pid, gp_id, gp_name, "General practitioner", None, None, None,
                         ContactMethod.IN_PERSON.name, None))  # fmt: skip
        held = set(chronic)
        for role, wanted, p, organisations in data.PROVIDERS:
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
                    causes = [data.ADMIT_REASONS[c] for c in chronic if c in data.ADMIT_REASONS]
                    reason = r.choice(causes) if causes and r.random() < 0.6 else (
                        r.choice(data.OTHER_ADMIT))  # fmt: skip
                else:
                    end, reason = start, r.choice(data.ED_REASONS)
                events.append((
                    pid, kind.name, date.fromordinal(start).isoformat(),
                    date.fromordinal(end).isoformat() if end else None,
                    r.choice(data.HOSPITALS), reason,
                ))  # fmt: skip


def _poisson(r: random.Random, mean: float) -> int:
    """Knuth's method (means here are small)."""
    limit, k, product = math.exp(-mean), 0, r.random()
    while product > limit:
        k += 1
        product *= r.random()
    return k
