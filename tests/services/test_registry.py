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
from carecoord_desktop.services import demo, permissions
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter, fetch_rows, query_ids
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
        ada = Patient(
            practice_id="P900005",
            given_name="Adaline",
            family_name="Smith",
            date_of_birth=date(1971, 8, 9),
        )
        eleni = Patient(
            practice_id="P900006",
            given_name="Eleni",
            family_name="Papadopoulos",
            date_of_birth=date(1958, 4, 1),
        )
        session.add_all([zoe, quentin, mathilde, archie, ada, eleni])
        session.flush()
        for i, display in enumerate(["Zcond one", "Zcond two", "Zcond three", "Z4", "Z5"]):
            session.add(Condition(patient_id=zoe.id, code=f"ZC{i}", display=display))
        for i in range(10):
            session.add(Medication(patient_id=zoe.id, name=f"Zmed {i}"))
        for code in ("TESTCOND", "TESTCOND2"):
            session.add(Condition(patient_id=mathilde.id, code=code, display=code.title()))
        # Heart failure weighs 1 in the Charlson index; with 3 conditions and 5 medicines: 4.
        session.add(Condition(patient_id=mathilde.id, code="84114007", display="Heart failure"))
        for i in range(5):
            session.add(Medication(patient_id=mathilde.id, name=f"Mmed {i}"))
        session.commit()
        return {
            "zoe": zoe.id,
            "quentin": quentin.id,
            "mathilde": mathilde.id,
            "archie": archie.id,
            "ada": ada.id,
            "eleni": eleni.id,
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
    assert find(ws, actor, "p9000") == [
        p["eleni"],
        p["ada"],
        p["mathilde"],
        p["quentin"],
        p["zoe"],
    ]
    for typed in ("2123456701", "2123 45670 1", "2123 4567"):
        assert find(ws, actor, typed) == [p["zoe"]], typed
    for typed in ("0412 345 678", "0412345678", "0412-345-678"):
        assert find(ws, actor, typed) == [p["zoe"]], typed


@pytest.mark.parametrize("typed", ["zoe", "ZOË", "Zoe Wex", "wexlerby, zoë"])
def test_accents_and_case_are_folded(register, typed):
    ws, actor, p = register
    assert p["zoe"] in find(ws, actor, typed)


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Wexlerbi", {"zoe"}),  # a wrong letter
        ("Wexelrby", {"zoe"}),  # two letters swapped
        ("Wxlerby", {"zoe"}),  # a missing letter
        ("Wexxlerby", {"zoe"}),  # an extra letter
        ("Thistlewod", {"quentin", "mathilde"}),  # archived Archibald is not listed
        ("quin thistlwood", {"quentin"}),
        ("mathlide thistlewood", {"mathilde"}),
        ("smyth adaline", {"ada"}),  # sounds the same
        ("papadopolous eleni", {"eleni"}),  # two edits in a long name
        ("tistlewod", {"quentin", "mathilde"}),  # two edits, and it does not sound the same
        ("papadopol eleni", {"eleni"}),  # a misspelt start of a name
        ("Adaleen Smiht", {"ada"}),  # both words misspelt
    ],
)
def test_a_misspelt_name_finds_exactly_the_patients_meant(register, typed, who):
    ws, actor, p = register
    found = registry.query(ws, actor, PatientFilter(text=typed))
    assert set(found.ids) == {p[name] for name in who}
    assert found.spelled_like, "said to be found by similar spelling"


def test_smyth_finds_the_smiths_and_only_names_spelt_like_it(register):
    ws, actor, p = register
    found = registry.query(ws, actor, PatientFilter(text="smyth"))
    assert p["ada"] in found.ids
    assert "smith" in found.spelled_like["smyth"]
    smiths = set(find(ws, actor, "smith"))
    assert smiths <= set(found.ids)
    for row in fetch_rows(ws, actor, found.ids).values():
        words = registry.search_tokens(row.display_name)
        assert any(w in found.spelled_like["smyth"] for w in words), row.display_name
    # A name spelt as typed is found as typed, not as its neighbours.
    assert registry.query(ws, actor, PatientFilter(text="smith")).spelled_like == {}


def test_papadopolous_finds_papadopoulos(register):
    ws, actor, p = register
    found = registry.query(ws, actor, PatientFilter(text="papadopolous"))
    assert p["eleni"] in found.ids
    assert set(found.ids) == set(find(ws, actor, "papadopoulos"))


def test_similar_words_ranks_the_closest_first():
    from carecoord_desktop.services.patients.search import similar_words

    vocabulary = [("smith", 40), ("smithson", 3), ("smythe", 2), ("schmidt", 5), ("jones", 60)]
    assert similar_words("smyth", vocabulary)[:2] == ["smythe", "smith"]  # 0 then 1 edit
    assert "jones" not in similar_words("smyth", vocabulary)
    assert similar_words("filips", [("phillips", 4), ("philip", 9)]) == ["phillips"]
    assert similar_words("qqqq", vocabulary) == []


@pytest.mark.parametrize(
    "typed",
    [
        "qqqqxx",
        "a" * 600,  # the old typo fallback made one UNION arm per trigram: too many terms
        "wex" * 2000,
        "'\"*() AND OR NEAR",
        'wex" OR "thistle',
        "NEAR(wex thistle)",
        "wex*",
        "-wex",
        "names: wex",
        "wex^",
        "\x00\x07\x08\x1b[31m\r\n\t",
        "😀🏥 👩‍⚕️",
        "\ud800wex",  # a lone surrogate cannot be encoded for SQLite: never passed on
        "١٢٣٤ ²",
        " ".join(["abcd"] * 200),
        " ".join(f"w{i}x" * 5 for i in range(50)),
        "/" * 300 + "-" * 300,
        "31/02/1950",
        "9" * 5000,
    ],
)
def test_hostile_search_input_never_raises(register, typed):
    ws, actor, p = register
    ids = find(ws, actor, typed)
    assert isinstance(ids, list)
    if not any(ch.isalnum() for ch in typed):
        assert ids == find(ws, actor, "")  # nothing searchable: the whole register
    elif "wex" not in typed.lower() or "wex" * 2 in typed:
        assert ids == []
    else:  # FTS5 syntax is taken as words: "wex" and "thistle" both required, never OR
        assert set(ids) <= {p["zoe"]}


def test_the_spelling_fallback_compares_few_words_whatever_is_typed(register, monkeypatch):
    from carecoord_desktop.services.patients import search as patient_search

    compared = []
    real = patient_search.similar_words
    monkeypatch.setattr(
        patient_search,
        "similar_words",
        lambda typed, vocab: compared.append(typed) or real(typed, vocab),
    )
    ws, actor, _ = register
    find(ws, actor, " ".join(f"zqx{chr(97 + i)}zq" for i in range(20)) + " " + "b" * 500)
    assert 0 < len(compared) <= patient_search.MAX_SPELLING_WORDS
    assert all(len(w) <= patient_search.MAX_WORD for w in compared)


# -- filters -----------------------------------------------------------------------------------
def test_filters_combine_with_search(register):
    ws, actor, p = register
    assert find(ws, actor, "thistle", condition_code="TESTCOND") == [p["mathilde"]]
    assert find(ws, actor, "wex", risk_tier="high") == [p["zoe"]]
    assert find(ws, actor, "wex", risk_tier="low") == []
    assert find(ws, actor, "thistle", risk_tier="medium") == [p["mathilde"]]  # score 4
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
    if key == "next_review":  # the open plan's next review, patients without one last
        return row.next_review is None, row.next_review or date.min
    if key == "open_tasks":
        return row.open_tasks
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


def test_risk_reasons_are_short_and_say_when_no_hospital_events_are_recorded(register):
    ws, actor, p = register
    explained = registry.risk_explanation(ws, actor, p["zoe"])
    # 5 conditions outside the Charlson index (0) + 3 or more conditions (1) + 10 medicines (3)
    # + lives alone with no carer at 75+ (1) + aged 75+ (1).
    assert (explained.tier, explained.score) == ("high", 6)
    assert [(f.label, f.points) for f in explained.factors] == [
        ("5 active chronic conditions", 1),
        ("10 active medicines", 3),
        ("Lives alone, no carer recorded", 1),
        (f"Aged {fetch_rows(ws, actor, [p['zoe']])[p['zoe']].age}", 1),
    ]
    assert "Zcond one, Zcond two, Zcond three, Z4, Z5 are not in the Charlson index" in (
        explained.not_counted
    )
    assert registry.NO_HOSPITAL_DATA in explained.not_counted
    tier, reasons = registry.risk_reasons(ws, actor, p["zoe"])
    assert tier == "high" and "10 active medicines: +3" in reasons
    assert all(len(r) < 90 for r in reasons), "short reasons, not the formula"
    assert not any("score =" in r for r in reasons)
    tier, reasons = registry.risk_reasons(ws, actor, p["quentin"])
    assert tier == "low" and registry.NO_HOSPITAL_DATA in reasons


def test_how_the_score_is_computed_cites_the_charlson_index():
    assert "Charlson" in registry.RISK_RULE and "1987" in registry.RISK_RULE
    assert any(line.startswith("Tier: High at 5") for line in registry.RISK_RULE_LINES)


def _patient(ws, given: str, born: date, conditions=(), meds: int = 0, **kw) -> int:
    """A patient with (code or None, name[, status]) conditions and `meds` active medicines."""
    with ws.session() as session:
        patient = Patient(
            practice_id=f"P8{abs(hash(given)) % 10**5:05d}",
            given_name=given,
            family_name="Ravensworth",
            date_of_birth=born,
            **kw,
        )
        session.add(patient)
        session.flush()
        for code, display, *status in conditions:
            session.add(
                Condition(
                    patient_id=patient.id,
                    code=code,
                    code_system=None if code is None else demo.SNOMED,
                    display=display,
                    status=status[0] if status else "active",
                )
            )
        for i in range(meds):
            session.add(Medication(patient_id=patient.id, name=f"Med {i}"))
        session.commit()
        return patient.id


HF = ("84114007", "Heart failure")
CKD = ("709044004", "Chronic kidney disease")
T2DM = ("44054006", "Type 2 diabetes mellitus")
HTN = ("59621000", "Essential hypertension")


def test_heart_failure_under_75_is_weighed_by_charlson_and_low_says_why(small):
    ws, actor, _ = small
    sixty = date.today().replace(year=date.today().year - 60, day=1)
    # Heart failure (Charlson 1) and 2 medicines, 60 years old: low, and says what is missing.
    alone = _patient(ws, "Harriet", sixty, [HF], meds=2)
    explained = registry.risk_explanation(ws, actor, alone)
    assert (explained.tier, explained.score) == ("low", 1)
    assert [(f.label, f.points) for f in explained.factors] == [("Heart failure (Charlson)", 1)]
    assert explained.not_counted == [
        "Fewer than 5 active medicines (2)",
        registry.NO_HOSPITAL_DATA,
        "Under 75 (60)",
    ]
    assert explained.summary == "Score 1 (Medium from 3)"
    # With the 5 medicines heart failure usually takes: medium (1 + 2).
    treated = _patient(ws, "Hester", sixty, [HF], meds=5)
    assert _score(ws, actor, treated) == ("medium", 3)
    # Heart failure, kidney disease (2) and diabetes (1): 4 Charlson points, 3 conditions (1),
    # 5 medicines (2): high.
    several = _patient(ws, "Hilda", sixty, [HF, CKD, T2DM, HTN], meds=5)
    assert _score(ws, actor, several) == ("high", 1 + 2 + 1 + 1 + 2)
    labels = [f.label for f in registry.risk_explanation(ws, actor, several).factors]
    assert labels[:3] == [
        "Heart failure (Charlson)",
        "Chronic kidney disease (Charlson: renal disease)",
        "Type 2 diabetes mellitus (Charlson)",
    ]
    assert "Essential hypertension is not in the Charlson index" in (
        registry.risk_explanation(ws, actor, several).not_counted
    )
    # A 60-year-old with hypertension only and 2 medicines: nothing counts.
    assert _score(ws, actor, _patient(ws, "Hazel", sixty, [HTN], meds=2)) == ("low", 0)


def test_charlson_categories_count_once_at_their_highest_weight(small):
    ws, actor, _ = small
    fifty = date.today().replace(year=date.today().year - 50, day=1)
    # COPD and asthma are both chronic pulmonary disease: 1, not 2.
    lungs = _patient(ws, "Iris", fifty, [("13645005", "COPD"), ("195967001", "Asthma")])
    assert _score(ws, actor, lungs) == ("low", 1)
    # A metastatic tumour (6) supersedes any tumour (2): high on its own.
    cancer = _patient(
        ws, "Ivy", fifty, [("363346000", "Malignant neoplasm"), ("128462008", "Metastases")]
    )
    assert _score(ws, actor, cancer) == ("high", 6)
    # Conditions recorded without a code count by their name; resolved ones do not count.
    named = _patient(
        ws,
        "Ines",
        fifty,
        [(None, "Congestive cardiac failure"), (None, " Dementia "), ("52448006", "x", "resolved")],
    )
    assert _score(ws, actor, named) == ("low", 2)
    # Points are capped at 6: metastases (6) + kidney disease (2) + dementia (1) = 9 -> 6.
    capped = _patient(
        ws, "Isla", fifty, [("128462008", "Metastases"), CKD, ("52448006", "Dementia")]
    )
    assert _score(ws, actor, capped) == ("high", 6 + 1)
    assert "Condition points counted up to 6 (of 9)" in (
        registry.risk_explanation(ws, actor, capped).not_counted
    )
    # Editing and deleting conditions keeps the points in step (migration 0007's triggers).
    with ws.session() as session:
        for condition in session.exec(select(Condition).where(Condition.patient_id == capped)):
            if condition.code == "128462008":
                condition.status = "resolved"
                session.add(condition)
        session.commit()
    assert _score(ws, actor, capped) == ("medium", 2 + 1)  # 2 conditions left: no +1
    with ws.session() as session:
        for condition in session.exec(select(Condition).where(Condition.patient_id == capped)):
            session.delete(condition)
        session.commit()
    assert _score(ws, actor, capped) == ("low", 0)


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
        vocab = session.execute(
            text("SELECT term, doc FROM patient_name_vocab ORDER BY term")
        ).all()
    return fts, tri, stats, vocab


def test_rebuild_reproduces_what_the_triggers_built(small):
    ws, actor, _ = small
    before = _index_snapshot(ws)
    queries = ["thistle", "wex", "p9000", "07/03/1948", "0412 345", "wexlerbi", "smyth", "filips"]
    results = [find(ws, actor, q) for q in queries]
    assert ("wexlerby", 1) in before[3] and any(row[-1] for row in before[2])
    with ws.session() as session:  # a damaged index: the rebuild must make it all again
        session.execute(
            text("INSERT INTO patient_name_words (patient_name_words) VALUES ('delete-all')")
        )
        session.execute(text("UPDATE patient_stats SET comorbidity_points = 0"))
        session.commit()
    assert find(ws, actor, "smyth") == []
    assert registry.rebuild_search_index(ws) == len(all_patients(ws))
    assert _index_snapshot(ws) == before
    assert [find(ws, actor, q) for q in queries] == results


def test_migrating_an_existing_workspace_backfills_the_index(small):
    ws, actor, p = small
    with ws.session() as session:  # going back to 0002 drops these tables and what they hold
        session.execute(text("DELETE FROM transition_contact"))  # the demo's discharges (0011)
        session.execute(text("DELETE FROM care_transition"))
        for table in ("med_rec_item", "med_rec_line", "med_rec_source", "medication_change",
                      "med_reconciliation"):  # the demo's reconciliations point at its stays
            session.execute(text(f"DELETE FROM {table}"))
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
    assert any(r.startswith("No admissions or ED visits in the last 12 months") for r in reasons)

    _add_events(ws, quentin, (ADMISSION, 100, 95), (ADMISSION, 40, 33), (ED, 10, 10))
    assert _score(ws, actor, quentin) == ("high", 5)  # 2 x 2 admissions + 1 ED visit
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    discharged = _days_ago(33).strftime("%d/%m/%Y")
    assert tier == "high"
    assert f"2 admissions in the last 12 months (last discharge {discharged}): +4" in reasons
    assert "1 ED visit in the last 12 months: +1" in reasons
    assert quentin in query_ids(ws, actor, PatientFilter(risk_tier="high"))

    # A third admission is named but not counted (the rule counts two of each).
    _add_events(ws, quentin, (ADMISSION, 5, None), (ED, 3, 3), (ED, 2, 2))
    assert _score(ws, actor, quentin) == ("high", 6)
    tier, reasons = registry.risk_reasons(ws, actor, quentin)
    assert any(r.startswith("3 admissions in the last 12 months (2 counted)") for r in reasons)
    assert "3 ED visits in the last 12 months (2 counted): +2" in reasons

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
    assert "No carer recorded: +1" in registry.risk_reasons(ws, actor, elsie_id)[1]
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
    assert not any("carer" in r for r in registry.risk_reasons(ws, actor, elsie_id)[1])

    # Zoë (75+) lives alone with no carer: one point, both named.
    _, reasons = registry.risk_reasons(ws, actor, p["zoe"])
    assert "Lives alone, no carer recorded: +1" in reasons
    assert _score(ws, actor, p["zoe"]) == ("high", 1 + 3 + 1 + 1)

    # Under 75, no carer is not a risk factor.
    assert not any("carer" in r for r in registry.risk_reasons(ws, actor, p["mathilde"])[1])


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
            session.delete(med)  # heart failure (1) and 3 conditions (1), no medicines: score 2
        session.commit()
    _add_events(ws, p["mathilde"], (ED, 9, 9), (ED, 8, 8))  # score 4, no discharge
    assert _score(ws, actor, p["quentin"])[1] == _score(ws, actor, p["mathilde"])[1] == 4
    ids = query_ids(ws, actor, PatientFilter(), sort="attention")
    assert ids.index(p["quentin"]) < ids.index(p["mathilde"])
    top = max(_score(ws, actor, pid)[1] for pid in ids)
    assert _score(ws, actor, ids[0])[1] == top >= _score(ws, actor, p["zoe"])[1]
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
