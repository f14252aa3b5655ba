"""The care conference pack PDF, read back as text: the conference's details and what is still
to do for the rule pack, who is invited, the agenda with room for notes, the record extract it
was built from, and on every page the practice, the patient and page x of y."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from carecoord_desktop.documents import conference_sample as sample
from carecoord_desktop.documents.conference_data import CheckLine, ConferencePackDocument
from carecoord_desktop.documents.conference_pack import SECTION_TITLES, render_conference_pack

from .pdf_text import pages

PACK_FILE = (
    Path(__file__).resolve().parents[2]
    / "resources"
    / "conferences"
    / "packs"
    / "case_conference.json"
)

# What the pack prepares for each element of the shipped case-conference rule pack. A pack that
# gains an element fails here until the pack shows what the team needs for it.
PREPARED_AS = {
    "team": ("Who is invited", "Discipline or role", "Reply"),
    "agreement": ("Patient's agreement",),
    "times": ("Date and time", "Planned length"),
    "participants": ("Who is invited", "Discipline or role"),
    "discussion": ("Agenda", "Notes", "Decisions to record"),
    "summary_offered": ("Contact",),
}


@pytest.fixture(scope="module")
def text() -> list[str]:
    return pages(render_conference_pack(sample.PACK))


@pytest.fixture(scope="module")
def whole(text) -> str:
    return " ".join(text)


def test_the_pack_prepares_each_element_of_the_shipped_rule_pack(whole):
    pack = json.loads(PACK_FILE.read_text(encoding="utf-8"))
    keys = [e["key"] for e in pack["elements"]]
    assert sorted(keys) == sorted(PREPARED_AS), "a pack element the conference pack ignores"
    for key in keys:
        for words in PREPARED_AS[key]:
            assert words in whole, (key, words)


def test_every_section_is_printed(whole):
    for title in SECTION_TITLES.values():
        assert title in whole, title


def test_every_page_carries_practice_patient_and_page_x_of_y(text):
    assert len(text) >= 2
    for n, page in enumerate(text, start=1):
        assert f"Page {n} of {len(text)}" in page
        assert "Riverside Family Practice" in page and "Care conference pack" in page
        assert "Harold James Moss" in page and "P-000042" in page


def test_the_conference_details_and_what_is_still_to_do(whole):
    assert "Date and time Tuesday 14 April 2026 at 10:30" in whole
    assert "Video: https://meet.example.org/riverside-moss" in whole
    assert "Planned length 30 minutes" in whole
    assert "Care plan Care plan version 3, active, saved 5 March 2026" in whole
    assert "Day, start and end times At the meeting Start the meeting to stamp" in whole
    assert "Summary offered and given to the team After it Offer the summary" in whole
    assert "Patient's agreement Before the day" not in whole  # met: not on the list
    assert "Patient's agreement Agreed on 2 April 2026 (verbal)" in whole


def test_invitees_with_contact_and_reply(whole):
    for p in sample.PACK.participants:
        assert p.name in whole
    assert re.search(r"Lena Ortiz Podiatrist Riverside Foot Clinic 02 9555 3300 Invited", whole)
    assert re.search(r"Tom Nguyen Pharmacist Riverside Pharmacy 02 9555 2211 Accepted", whole)


def test_the_agenda_items_with_where_they_came_from(whole):
    for n, item in enumerate(sample.PACK.agenda, start=1):
        assert f"{n}. {item.title}" in whole
    assert "Recent hospital stay: Admitted 20 Mar 2026" in whole


def test_the_record_extract(whole):
    for problem in sample.PACK.problems:
        assert problem in whole
    assert "Metformin XR 1000 mg 1 tablet oral at night" in whole
    assert "Penicillin (rash, moderate)" in whole
    assert re.search(r"HbA1c 7 % or lower by 1 Sep 2026 8.1 % on 2 Apr 2026 No", whole)
    assert re.search(
        r"Systolic BP 140 mmHg or lower by 1 Jun 2026 132 mmHg on 30 Mar 2026 Yes", whole
    )
    assert "No readings yet" in whole
    assert "Annual diabetic foot check" in whole and "Sent, Routine 3 Mar 2026" in whole
    assert "Blood pressure review Practice nurse 1 Apr 2026" in whole
    assert "20 Mar 2026 Admission Riverside Hospital Fall at home" in whole
    assert "23 Mar 2026 Stopped ibuprofen 400 mg (kidney function)" in whole
    assert "• How do I get to my appointments now I can't drive?" in whole


def test_an_empty_record_says_so_in_each_section():
    doc = ConferencePackDocument(
        practice=sample.PRACTICE, patient=sample.PATIENT, conference=sample.PACK.conference
    )
    whole = " ".join(pages(render_conference_pack(doc)))
    for words in (
        "No one invited yet.",
        "The agenda is empty",
        "No active problems recorded.",
        "No current medicines recorded.",
        "Allergies not yet recorded.",
        "No goals in the care plan.",
        "No open referrals.",
        "No overdue tasks.",
        "None in the last 90 days.",
        "No questions recorded yet: ask the patient.",
        "Not recorded yet: ask the patient before the conference",
        "No open care plan",
    ):
        assert words in whole, words
    known = replace(doc, no_known_allergies=True)
    assert "No known allergies." in " ".join(pages(render_conference_pack(known)))


def test_nothing_outstanding_is_said_when_every_check_is_met():
    doc = replace(sample.PACK, check=(CheckLine("agreement", "Patient's agreement", True),))
    whole = " ".join(pages(render_conference_pack(doc)))
    assert "Nothing outstanding" in whole


def test_thirty_agenda_items_stay_a_few_pages_each_numbered():
    text = pages(render_conference_pack(sample.many_items(sample.PACK, 30)))
    whole = " ".join(text)
    for n in range(1, 31):
        assert f"{n}. Agenda item {n}:" in whole
    assert len(text) <= 7
    for n, page in enumerate(text, start=1):
        assert f"Page {n} of {len(text)}" in page


def test_a_held_conference_points_to_the_summary():
    doc = replace(sample.PACK, conference=replace(sample.PACK.conference, status="Held"))
    assert "the summary, not this pack, is the record" in pages(render_conference_pack(doc))[0]


def test_a_pack_without_the_patients_identifiers_is_refused():
    doc = replace(sample.PACK, patient=replace(sample.PATIENT, full_name=""))
    with pytest.raises(ValueError, match="patient's name"):
        render_conference_pack(doc)


def test_an_interpreter_needed_is_said_under_the_patient():
    doc = replace(
        sample.PACK,
        patient=replace(sample.PATIENT, interpreter_needed=True, preferred_language="vi"),
    )
    assert "Interpreter needed (Vietnamese)" in pages(render_conference_pack(doc))[0]
