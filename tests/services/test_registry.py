"""The patient register: search, filters, sort, rows, risk, triggers, audit, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.patient import (
    Condition,
    HospitalEvent,
    HospitalEventKind,
    Medication,
    Patient,
    PatientContact,
)
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services import demo, permissions, registry
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.registry import PatientFilter, fetch_rows, query_ids
from carecoord_desktop.store import migrate
from tests_support import TEST_SCRYPT_N


def _actor(ws, role: Role) -> Actor:
    with ws.session() as session:
        user = session.exec(select(StaffUser).where(StaffUser.role == role)).first()
        return Actor(user.id, user.username, user.full_name, role)


def _add_people(ws) -> dict[str, int]:
    """Hand-made patients with names no Faker list holds, written through the ORM."""
    coordinator = _actor(ws, Role.COORDINATOR)
    with ws.session() as session:
        zoe = Patient(
            practice_id="P900001",
            given_name="Zoë",
            family_name="Wexlerby",
            date_of_birth=date(1948, 3, 7),
            medicare_number="2123456701",
            phone="0412 345 678",
            lives_alone=True,
            coordinator_id=coordinator.user_id,
        )
        quentin = Patient(
            practice_id="P900002",
            given_name="Quentin",
            family_name="Thistlewood",
            preferred_name="Quin",
            date_of_birth=date(1990, 11, 25),
        )
        mathilde = Patient(
            practice_id="P900003",
            given_name="Mathilde",
            family_name="Thistlewood",
            date_of_birth=date(1960, 1, 2),
        )
        archie = Patient(
            practice_id="P900004",
            given_name="Archibald",
            family_name="Thistlewood",
            date_of_birth=date(1950, 5, 5),
            archived=True,
        )
        session.add_all([zoe, quentin, mathilde, archie])
        session.flush()
        for i, display in enumerate(["Zcond one", "Zcond two", "Zcond three", "Z4", "Z5"]):
            session.add(Condition(patient_id=zoe.id, code=f"ZC{i}", display=display))
        for i in range(10):
            session.add(Medication(patient_id=zoe.id, name=f"Zmed {i}"))
        for code in ("TESTCOND", "TESTCOND2"):
            session.add(Condition(patient_id=mathilde.id, code=code, display=code.title()))
        for i in range(5):
            session.add(Medication(patient_id=mathilde.id, name=f"Mmed {i}"))
        session.commit()
        return {
            "zoe": zoe.id,
            "quentin": quentin.id,
            "mathilde": mathilde.id,
            "archie": archie.id,
            "coordinator": coordinator.user_id,
        }


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    made = demo.create_demo_workspace(
        tmp_path_factory.mktemp("registry") / "ws", patients=300, seed=7, scrypt_n=TEST_SCRYPT_N
    )
    ws = made.workspace
    people = _add_people(ws)
    yield ws, _actor(ws, Role.RECEPTION), people
    ws.close()


@pytest.fixture
def small(tmp_path):
    made = demo.create_demo_workspace(
        tmp_path / "small", patients=20, seed=3, scrypt_n=TEST_SCRYPT_N
    )
    ws = made.workspace
    people = _add_people(ws)
    yield ws, _actor(ws, Role.RECEPTION), people
    ws.close()


def find(ws, actor, typed: str, **kw) -> list[int]:
    return query_ids(ws, actor, PatientFilter(text=typed, **kw))


def all_patients(ws) -> list[tuple]:
    with ws.session() as session:
        return session.execute(
            text(
                "SELECT id, given_name, family_name, preferred_name, archived FROM patient "
                "ORDER BY id"
            )
        ).all()


def name_words(given, family, preferred) -> list[str]:
    joined = f"{given} {family} {preferred or ''}"
    return registry.search_tokens(joined) + registry.search_tokens(joined.replace("'", ""))


# -- search ------------------------------------------------------------------------------------
@pytest.mark.parametrize("length", [2, 3])
def test_family_name_prefix_finds_exactly_the_matching_patients(register, length):
    ws, actor, _ = register
    rows = all_patients(ws)
    for family in sorted({r[2] for r in rows})[::15]:
        prefix = family[:length]
        token = registry.search_tokens(prefix)[0]
        expected = {
            pid
            for pid, given, fam, pref, archived in rows
            if not archived and any(w.startswith(token) for w in name_words(given, fam, pref))
        }
        assert set(find(ws, actor, prefix)) == expected, prefix


def test_given_name_and_two_tokens(register):
    ws, actor, p = register
    assert find(ws, actor, "Quent") == [p["quentin"]]
    assert find(ws, actor, "quin") == [p["quentin"]]  # preferred name
    assert find(ws, actor, "thistlewood quen") == [p["quentin"]]
    assert find(ws, actor, "Quen Thist") == [p["quentin"]]
    assert set(find(ws, actor, "thistle")) == {p["quentin"], p["mathilde"]}


@pytest.mark.parametrize("typed", ["07/03/1948", "7/3/1948", "1948-03-07", "07/03/19"])
def test_date_of_birth_in_both_formats(register, typed):
    ws, actor, p = register
    ids = find(ws, actor, typed)
    assert p["zoe"] in ids
    born = [r.date_of_birth for r in fetch_rows(ws, actor, ids).values()]
    if typed == "07/03/19":  # a partial year: everyone born on 7 March in the 1900s
        assert all((d.day, d.month) == (7, 3) and 1900 <= d.year < 2000 for d in born)
    else:
        assert all(d == date(1948, 3, 7) for d in born)


def test_practice_id_medicare_and_phone(register):
    ws, actor, p = register
    assert find(ws, actor, "P900001") == [p["zoe"]]
    assert find(ws, actor, "p9000") == [p["mathilde"], p["quentin"], p["zoe"]]
    for typed in ("2123456701", "2123 45670 1", "2123 4567"):
        assert find(ws, actor, typed) == [p["zoe"]], typed
    for typed in ("0412 345 678", "0412345678", "0412-345-678"):
        assert find(ws, actor, typed) == [p["zoe"]], typed


@pytest.mark.parametrize("typed", ["zoe", "ZOË", "Zoe Wex", "wexlerby, zoë"])
def test_accents_and_case_are_folded(register, typed):
    ws, actor, p = register
    assert p["zoe"] in find(ws, actor, typed)


@pytest.mark.parametrize(
    "typed", ["Wexlerbi", "Wexelrby", "Wxlerby", "Thistlewod", "quin thistlwood"]
)
def test_a_one_letter_typo_still_finds_candidates(register, typed):
    ws, actor, p = register
    ids = find(ws, actor, typed)
    assert ids
    assert ids[0] in (p["zoe"], p["quentin"], p["mathilde"])


def test_nonsense_finds_nothing(register):
    ws, actor, _ = register
    assert find(ws, actor, "qqqqxx") == []
    assert find(ws, actor, "'\"*() AND OR NEAR") is not None  # FTS syntax is never passed on


# -- filters -----------------------------------------------------------------------------------
def test_filters_combine_with_search(register):
    ws, actor, p = register
    assert find(ws, actor, "thistle", condition_code="TESTCOND") == [p["mathilde"]]
    assert find(ws, actor, "wex", risk_tier="high") == [p["zoe"]]
    assert find(ws, actor, "wex", risk_tier="low") == []
    assert find(ws, actor, "thistle", risk_tier="medium") == [p["mathilde"]]
    assert find(ws, actor, "thistle", risk_tier="low") == [p["quentin"]]
    assert find(ws, actor, "wex", coordinator_id=p["coordinator"]) == [p["zoe"]]
    assert find(ws, actor, "wex", no_coordinator=True) == []
    assert p["archie"] not in find(ws, actor, "thistle")
    assert p["archie"] in find(ws, actor, "thistle", include_archived=True)


def test_filters_without_search_match_the_rows(register):
    ws, actor, p = register
    high = query_ids(ws, actor, PatientFilter(risk_tier="high"))
    assert p["zoe"] in high
    for start in range(0, len(high), 500):
        rows = fetch_rows(ws, actor, high[start : start + 500])
        assert {r.risk_tier for r in rows.values()} == {"high"}
    mine = query_ids(ws, actor, PatientFilter(coordinator_id=p["coordinator"]))
    none = query_ids(ws, actor, PatientFilter(no_coordinator=True))
    assert set(mine).isdisjoint(none)
    assert registry.count_all(ws, actor) == len(query_ids(ws, actor, PatientFilter()))


# -- sorting -----------------------------------------------------------------------------------
def _sort_value(key: str, row):
    if key == "name":
        return row.display_name.split(",")[0].lower()
    if key == "dob":
        return row.date_of_birth
    if key == "practice_id":
        return row.practice_id
    if key == "conditions":
        return row.condition_count
    if key == "risk":
        return {"low": 1, "medium": 2, "high": 3}[row.risk_tier], row.risk_score
    if key == "attention":  # highest score, then latest discharge (none last)
        discharged = row.last_discharge.toordinal() if row.last_discharge else 0
        return -row.risk_score, row.last_discharge is None, -discharged
    return (row.coordinator_name is None, (row.coordinator_name or "").lower())


@pytest.mark.parametrize("key", registry.SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_each_key(register, key, descending):
    ws, actor, _ = register
    ids = query_ids(ws, actor, PatientFilter(), sort=key, descending=descending)
    rows = {}
    for start in range(0, len(ids), 500):
        rows |= fetch_rows(ws, actor, ids[start : start + 500])
    values = [_sort_value(key, rows[i]) for i in ids]
    assert values == sorted(values, reverse=descending)
    assert len(set(ids)) == len(ids) == registry.count_all(ws, actor)


# -- rows and risk -----------------------------------------------------------------------------
def test_fetch_rows_returns_the_list_columns(register):
    ws, actor, p = register
    rows = fetch_rows(ws, actor, [p["zoe"], p["quentin"], 10**9])
    assert set(rows) == {p["zoe"], p["quentin"]}
    zoe, quentin = rows[p["zoe"]], rows[p["quentin"]]
    assert zoe.display_name == "WEXLERBY, Zoë"
    assert quentin.display_name == "THISTLEWOOD, Quentin (Quin)"
    assert zoe.practice_id == "P900001" and zoe.medicare_number == "2123456701"
    assert zoe.date_of_birth == date(1948, 3, 7) and zoe.age >= 78
    assert zoe.conditions_summary == "Zcond one, Zcond two +3"
    assert (zoe.condition_count, zoe.medication_count) == (5, 10)
    assert zoe.risk_tier == "high" and quentin.risk_tier == "low"
    assert zoe.coordinator_name and quentin.coordinator_name is None
    assert quentin.conditions_summary == "" and quentin.condition_count == 0


def test_risk_reasons_are_plain_and_say_when_no_hospital_events_are_recorded(register):
    ws, actor, p = register
    tier, reasons = registry.risk_reasons(ws, actor, p["zoe"])
    assert tier == "high"
    text_ = " | ".join(reasons)
    for part in ("5 active chronic conditions", "10 active medicines", "lives alone", "aged "):
        assert part in text_
    assert registry.NO_HOSPITAL_DATA in reasons
    tier, reasons = registry.risk_reasons(ws, actor, p["quentin"])
    assert tier == "low" and registry.NO_HOSPITAL_DATA in reasons


def test_options_for_the_filter_menus(register):
    ws, actor, p = register
    conditions = registry.condition_options(ws, actor)
    counts = [n for _, _, n in conditions]
    assert counts == sorted(counts, reverse=True)
    assert ("TESTCOND", "Testcond", 1) in conditions
    coordinators = registry.coordinator_options(ws, actor)
    assert p["coordinator"] in {uid for uid, _ in coordinators}


# -- triggers and rebuild ----------------------------------------------------------------------
def test_triggers_follow_orm_edits(small):
    ws, actor, p = small
    with ws.session() as session:
        zoe = session.get(Patient, p["zoe"])
        zoe.family_name = "Vandermeer"
        session.add(zoe)
        session.commit()
    assert find(ws, actor, "vanderm") == [p["zoe"]]
    assert find(ws, actor, "wexlerby") == []
    assert fetch_rows(ws, actor, [p["zoe"]])[p["zoe"]].display_name == "VANDERMEER, Zoë"

    with ws.session() as session:
        first = session.exec(select(Condition).where(Condition.patient_id == p["zoe"])).first()
        session.delete(first)
        session.commit()
    row = fetch_rows(ws, actor, [p["zoe"]])[p["zoe"]]
    assert row.condition_count == 4
    assert row.conditions_summary == "Zcond two, Zcond three +2"

    with ws.session() as session:
        mathilde = session.get(Patient, p["mathilde"])
        mathilde.archived = True
        mathilde.coordinator_id = p["coordinator"]
        session.add(mathilde)
        session.commit()
    assert find(ws, actor, "thistle") == [p["quentin"]]
    assert p["mathilde"] in find(ws, actor, "thistle", include_archived=True)
    assert p["mathilde"] in query_ids(
        ws, actor, PatientFilter(coordinator_id=p["coordinator"], include_archived=True)
    )

    with ws.session() as session:
        session.delete(session.get(Patient, p["quentin"]))
        session.commit()
    assert find(ws, actor, "quentin") == []
    assert fetch_rows(ws, actor, [p["quentin"]]) == {}


def _index_snapshot(ws):
    with ws.session() as session:
        fts = session.execute(
            text("SELECT rowid, names, idents, dob FROM patient_fts ORDER BY rowid")
        ).all()
        tri = session.execute(text("SELECT rowid, names FROM patient_trigram ORDER BY rowid")).all()
        stats = session.execute(text("SELECT * FROM patient_stats ORDER BY patient_id")).all()
    return fts, tri, stats


def test_rebuild_reproduces_what_the_triggers_built(small):
    ws, actor, _ = small
    before = _index_snapshot(ws)
    queries = ["thistle", "wex", "p9000", "07/03/1948", "0412 345", "wexlerbi"]
    results = [find(ws, actor, q) for q in queries]
    assert registry.rebuild_search_index(ws) == len(all_patients(ws))
    assert _index_snapshot(ws) == before
    assert [find(ws, actor, q) for q in queries] == results


def test_migrating_an_existing_workspace_backfills_the_index(small):
    ws, actor, p = small
    with ws.session() as session:  # going back to 0002 drops these tables and what they hold
        session.execute(text("DELETE FROM hospital_event"))
        session.execute(text("DELETE FROM patient_contact"))
        session.commit()
    before = _index_snapshot(ws)
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0002")
    migrate.upgrade(ws.engine)
    assert _index_snapshot(ws) == before
    assert find(ws, actor, "wexlerby") == [p["zoe"]]


# -- permissions and audit ---------------------------------------------------------------------
def _audit_rows(ws):
    with ws.session() as session:
        return session.execute(
            text("SELECT action, record_type, detail FROM audit_event ORDER BY id")
        ).all()


def test_one_audit_event_per_query_without_the_typed_text(register):
    ws, actor, _ = register
    before = len(_audit_rows(ws))
    ids = find(ws, actor, "Wexlerby", condition_code="ZC1")
    fetch_rows(ws, actor, ids)
    registry.count_all(ws, actor)
    rows = _audit_rows(ws)
    assert len(rows) == before + 1
    action, record_type, detail = rows[-1]
    assert (action, record_type) == ("view", "patient_list")
    assert "search (8 chars" in detail and "condition filter" in detail
    assert "wexl" not in detail.lower()


def test_reception_may_view_and_a_role_without_the_permission_may_not(register, monkeypatch):
    ws, actor, p = register
    assert actor.role is Role.RECEPTION and find(ws, actor, "wex") == [p["zoe"]]
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.RECEPTION, frozenset())
    calls = [
        lambda: find(ws, actor, "wex"),
        lambda: fetch_rows(ws, actor, [p["zoe"]]),
        lambda: registry.count_all(ws, actor),
        lambda: registry.condition_options(ws, actor),
        lambda: registry.coordinator_options(ws, actor),
        lambda: registry.risk_reasons(ws, actor, p["zoe"]),
    ]
    for call in calls:
        with pytest.raises(PermissionDeniedError) as info:
            call()
        assert "Wexlerby" not in str(info.value)


def test_search_tokens():
    assert registry.search_tokens("Zoë O'Brien") == ["zoe", "o", "brien"]
    assert registry.search_tokens("1/2/1950 1950-02-01") == ["01021950", "19500201"]
    assert registry.search_tokens("0412 345 678 smith") == ["0412345678", "smith"]
    assert registry.search_tokens("P000123") == ["p000123"]


# -- hospital events, carers, recently discharged, needs attention ------------------------------
def _days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def _add_events(ws, patient_id: int, *events: tuple[HospitalEventKind, int, int | None]) -> None:
    """(kind, started days ago, discharged days ago or None), written through the ORM."""
    with ws.session() as session:
        for kind, started, ended in events:
            session.add(
                HospitalEvent(
                    patient_id=patient_id,
                    kind=kind,
                    start_date=_days_ago(started),
                    end_date=None if ended is None else _days_ago(ended),
                )
            )
        session.commit()


def _score(ws, actor, pid: int) -> tuple[str, int]:
    row = fetch_rows(ws, actor, [pid])[pid]
    return row.risk_tier, row.risk_score


ADMISSION, ED = HospitalEventKind.ADMISSION, HospitalEventKind.ED_VISIT


def test_admissions_and_ed_visits_in_the_last_12_months_raise_the_risk(small):
    ws, actor, p = small
    quentin = p["quentin"]  # 36, nothing recorded: score 0
    assert _score(ws, actor, quentin) == ("low", 0)
    _add_events(ws, quentin, (ADMISSION, 800, 790), (ED, 500, 500))  # both over 12 months ago
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    assert tier == "low" and registry.NO_HOSPITAL_DATA not in reasons
    assert any(r.startswith("no admissions or ED visits in the last 12 months") for r in reasons)

    _add_events(ws, quentin, (ADMISSION, 100, 95), (ADMISSION, 40, 33), (ED, 10, 10))
    assert _score(ws, actor, quentin) == ("high", 5)  # 2 x 2 admissions + 1 ED visit
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    discharged = _days_ago(33).strftime("%d/%m/%Y")
    assert tier == "high"
    assert f"2 admissions and 1 ED visit in the last 12 months (last discharge {discharged})" in (
        reasons
    )
    assert quentin in query_ids(ws, actor, PatientFilter(risk_tier="high"))

    # A third admission is named but not counted (the rule counts two of each).
    _add_events(ws, quentin, (ADMISSION, 5, None), (ED, 3, 3), (ED, 2, 2))
    assert _score(ws, actor, quentin) == ("high", 6)
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    assert any(
        r.startswith("3 admissions and 3 ED visits in the last 12 months (2 of each counted)")
        for r in reasons
    )

    # Edits and deletes keep the counters in step (the triggers of migration 0005).
    with ws.session() as session:
        for event in session.exec(select(HospitalEvent).where(HospitalEvent.patient_id == quentin)):
            if event.start_date >= _days_ago(365):
                event.start_date = _days_ago(400)
                session.add(event)
        session.commit()
    assert _score(ws, actor, quentin) == ("low", 0)
    with ws.session() as session:
        for event in session.exec(select(HospitalEvent).where(HospitalEvent.patient_id == quentin)):
            session.delete(event)
        session.commit()
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    assert tier == "low" and registry.NO_HOSPITAL_DATA in reasons


def test_no_carer_counts_from_75_and_once_with_living_alone(small):
    ws, actor, p = small
    with ws.session() as session:
        elsie = Patient(
            practice_id="P900010",
            given_name="Elsie",
            family_name="Quarrington",
            date_of_birth=date(1940, 6, 1),
        )
        session.add(elsie)
        session.commit()
        elsie_id = elsie.id
    # 75+ (1) and no carer (1): score 2.
    assert _score(ws, actor, elsie_id) == ("low", 2)
    assert "no carer recorded" in registry.risk_reasons(ws, actor, elsie_id)[1]
    with ws.session() as session:
        session.add(PatientContact(patient_id=elsie_id, name="Ann Q", is_next_of_kin=True))
        session.commit()
    assert _score(ws, actor, elsie_id) == ("low", 2)  # next of kin is not a carer
    with ws.session() as session:
        contact = session.exec(
            select(PatientContact).where(PatientContact.patient_id == elsie_id)
        ).one()
        contact.is_carer = True
        session.add(contact)
        session.commit()
    assert _score(ws, actor, elsie_id) == ("low", 1)
    assert "no carer recorded" not in registry.risk_reasons(ws, actor, elsie_id)[1]

    # Zoë (75+) lives alone with no carer: one point, both named.
    _, reasons = registry.risk_reasons(ws, actor, p["zoe"])
    assert "lives alone" in reasons
    assert "no carer recorded (counted once with living alone)" in reasons
    assert _score(ws, actor, p["zoe"]) == ("high", 4 + 3 + 1 + 1)

    # Under 75, no carer is not a risk factor.
    assert not any("carer" in r for r in registry.risk_reasons(ws, actor, p["mathilde"])[1][:-1])


def test_recently_discharged_filter(small):
    ws, actor, p = small
    before = set(query_ids(ws, actor, PatientFilter(recently_discharged_days=30)))
    _add_events(ws, p["quentin"], (ADMISSION, 10, 5))
    _add_events(ws, p["mathilde"], (ADMISSION, 25, 20), (ED, 1, 1))  # ED visits are not discharges
    _add_events(ws, p["zoe"], (ADMISSION, 60, 50), (ADMISSION, 3, None))  # still in hospital
    week = set(query_ids(ws, actor, PatientFilter(recently_discharged_days=7)))
    month = set(query_ids(ws, actor, PatientFilter(recently_discharged_days=30)))
    assert p["quentin"] in week and p["mathilde"] not in week
    assert month - before == {p["quentin"], p["mathilde"]}
    assert p["zoe"] not in month
    rows = fetch_rows(ws, actor, sorted(month))
    assert all(r.last_discharge >= _days_ago(30) for r in rows.values())
    assert fetch_rows(ws, actor, [p["quentin"]])[p["quentin"]].last_discharge == _days_ago(5)
    assert query_ids(ws, actor, PatientFilter(text="thistlewood", recently_discharged_days=14)) == [
        p["quentin"]
    ]
    for bad in (0, -3, 10_000):
        with pytest.raises(ValidationError):
            query_ids(ws, actor, PatientFilter(recently_discharged_days=bad))
    query_ids(ws, actor, PatientFilter(recently_discharged_days=7))
    assert "discharged in the last 7 days" in _audit_rows(ws)[-1][2]


def test_needs_attention_orders_by_score_then_latest_discharge(small):
    ws, actor, p = small
    # Equal scores for Quentin and Mathilde: the one discharged (most recently) comes first.
    _add_events(ws, p["quentin"], (ADMISSION, 30, 25), (ADMISSION, 20, 12))  # score 4
    with ws.session() as session:
        for med in session.exec(select(Medication).where(Medication.patient_id == p["mathilde"])):
            session.delete(med)  # 2 conditions, no medicines: score 2
        session.commit()
    _add_events(ws, p["mathilde"], (ED, 9, 9), (ED, 8, 8))  # score 4, no discharge
    assert _score(ws, actor, p["quentin"])[1] == _score(ws, actor, p["mathilde"])[1] == 4
    ids = query_ids(ws, actor, PatientFilter(), sort="attention")
    assert ids.index(p["quentin"]) < ids.index(p["mathilde"])
    assert ids[0] == p["zoe"] or _score(ws, actor, ids[0])[1] >= _score(ws, actor, p["zoe"])[1]
    scores = [r.risk_score for r in (fetch_rows(ws, actor, ids)[i] for i in ids)]
    assert scores == sorted(scores, reverse=True)
    backwards = query_ids(ws, actor, PatientFilter(), sort="attention", descending=True)
    assert backwards.index(p["mathilde"]) < backwards.index(p["quentin"])
    rows = fetch_rows(ws, actor, backwards)
    assert [rows[i].risk_score for i in backwards] == sorted(scores)


def test_the_condition_filter_and_menu_read_the_covering_index(register):
    ws, _actor, _ = register
    with ws.raw_connection() as conn:
        plan = " ".join(
            str(row)
            for row in conn.execute("EXPLAIN QUERY PLAN " + registry._CONDITION_OPTIONS_SQL)
        )
        assert "ix_condition_code_status_chronic" in plan
        plan = " ".join(
            str(row)
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT patient_id FROM condition WHERE code = 'X' "
                "AND status = 'active' AND chronic = 1"
            )
        )
        assert "COVERING INDEX ix_condition_code_status_chronic" in plan


def test_rebuild_and_migration_reproduce_the_hospital_and_carer_columns(small):
    ws, _actor, p = small
    _add_events(ws, p["quentin"], (ADMISSION, 30, 25), (ED, 3, 3))
    with ws.session() as session:
        session.add(PatientContact(patient_id=p["zoe"], name="C", is_carer=True))
        session.commit()
    before = _index_snapshot(ws)[2]
    with ws.session() as session:
        filled = session.execute(
            text("SELECT count(*) FROM patient_stats WHERE admission_1 != '' OR has_carer")
        ).scalar_one()
    assert filled >= 2
    registry.rebuild_search_index(ws)
    assert _index_snapshot(ws)[2] == before
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0004")
    migrate.upgrade(ws.engine)
    assert _index_snapshot(ws)[2] == before


def test_limit_returns_the_first_ids_of_the_same_order(register):
    ws, actor, _ = register
    for sort in ("name", "dob", "attention"):
        everyone = registry.query_ids(ws, actor, PatientFilter(), sort=sort, descending=True)
        first = registry.query_ids(ws, actor, PatientFilter(), sort=sort, descending=True, limit=25)
        assert first == everyone[:25]
