"""The case-conference rule pack (MBS items 735-758): the shipped data file, and each element
met and not met, on plain records (check_record is pure) and on a conference run through the
services (check_conference)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carecoord_desktop.knowledge.careplans import resources_dir
from carecoord_desktop.knowledge.conferences import conference_pack
from carecoord_desktop.services.conferences import rules
from carecoord_desktop.services.conferences.types import (
    AgendaItemRow,
    ConferenceRecord,
    DecisionRow,
    ParticipantRow,
)

from .conftest import hold, share_summary

START = datetime(2026, 11, 2, 23, 0, tzinfo=UTC)
DAY = START.astimezone().date()


def person(n, kind, name, discipline, attendance="attended") -> ParticipantRow:
    return ParticipantRow(n, 1, kind, name, discipline, None, None, None, None, attendance, None)


TEAM = (
    person(1, "staff", "Dr Lee", "General practitioner"),
    person(2, "provider", "Priya Shah", "Pharmacist"),
    person(3, "provider", "Tom Reid", "Physiotherapist"),
    person(4, "patient", "Mary Nguyen", "Patient"),
)
ITEM = AgendaItemRow(1, 1, 0, "manual", None, "Sugars", None, "HbA1c up; review", True)
DECISION = DecisionRow(
    1, 1, 1, "note", "Agreed", None, None, "", None, None, None, None, None, "Nurse", START
)


def held(**kw) -> ConferenceRecord:
    """A conference that meets every element; `kw` takes one away."""
    values = dict(
        id=1, version=1, patient_id=1, patient_name="Mary Nguyen", practice_id="P000001",
        plan_id=None, title="Care conference", scheduled_at=START, planned_minutes=30,
        place="Room", video_link=None, organiser_id=None, organiser_name="", status="held",
        agreed=True, agreed_on=DAY - timedelta(days=3), agreed_how="verbal",
        agreement_note=None, started_at=START, ended_at=START + timedelta(minutes=25),
        patient_questions=None, summary_offered_on=DAY, cancel_reason=None,
        participants=TEAM, agenda=(ITEM,), decisions=(DECISION,),
    )  # fmt: skip
    values.update(kw)
    return ConferenceRecord(**values)


SHARES = [("Mary Nguyen", "by_hand"), ("Priya Shah", "fax"), ("tom reid", "secure_message")]


def element(check, key):
    return next(e for e in check.elements if e.key == key)


def test_the_pack_ships_as_data_with_its_sources_and_the_fixed_element_keys():
    path = resources_dir() / "conferences" / "packs" / "case_conference.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["jurisdiction"] == "Australia"
    assert [e["key"] for e in data["elements"]] == list(rules.ELEMENT_KEYS)
    assert all(e["name"] and e["why"] and e["check"]["kind"] for e in data["elements"])
    urls = [s["url"] for s in data["sources"]]
    assert any("health.gov.au/mbs" in u and "735" in u for u in urls)
    assert any("AN.0.49" in s["title"] for s in data["sources"])
    pack = conference_pack()
    assert pack.key == "case_conference" and len(pack.elements) == 6
    # The app bundle carries resources/ whole (build.spec), so the pack ships with it.
    spec = (Path(__file__).resolve().parents[3] / "build.spec").read_text(encoding="utf-8")
    assert '(str(root / "resources"), "resources")' in spec


def test_a_complete_conference_meets_every_element():
    check = rules.check_record(held(), SHARES)
    assert [e.key for e in check.elements] == list(rules.ELEMENT_KEYS)
    assert check.complete, [(e.key, e.detail) for e in check.missing]
    assert "Priya Shah (Pharmacist)" in element(check, "team").detail
    assert "25 minutes" in element(check, "times").detail


@pytest.mark.parametrize(
    ("key", "change", "shares", "says"),
    [
        ("team", {"participants": TEAM[1:]}, SHARES, "No GP"),
        ("team", {"participants": (TEAM[0], TEAM[1], TEAM[3])}, SHARES, "1 more provider"),
        ("team", {"participants": (TEAM[0], TEAM[1], replace(TEAM[2], discipline="pharmacist"),
                                   TEAM[3])}, SHARES, "another discipline"),
        ("team", {"participants": (TEAM[0], TEAM[1], replace(TEAM[2], attendance="declined"),
                                   TEAM[3])}, SHARES, "1 more provider"),
        ("team", {"participants": (TEAM[0], TEAM[1], person(5, "carer", "Kim", "Carer"),
                                   TEAM[3])}, SHARES, "carer does not count"),
        ("agreement", {"agreed": None}, SHARES, "Ask the patient"),
        ("agreement", {"agreed": False}, SHARES, "declined"),
        ("agreement", {"agreed_on": DAY + timedelta(days=1)}, SHARES, "after the conference"),
        ("times", {"started_at": None}, SHARES, "Start the meeting"),
        ("times", {"ended_at": None}, SHARES, "End the meeting"),
        ("times", {"ended_at": START + timedelta(minutes=14)}, SHARES, "under 15 minutes"),
        ("participants", {"participants": tuple(replace(p, attendance="invited") for p in TEAM)},
         SHARES, "Record who attended"),
        ("participants", {"participants": (*TEAM, person(6, "other", "Jo", " "))}, SHARES,
         "name and a discipline"),
        ("discussion", {"agenda": (replace(ITEM, minutes=None),)}, SHARES, "Write the minutes"),
        ("discussion", {"agenda": (ITEM, replace(ITEM, id=2, title="Feet", minutes=" "))},
         SHARES, "“Feet”"),
        ("discussion", {"decisions": ()}, SHARES, "Record the decisions"),
        ("summary_offered", {"summary_offered_on": None}, SHARES, "Offer the summary"),
        ("summary_offered", {}, SHARES[:2], "Tom Reid"),
    ],
)  # fmt: skip
def test_each_element_not_met_says_what_to_do(key, change, shares, says):
    check = rules.check_record(held(**change), shares)
    el = element(check, key)
    assert not el.met and says in el.detail
    assert not check.complete
    others = [e.key for e in check.missing if e.key != key]
    if key != "participants":  # marking nobody attended also empties the team
        assert others == [], others


def test_fifteen_minutes_is_enough_for_times():
    assert element(rules.check_record(held(ended_at=START + timedelta(minutes=15))), "times").met


def test_shares_may_be_sharing_record_rows():
    from carecoord_desktop.models.referral import DocumentShare

    rows = [DocumentShare(patient_id=1, document="conference summary", record_type="conference",
                          record_id=1, recipient=n, method=m, shared_by_name="x")
            for n, m in SHARES]  # fmt: skip
    assert element(rules.check_record(held(), rows), "summary_offered").met


def test_check_conference_reads_the_record_and_its_sharing_rows(ws, team, patient, conference):
    nurse = team["nurse"]
    check = rules.check_conference(ws, team["reception"], conference.id)
    assert {e.key for e in check.missing} == set(rules.ELEMENT_KEYS)
    rec = hold(ws, nurse, conference)
    check = rules.check_conference(ws, nurse, rec.id)
    assert [e.key for e in check.missing] == ["summary_offered"]
    share_summary(ws, nurse, rec, ["Mary Nguyen", "Priya Shah", "Tom Reid"])
    assert rules.check_conference(ws, nurse, rec.id).complete
