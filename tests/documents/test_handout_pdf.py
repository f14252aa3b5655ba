"""The patient handout, read back: large print, the patient's own goals, what to do each day,
warning signs and who to call, next appointments, and right-to-left reading order."""

from __future__ import annotations

from dataclasses import replace

import arabic_reshaper
import pytest

from carecoord_desktop.documents.careplan_sample import sample_handout
from carecoord_desktop.documents.handout_pdf import render_handout
from carecoord_desktop.documents.rtl import is_rtl_language, visual_line
from carecoord_desktop.documents.style import PAGE_HEIGHT, PAGE_WIDTH

from .pdf_text import pages, runs

FURNITURE_SIZE = 12


@pytest.fixture(scope="module")
def english() -> bytes:
    return render_handout(sample_handout())


def whole(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def test_all_body_text_is_large_print(english):
    everything = runs(english)
    assert min(r.size for r in everything) >= FURNITURE_SIZE  # header and footer too
    # Between the header's rule and the footer's: the body, all 14 pt or more.
    body = [r for r in everything if 80 < r.y < PAGE_HEIGHT - 110]
    assert len(body) > 60 and min(r.size for r in body) >= 14


def test_the_patients_goals_in_their_words_and_the_target_in_plain_terms(english):
    text = whole(english)
    handout = sample_handout()
    for goal in handout.goals:
        assert goal.patient_words[:35] in text
    assert "Average blood sugar (HbA1c): 7 % or lower by 1 September 2026" in text
    assert "Your last result: 7.4 % on 8 December 2025" in text


def test_what_to_do_each_day_and_medicines(english):
    text = whole(english)
    assert "What to do each day" in text
    for action in sample_handout().daily_actions:
        assert action in text
    assert "Do not stop a medicine without talking to us first." in text


def test_warning_signs_say_who_to_call_and_the_number(english):
    text = whole(english)
    assert "Warning signs: who to call" in text
    for sign in sample_handout().warning_signs:
        assert sign.sign[:30] in text
        assert f"Call {sign.who_to_call}" in text
        assert sign.phone.replace(" ", "\u00a0") in text or sign.phone in text
    assert text.count("Call now. Do not wait.") == 2  # the two urgent ones


def test_next_appointments_in_words(english):
    text = whole(english)
    assert "Your next appointments" in text
    assert "Thursday 19 March 2026 at 10:30" in text
    assert "Sam Nguyen (podiatrist), Riverside Podiatry, 3 Mill Road" in text
    assert "We will look at your plan again with you on 4 June 2026." in text


def test_every_page_names_the_patient_and_says_page_x_of_y(english):
    text = pages(english)
    for number, page in enumerate(text, start=1):
        assert "Margaret Anne O'Connor" in page and "Born 14 July 1951" in page
        assert f"Page {number} of {len(text)}" in page


def test_no_appointments_says_so_plainly():
    text = whole(render_handout(replace(sample_handout(), appointments=())))
    assert "No appointments booked yet. We will call you." in text


def test_a_practice_translation_replaces_the_fixed_wording():
    labels = {"goals": "Vos objectifs", "daily": "Chaque jour"}
    text = whole(render_handout(replace(sample_handout(), labels=labels)))
    assert "Vos objectifs" in text and "Chaque jour" in text and "Your goals" not in text


@pytest.mark.parametrize(
    "tag, rtl",
    [
        ("he", True),
        ("ar-EG", True),
        ("fa", True),
        ("Arabic", True),
        ("en", False),
        ("vi", False),
        ("English", False),
        ("", False),
    ],
)
def test_which_languages_read_right_to_left(tag, rtl):
    assert is_rtl_language(tag) is rtl


def _start_x(pdf: bytes, piece: str) -> float:
    return next(r.x for r in runs(pdf) if piece in r.text)


def test_hebrew_handout_reads_right_to_left():
    pdf = render_handout(sample_handout(language="he"))
    text = whole(pdf)
    action = "לבדוק סוכר לפני ארוחת הבוקר ולרשום ביומן"
    # Drawn in display order, which a PDF reader (pypdf here) reads back in typed order; text
    # drawn in typed order would come back reversed.
    assert visual_line(action) != action and action in text
    # Right-aligned: the short line starts well right of the left margin.
    assert _start_x(pdf, action) > PAGE_WIDTH / 3
    english = render_handout(sample_handout())
    assert _start_x(english, "Walk for 20 minutes") < 80


def test_arabic_letters_are_joined():
    pdf = render_handout(sample_handout(language="ar"))
    text = whole(pdf)
    # Joined letters are Arabic presentation forms (U+FE70–U+FEFF), not the isolated letters.
    assert any("\ufe70" <= ch <= "\ufeff" for ch in text)
    assert "فاطمة" not in text  # the name is there, but joined
    assert arabic_reshaper.reshape("فاطمة حداد") in text


def test_the_first_words_of_a_wrapped_rtl_goal_are_on_its_first_line():
    words = "אני רוצה שהסוכר יהיה מאוזן כדי לשמור על הרגליים שלי בריאות"
    pdf = render_handout(sample_handout(language="he"))
    lines = [r for r in runs(pdf) if any("\u0590" <= c <= "\u05ff" for c in r.text) and r.size > 16]
    top = max(lines, key=lambda r: r.y)
    assert words.split()[0] in top.text  # the first words on the first line
    assert words.split()[-1] not in top.text  # the last word wrapped to the next line


def test_a_contact_without_a_number_is_printed_without_an_empty_box():
    team = (("Jane Lee, your care coordinator, at the practice", ""), ("Dr Hart", "02 1234 5678"))
    text = whole(render_handout(replace(sample_handout(), care_team=team)))
    assert "Jane Lee, your care coordinator, at the practice" in text
    assert "Dr Hart 02 1234 5678" in text


def test_a_number_already_in_who_to_call_is_not_printed_twice():
    # The templates' emergency signs say who_to_call "000" with phone "000".
    sign = replace(sample_handout().warning_signs[0], who_to_call="000", phone="000", urgent=True)
    text = whole(render_handout(replace(sample_handout(), warning_signs=(sign,))))
    assert "Call 000" in text
    assert "Call 000 000" not in text
