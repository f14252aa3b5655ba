"""The care conference summary PDF, read back as text: every element of the shipped
case-conference rule pack under words a reader (and an auditor) finds, who attended and how,
the day with start and end and minutes, the minutes of each agenda item, the decisions with
who does what by when, and on every page the practice, the patient and page x of y."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import arabic_reshaper
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from carecoord_desktop.documents import conference_sample as sample
from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.conference_summary import (
    SECTION_TITLES,
    render_conference_summary,
)

from .pdf_text import pages, runs

PACK_FILE = (
    Path(__file__).resolve().parents[2]
    / "resources"
    / "conferences"
    / "packs"
    / "case_conference.json"
)

# Each element of the shipped case-conference pack, by its key, and the words under which the
# summary prints what the element asks for. A pack that gains an element fails here until the
# summary shows it.
PRINTED_AS = {
    "team": ("Who attended", "Discipline or role", "Organisation"),
    "agreement": ("Patient's agreement",),
    "times": ("Started", "Ended", "Length"),
    "participants": ("Who attended", "Discipline or role"),
    "discussion": ("What was discussed", "What was decided: who does what by when"),
    "summary_offered": ("Sent to",),
}


@pytest.fixture(scope="module")
def text() -> list[str]:
    return pages(render_conference_summary(sample.SUMMARY))


@pytest.fixture(scope="module")
def whole(text) -> str:
    return " ".join(text)


def test_every_element_of_the_shipped_rule_pack_is_printed_under_its_words(whole):
    pack = json.loads(PACK_FILE.read_text(encoding="utf-8"))
    keys = [e["key"] for e in pack["elements"]]
    assert sorted(keys) == sorted(PRINTED_AS), "a pack element the summary does not print yet"
    for key in keys:
        for words in PRINTED_AS[key]:
            assert words in whole, (key, words)


def test_the_check_prints_each_element_met_or_missing_with_what_was_found(whole):
    assert SECTION_TITLES["check"] in whole
    for line in sample.CHECK:
        assert line.name in whole and line.detail in whole
    assert "Every element is met." in whole
    missing = replace(
        sample.SUMMARY, check=(replace(sample.CHECK[0], met=False, detail="Only the GP came."),)
    )
    text = " ".join(pages(render_conference_summary(missing)))
    assert "Missing" in text and "Only the GP came." in text and "1 of 1 elements" in text


def test_every_page_carries_practice_patient_and_page_x_of_y(text):
    assert len(text) >= 2
    for n, page in enumerate(text, start=1):
        assert f"Page {n} of {len(text)}" in page
        assert "Riverside Family Practice" in page
        assert "Harold James Moss" in page and "P-000042" in page and "Born 9 Feb 1951" in page
        assert "Care conference summary" in page


def test_who_attended_with_discipline_organisation_and_how_they_joined(whole):
    for p in sample.PEOPLE:
        assert p.name in whole and p.discipline in whole
    assert re.search(r"Tom Nguyen Pharmacist Riverside Pharmacy Phone", whole)
    assert re.search(r"Sarah Okafor Physiotherapist Active Steps Physiotherapy Video", whole)
    assert "Invited but did not attend: Lena Ortiz, Podiatrist (declined)" in whole


def test_the_day_start_end_minutes_and_item_tier(whole):
    assert "Started Tuesday 14 April 2026 at 10:32" in whole
    assert "Ended 11:06" in whole
    assert "34 minutes (20 to under 40 minutes: MBS item 739 for the organiser, 750" in whole


def test_the_agreement_with_day_and_how(whole):
    assert "Agreed on 2 April 2026 (verbal). Agreed by phone with his daughter." in whole


def test_each_agenda_item_with_its_source_and_minutes(whole):
    for n, item in enumerate(sample.AGENDA, start=1):
        assert f"{n}. {item.title}" in whole
        if item.minutes:
            assert item.minutes[:60] in whole
    assert "Not discussed at this meeting." in whole  # the last item has no minutes


def test_decisions_with_who_does_what_by_when_and_what_they_became(whole):
    assert re.search(
        r"Refer Harry to Riverbend Community Transport .*Jane Lee 21 Apr 2026 Task 41", whole
    )
    assert re.search(r"Review HbA1c and blood pressure .*Dr Anita Patel 12 May 2026 Task 43", whole)
    assert "Noted in the minutes" in whole
    assert SECTION_TITLES["plan"] in whole
    assert "• Care plan version 4: new intervention" in whole


def test_who_received_the_summary(whole):
    assert re.search(
        r"Sent to To How When By Harold Moss \(patient\) By hand 14 Apr 2026 Jane Lee", whole
    )
    assert "Tom Nguyen, Riverside Pharmacy Secure message" in whole


def test_a_conference_not_held_yet_says_so_and_prints_no_empty_times():
    text = " ".join(pages(render_conference_summary(sample.not_yet_held(sample.SUMMARY))))
    assert (
        "This conference has not been held yet (planned for Tuesday 14 April 2026 at 10:30)" in text
    )
    assert "Started" not in text and "Length" not in text
    assert "Invited" in text and "Agenda" in text and SECTION_TITLES["agenda"] not in text
    assert "Decisions are added at the meeting." in text
    assert "Not recorded as given to anyone yet." in text
    assert "4 of 6 elements still missing." in text


def test_a_held_conference_without_decisions_says_so():
    text = " ".join(pages(render_conference_summary(replace(sample.SUMMARY, decisions=()))))
    assert "No decisions recorded yet." in text and "No changes to the care plan." in text


def test_a_cancelled_conference_gives_the_reason():
    doc = sample.not_yet_held(sample.SUMMARY)
    doc = replace(doc, conference=replace(doc.conference, status="Cancelled",
                                          cancel_reason="Harry is in hospital"))  # fmt: skip
    assert (
        "This conference was cancelled: Harry is in hospital"
        in pages(render_conference_summary(doc))[0]
    )


def test_thirty_agenda_items_run_over_pages_each_numbered_with_the_header():
    pdf = render_conference_summary(sample.many_items(sample.SUMMARY, 30))
    text = pages(pdf)
    assert len(text) >= 3
    whole = " ".join(text)
    for n in range(1, 31):
        assert f"{n}. Agenda item {n}:" in whole
    for n, page in enumerate(text, start=1):
        assert f"Page {n} of {len(text)}" in page and "P-000042" in page


def test_a_long_patient_name_keeps_the_identifiers_on_the_page():
    doc = sample.long_names(sample.SUMMARY)
    pdf = render_conference_summary(doc)
    font = st.fonts().regular
    right_edge = st.PAGE_WIDTH - 18 * 72 / 25.4 + 1  # the margin, in points
    header = [r for r in runs(pdf) if "Practice ID P-000042" in r.text]
    assert header, "the identifiers line is missing"
    for r in header:
        assert r.x + stringWidth(r.text, font, r.size) <= right_edge, r.text
    whole = " ".join(pages(pdf))
    assert doc.patient.full_name in whole  # printed whole in the body
    assert "Wolfeschlegelsteinhausen" in whole.replace(" ", "").replace("-", "")


def test_right_to_left_names_print_joined_and_apart_from_english_words():
    doc = sample.right_to_left(sample.SUMMARY)
    whole = " ".join(pages(render_conference_summary(doc)))
    # Arabic letters joined into their presentation forms (read back in typed order), and the
    # English role kept out of the name's run, where bidi reordering would scramble both.
    assert f"Video {arabic_reshaper.reshape('هارون موسى')} Patient" in whole
    assert "In person הלן משה Carer (daughter)" in whole
    assert ")patient(" not in whole and ")carer(" not in whole


def test_typed_markup_prints_as_typed():
    doc = replace(sample.SUMMARY, agenda=(replace(sample.AGENDA[0], minutes="<b>x</b> & <i>"),))
    assert "<b>x</b> & <i>" in " ".join(pages(render_conference_summary(doc)))


def test_a_summary_without_the_patients_identifiers_is_refused():
    doc = replace(sample.SUMMARY, patient=replace(sample.PATIENT, practice_id=" "))
    with pytest.raises(ValueError, match="practice ID"):
        render_conference_summary(doc)


def test_a_meeting_still_in_progress_says_the_end_is_not_recorded():
    doc = replace(sample.SUMMARY, times=replace(sample.TIMES, ended_at=None, elapsed_minutes=None))
    whole = " ".join(pages(render_conference_summary(doc)))
    assert "still in progress: the end time is not recorded yet" in whole
    assert "Ended Not recorded yet" in whole and "Length" not in whole


def test_an_item_titled_by_its_source_does_not_repeat_it():
    item = replace(sample.AGENDA[5], title="Overdue task: Blood pressure review")
    doc = replace(sample.SUMMARY, agenda=(item,))
    whole = " ".join(pages(render_conference_summary(doc)))
    assert "1. Overdue task: Blood pressure review Task due 1 Apr 2026" in whole
    assert "Overdue task: Task due" not in whole


def test_the_sample_checks_the_shipped_pack_element_by_element():
    pack = json.loads(PACK_FILE.read_text(encoding="utf-8"))
    assert [(e["key"], e["name"]) for e in pack["elements"]] == [
        (c.key, c.name) for c in sample.CHECK
    ]
