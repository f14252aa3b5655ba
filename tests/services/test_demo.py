"""Demo workspaces: staff of every role, realistic synthetic patients, nothing in the keystore."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime

import keyring
import pytest
from sqlalchemy import event

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models import Condition, Medication, Patient
from carecoord_desktop.models.patient import Sex
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.demo import (
    DEMO_PASSWORD,
    DEMO_PRACTICE_NAME,
    MAX_DEMO_PATIENTS,
    DemoWorkspace,
    create_demo_workspace,
    seed_patients,
)
from carecoord_desktop.services.settings import load as load_settings
from carecoord_desktop.store import keystore
from conftest import TEST_SCRYPT_N

SEED = 2024
PATIENTS = 200


class Cancelled(Exception):
    pass


def _rows(ws, sql: str, params: tuple = ()) -> list[tuple]:
    with ws.raw_connection() as conn:
        return conn.execute(sql, params).fetchall()


def _count(ws, table: str) -> int:
    return _rows(ws, f"SELECT count(*) FROM {table}")[0][0]


def _admin(demo: DemoWorkspace) -> Actor:
    return accounts.authenticate(demo.workspace, "admin", DEMO_PASSWORD)


@pytest.fixture
def demo(demo_copy) -> DemoWorkspace:
    """This test's own copy of one 200-patient demo made once per session (hashing is slow)."""
    return demo_copy(PATIENTS, SEED)


@pytest.fixture
def small_demo(tmp_path):
    created = create_demo_workspace(tmp_path / "small", patients=5, seed=7, scrypt_n=TEST_SCRYPT_N)
    yield created
    created.workspace.close()


# -- the workspace and its staff -----------------------------------------------------------------
def test_demo_workspace_is_marked_demo_and_named(demo):
    assert demo.workspace.is_demo
    assert demo.patients == PATIENTS
    assert demo.password == DEMO_PASSWORD
    assert load_settings(demo.workspace).practice_name == DEMO_PRACTICE_NAME


def test_progress_ends_at_the_full_count(tmp_path, fast_password_hashing):
    calls: list[tuple[int, int]] = []
    created = create_demo_workspace(
        tmp_path / "ws",
        patients=5,
        seed=3,
        progress=lambda *a: calls.append(a),
        scrypt_n=TEST_SCRYPT_N,
    )
    created.workspace.close()
    assert calls and calls[-1] == (5, 5)


def test_every_role_has_an_account_that_signs_in_with_the_demo_password(demo):
    assert demo.accounts[0].username == "admin"
    assert demo.accounts[0].role == Role.ADMIN
    assert {a.role for a in demo.accounts} == set(Role)
    usernames = [a.username for a in demo.accounts]
    assert len(set(usernames)) == len(usernames)
    for account in demo.accounts[1:]:
        assert re.fullmatch(r"(dr|nurse|coord|reception)\.[a-z]+\d*", account.username)
    for account in demo.accounts:
        actor = accounts.authenticate(demo.workspace, account.username, DEMO_PASSWORD)
        assert actor.role == account.role
        assert actor.full_name == account.full_name
        assert not accounts.must_change_password(demo.workspace, actor)


def test_demo_key_is_never_put_in_the_keystore(memory_keyring, small_demo):
    # The in-memory keystore is a trusted one: an ordinary practice would have stored its key.
    assert keystore.secure_backend() is memory_keyring
    assert memory_keyring.secrets == {}


def test_demo_works_without_any_keystore(tmp_path):
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())  # a headless box; the autouse fixture restores it
    created = create_demo_workspace(tmp_path / "demo", patients=3, scrypt_n=TEST_SCRYPT_N)
    try:
        assert _count(created.workspace, "patient") == 3
    finally:
        created.workspace.close()


def test_demo_reopens_with_its_recovery_key_and_everything_was_committed(small_demo):
    ws = small_demo.workspace
    ws.close()
    reopened = workspaces.open_workspace(ws.folder, recovery_key=small_demo.recovery_key)
    try:
        assert reopened.is_demo
        assert _count(reopened, "patient") == 5
        assert accounts.count_users(reopened) == len(small_demo.accounts)
    finally:
        reopened.close()


@pytest.mark.parametrize("patients", [0, -1, MAX_DEMO_PATIENTS + 1])
def test_patient_count_out_of_range_is_refused_before_anything_is_created(tmp_path, patients):
    with pytest.raises(ValidationError, match="between 1 and 100,000"):
        create_demo_workspace(tmp_path / "demo", patients=patients, scrypt_n=TEST_SCRYPT_N)
    assert not (tmp_path / "demo").exists()


# -- the patients --------------------------------------------------------------------------------
def test_counts_of_patients_and_their_records_are_sensible(demo):
    ws = demo.workspace
    assert _count(ws, "patient") == PATIENTS
    conditions, medications, allergies = (
        _count(ws, t) for t in ("condition", "medication", "allergy")
    )
    assert PATIENTS * 0.8 <= conditions <= PATIENTS * 3
    assert conditions <= medications <= PATIENTS * 5
    assert PATIENTS * 0.05 <= allergies <= PATIENTS * 0.3
    per_patient = _rows(ws, "SELECT count(*) FROM condition GROUP BY patient_id")
    assert max(n for (n,) in per_patient) <= 5
    assert _rows(ws, "SELECT count(*) FROM patient WHERE is_demo = 1")[0][0] == PATIENTS
    assert set(_rows(ws, "SELECT DISTINCT code_system FROM condition")) == {
        ("http://snomed.info/sct",)
    }


def test_identifiers_are_well_formed_and_unique(demo):
    rows = _rows(demo.workspace, "SELECT practice_id, medicare_number, phone FROM patient")
    practice_ids = sorted(r[0] for r in rows)
    assert practice_ids == [f"P{n:06d}" for n in range(1, PATIENTS + 1)]
    medicare = [r[1] for r in rows]
    assert all(re.fullmatch(r"[2-6]\d{9}", m) for m in medicare)
    assert len(set(medicare)) == len(medicare)
    phones = [r[2] for r in rows if r[2]]
    assert phones and all(re.fullmatch(r"04\d\d \d{3} \d{3}", p) for p in phones)
    emails = [e for (e,) in _rows(demo.workspace, "SELECT email FROM patient") if e]
    assert 0 < len(emails) < PATIENTS
    assert all(e.endswith(("@example.com", "@example.net", "@example.org")) for e in emails)


def test_ages_skew_older_and_living_alone_is_for_the_over_70s(demo):
    today = date.today()
    rows = _rows(demo.workspace, "SELECT date_of_birth, lives_alone FROM patient")
    ages = []
    for dob_text, lives_alone in rows:
        dob = date.fromisoformat(dob_text)
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        assert 18 <= age <= 98
        assert not lives_alone or age > 70
        ages.append(age)
    assert sum(a >= 60 for a in ages) > len(ages) / 2
    assert any(lives_alone for _, lives_alone in rows)


def test_conditions_start_after_birth_and_before_today(demo):
    rows = _rows(
        demo.workspace,
        "SELECT p.date_of_birth, c.onset FROM condition c JOIN patient p ON p.id = c.patient_id",
    )
    for dob, onset in rows:
        assert date.fromisoformat(dob) < date.fromisoformat(onset) < date.today()


def test_coordinators_are_assigned_to_multimorbid_patients_only(demo):
    coordinators = {
        uid
        for (uid,) in _rows(demo.workspace, "SELECT id FROM staff_user WHERE role = 'COORDINATOR'")
    }
    rows = _rows(
        demo.workspace,
        "SELECT p.coordinator_id, (SELECT count(*) FROM condition c WHERE c.patient_id = p.id) "
        "FROM patient p WHERE p.coordinator_id IS NOT NULL",
    )
    assert rows
    assert all(cid in coordinators and n >= 2 for cid, n in rows)


def test_older_multimorbid_patients_reach_polypharmacy(demo):
    rows = _rows(
        demo.workspace,
        "SELECT m.patient_id, count(*) FROM medication m WHERE m.status = 'active' "
        "GROUP BY m.patient_id HAVING count(*) >= 5",
    )
    assert rows, "expected at least one patient on 5+ active medicines"
    ages = []
    with demo.workspace.session() as session:
        for patient_id, _ in rows:
            patient = session.get(Patient, patient_id)
            ages.append((date.today() - patient.date_of_birth).days / 365.25)
            conditions = _rows(
                demo.workspace, "SELECT count(*) FROM condition WHERE patient_id = ?", (patient_id,)
            )
            assert conditions[0][0] >= 2  # no single condition brings five medicines
    assert sum(ages) / len(ages) >= 60


def test_medicines_follow_the_conditions(demo):
    ws = demo.workspace
    metformin = {
        p for (p,) in _rows(ws, "SELECT patient_id FROM medication WHERE name LIKE 'Metformin%'")
    }
    diabetic = {p for (p,) in _rows(ws, "SELECT patient_id FROM condition WHERE code = '44054006'")}
    assert metformin and metformin <= diabetic
    anticoagulated = {
        p
        for (p,) in _rows(
            ws, "SELECT patient_id FROM medication WHERE name IN ('Apixaban', 'Rivaroxaban')"
        )
    }
    with_af = {p for (p,) in _rows(ws, "SELECT patient_id FROM condition WHERE code = '49436004'")}
    assert anticoagulated <= with_af


def test_a_seeded_patient_reads_back_through_the_orm_with_proper_types(demo):
    with demo.workspace.session() as session:
        patient = session.get(Patient, 1)
        assert patient is not None
        assert isinstance(patient.date_of_birth, date)
        assert isinstance(patient.sex, Sex)
        assert patient.sex in (Sex.FEMALE, Sex.MALE, Sex.OTHER)
        assert patient.is_demo is True
        assert patient.archived is False
        assert isinstance(patient.lives_alone, bool)
        assert isinstance(patient.created_at, datetime)
        assert patient.created_at.tzinfo is not None
        assert abs((datetime.now(UTC) - patient.created_at).total_seconds()) < 3600
        (condition_id,) = _rows(demo.workspace, "SELECT min(id) FROM condition")[0]
        cond = session.get(Condition, condition_id)
        assert isinstance(cond.onset, date)
        assert cond.chronic is True
        (medication_id,) = _rows(demo.workspace, "SELECT min(id) FROM medication")[0]
        med = session.get(Medication, medication_id)
        assert isinstance(med.started, date)
        assert med.status == "active"


def test_the_same_seed_gives_the_same_practice(demo, tmp_path):
    again = create_demo_workspace(
        tmp_path / "again", patients=PATIENTS, seed=SEED, scrypt_n=TEST_SCRYPT_N
    )
    try:
        sql = "SELECT given_name, family_name, date_of_birth, medicare_number FROM patient"
        sql += " ORDER BY id"
        assert _rows(again.workspace, sql) == _rows(demo.workspace, sql)
        code_sql = "SELECT patient_id, code, onset FROM condition ORDER BY id"
        assert _rows(again.workspace, code_sql) == _rows(demo.workspace, code_sql)
        assert again.accounts == demo.accounts
    finally:
        again.workspace.close()


def test_another_seed_gives_other_people(demo, small_demo):
    sql = "SELECT given_name, family_name FROM patient ORDER BY id LIMIT 5"
    assert _rows(small_demo.workspace, sql) != _rows(demo.workspace, sql)
    assert small_demo.accounts != demo.accounts


# -- audit, encryption, safety -------------------------------------------------------------------
def test_seeding_is_one_audit_event_and_the_chain_verifies(demo):
    chain = audit.verify_chain(demo.workspace)
    assert chain.ok, chain.problem
    events = _rows(
        demo.workspace,
        "SELECT action, record_type, actor_name FROM audit_event WHERE detail = ?",
        (f"demo data seeded: {PATIENTS} synthetic patients",),
    )
    assert len(events) == 1
    action, record_type, actor_name = events[0]
    assert (action, record_type) == ("create", "patient")
    assert actor_name.endswith("(administrator)")


def test_the_database_file_holds_no_patient_name_in_plaintext(small_demo):
    ws = small_demo.workspace
    names = {n for (n,) in _rows(ws, "SELECT family_name FROM patient") if len(n) >= 5}
    names |= {n for (n,) in _rows(ws, "SELECT given_name FROM patient") if len(n) >= 5}
    assert names
    ws.close()
    assert not ws.db_path.read_bytes().startswith(b"SQLite format 3")
    for path in ws.folder.rglob("*"):  # the database, any WAL left behind, backups
        if path.is_file():
            data = path.read_bytes()
            for name in names:
                assert name.encode() not in data, f"{name} in plaintext in {path.name}"


def test_seeding_more_continues_the_numbering(small_demo):
    ws = small_demo.workspace
    admin = _admin(small_demo)
    assert seed_patients(ws, admin, count=3, seed=7) == 3
    ids = [r[0] for r in _rows(ws, "SELECT practice_id FROM patient ORDER BY id")]
    assert ids == [f"P{n:06d}" for n in range(1, 9)]
    medicare = [r[0] for r in _rows(ws, "SELECT medicare_number FROM patient")]
    assert len(set(medicare)) == 8  # the same seed again still gets fresh numbers
    assert audit.verify_chain(ws).ok


def test_a_failure_mid_seed_keeps_nothing(demo):
    ws = demo.workspace
    admin = _admin(demo)
    before = {t: _count(ws, t) for t in ("patient", "condition", "medication", "audit_event")}

    seen = []

    def cancel(done, total):
        seen.append((done, total))
        raise Cancelled  # the user pressed Cancel after the first batch

    with pytest.raises(Cancelled):
        seed_patients(ws, admin, count=5_000, seed=1, progress=cancel)
    assert seen == [(2_000, 5_000)]
    assert {t: _count(ws, t) for t in before} == before
    assert audit.verify_chain(ws).ok


def test_synthetic_patients_are_refused_in_a_real_practice(ws, admin):
    with pytest.raises(ValidationError, match="demo workspace"):
        seed_patients(ws, admin, count=5)
    assert _count(ws, "patient") == 0


def test_seeding_nothing_or_too_many_is_refused(demo):
    admin = _admin(demo)
    for count in (0, MAX_DEMO_PATIENTS + 1):
        with pytest.raises(ValidationError, match="between 1 and"):
            seed_patients(demo.workspace, admin, count=count)
    assert _count(demo.workspace, "patient") == PATIENTS


# -- the wider record: contacts, carers, care team, hospital events, social ---------------------
RECORD_PATIENTS = 3000
RECORD_SEED = 11


@pytest.fixture(scope="module")
def record_demo(demo_template, tmp_path_factory):
    """A larger demo so the proportions below are not luck: shared by the module, so opened
    read-only (SQLite refuses any write, an audited read included)."""
    template = demo_template(RECORD_PATIENTS, RECORD_SEED)
    folder = tmp_path_factory.mktemp("record") / "ws"
    shutil.copytree(template.workspace.folder, folder)
    ws = workspaces.open_workspace(folder, recovery_key=template.recovery_key)
    ws.engine.dispose()
    event.listen(ws.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA query_only = ON"))
    yield ws
    ws.close()


def test_the_shared_record_demo_refuses_writes(record_demo):
    with pytest.raises(Exception, match="readonly"), record_demo.raw_connection() as conn:
        conn.execute("DELETE FROM patient_contact")


def _ages(ws) -> dict[int, int]:
    today = date.today()
    out = {}
    for pid, dob_text in _rows(ws, "SELECT id, date_of_birth FROM patient"):
        dob = date.fromisoformat(dob_text)
        out[pid] = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return out


def _share(ids: set[int], among: set[int]) -> float:
    return len(ids & among) / len(among)


def test_next_of_kin_and_carers_follow_age(record_demo):
    ws = record_demo
    ages = _ages(ws)
    over_65 = {p for p, a in ages.items() if a >= 65}
    over_75 = {p for p, a in ages.items() if a >= 75}
    kin = {p for (p,) in _rows(ws, "SELECT patient_id FROM patient_contact WHERE is_next_of_kin")}
    carers = {p for (p,) in _rows(ws, "SELECT patient_id FROM patient_contact WHERE is_carer")}
    assert 0.52 <= _share(kin, over_65) <= 0.68
    assert 0.18 <= _share(carers, over_75) <= 0.32
    assert carers <= over_75
    names = _rows(ws, "SELECT name, relationship, phone FROM patient_contact")
    assert all(n and rel and re.fullmatch(r"0491 57\d \d{3}", ph) for n, rel, ph in names)
    # The counters the risk rule reads agree with the contacts.
    with_carer = {p for (p,) in _rows(ws, "SELECT patient_id FROM patient_stats WHERE has_carer")}
    assert with_carer == carers


def test_languages_interpreters_acd_and_social_needs(record_demo):
    ws = record_demo
    ages = _ages(ws)
    rows = _rows(
        ws,
        "SELECT id, preferred_language, interpreter_needed, communication_preferences, "
        "cultural_considerations, acd_status, acd_date, acd_location, housing, transport, "
        "finances, social_isolation, functional_status FROM patient",
    )
    other = [r for r in rows if r[1] not in (None, "English")]
    assert 0.07 <= len(other) / len(rows) <= 0.18
    assert 0.3 <= sum(r[2] for r in other) / len(other) <= 0.7
    assert not any(r[2] for r in rows if r[1] in (None, "English"))
    assert 0.03 < sum(r[3] is not None for r in rows) / len(rows) < 0.4
    assert 0.01 < sum(r[4] is not None for r in rows) / len(rows) < 0.15

    def documented(low, high):
        band = [r for r in rows if low <= ages[r[0]] <= high]
        return sum(r[5] == "DOCUMENTED" for r in band) / len(band)

    assert documented(18, 59) < documented(60, 74) < documented(75, 84) < documented(85, 99)
    for _, _, _, _, _, status, acd_date, location, *_ in rows:
        assert status in ("NONE", "DISCUSSED", "DOCUMENTED")
        assert (acd_date is None) == (status == "NONE")
        assert (location is not None) == (status == "DOCUMENTED")
        if acd_date:
            assert date.fromisoformat(acd_date) <= date.today()
    assert all(sum(r[i] is not None for r in rows) > 0 for i in (8, 9, 10, 11))
    older = [r for r in rows if ages[r[0]] >= 75]
    assert sum(r[12] is not None for r in older) / len(older) > 0.5
    assert not any(r[12] for r in rows if ages[r[0]] < 65)


def test_care_team_has_the_gp_for_the_multimorbid_and_some_specialists(record_demo):
    ws = record_demo
    gps = dict(_rows(ws, "SELECT id, full_name FROM staff_user WHERE role = 'GP'"))
    multimorbid = {
        p
        for (p,) in _rows(
            ws,
            "SELECT patient_id FROM condition WHERE status = 'active' AND chronic "
            "GROUP BY patient_id HAVING count(*) >= 2",
        )
    }
    team = _rows(
        ws,
        "SELECT patient_id, staff_user_id, name, role, organisation, phone, preferred_contact "
        "FROM care_team_member",
    )
    with_gp = {}
    for pid, staff_id, name, role, organisation, phone, method in team:
        assert method in ("PHONE", "EMAIL", "FAX", "SECURE_MESSAGE", "IN_PERSON")
        if staff_id is not None:
            assert role == "General practitioner" and gps[staff_id] == name
            with_gp[pid] = staff_id
        else:
            assert role in (
                "Cardiologist",
                "Endocrinologist",
                "Community pharmacist",
                "Physiotherapist",
                "Podiatrist",  # added for the demo's care conferences (demo_conferences.py)
            )
            assert organisation and re.fullmatch(r"\(03\) 5550 \d{4}", phone)
    assert set(with_gp) == multimorbid
    roles = {r[3] for r in team}
    assert {"Cardiologist", "Endocrinologist", "Community pharmacist", "Physiotherapist"} <= roles


def test_hospital_events_are_recent_weighted_by_risk_and_feed_the_register(demo_copy):
    ws = demo_copy(RECORD_PATIENTS, RECORD_SEED).workspace  # its register reads are audited
    today = date.today()
    events = _rows(ws, "SELECT patient_id, kind, start_date, end_date FROM hospital_event")
    for _, kind, start_text, end_text in events:
        start = date.fromisoformat(start_text)
        assert today.toordinal() - 730 < start.toordinal() < today.toordinal()
        if kind == "ED_VISIT":
            assert end_text == start_text
        elif end_text is not None:
            assert start < date.fromisoformat(end_text) <= today
    assert {k for _, k, _, _ in events} == {"ADMISSION", "ED_VISIT"}
    admitted = {p for p, k, _, _ in events if k == "ADMISSION"}
    hf_copd = {
        p
        for (p,) in _rows(
            ws, "SELECT patient_id FROM condition WHERE code IN ('84114007', '13645005')"
        )
    }
    others = set(_ages(ws)) - hf_copd
    assert _share(admitted, hf_copd) > 2 * _share(admitted, others)

    from carecoord_desktop.services.patients import register as registry
    from carecoord_desktop.services.patients.register import PatientFilter

    actor = Actor.system("test")
    recent = registry.query_ids(ws, actor, PatientFilter(recently_discharged_days=30))
    assert 0 < len(recent) < RECORD_PATIENTS / 10
    tiers = {
        t: len(registry.query_ids(ws, actor, PatientFilter(risk_tier=t))) for t in ["high", "low"]
    }
    assert 0 < tiers["high"] < tiers["low"]
    top = registry.query_ids(ws, actor, PatientFilter(), sort="attention")[0]
    _, reasons = registry.risk_reasons(ws, actor, top)
    assert any("in the last 12 months" in r for r in reasons)


def test_the_wider_record_reads_back_through_the_orm(record_demo):
    from sqlmodel import select

    from carecoord_desktop.models.patient import (
        AcdStatus,
        CareTeamMember,
        ContactMethod,
        HospitalEvent,
        HospitalEventKind,
        PatientContact,
    )

    with record_demo.session() as session:
        event = session.exec(select(HospitalEvent)).first()
        assert isinstance(event.kind, HospitalEventKind) and isinstance(event.start_date, date)
        member = session.exec(select(CareTeamMember)).first()
        assert isinstance(member.preferred_contact, ContactMethod)
        contact = session.exec(select(PatientContact)).first()
        assert isinstance(contact.is_carer, bool)
        patient = session.exec(select(Patient).where(Patient.acd_status != AcdStatus.NONE)).first()
        assert isinstance(patient.acd_status, AcdStatus) and isinstance(patient.acd_date, date)
