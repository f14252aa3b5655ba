"""The care plan PDF, read back as text: every element of each program's plan, on every page
the practice and the patient, page x of y, version and date, who is responsible, signatures."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from carecoord_desktop.documents.careplan_data import (
    CarePlanDocument,
    Goal,
    Observation,
    PatientIdentifiers,
    PlanHeader,
    PracticeHeader,
)
from carecoord_desktop.documents.careplan_pdf import SECTION_TITLES, render_care_plan
from carecoord_desktop.documents.careplan_sample import sample_plan
from carecoord_desktop.documents.charts import goal_chart
from carecoord_desktop.knowledge.careplans import load_packs

from .pdf_text import pages

# Each element of the shipped rule packs (resources/careplans/packs), by its key, and the words
# under which the plan prints it. A pack that gains an element fails here until the plan shows it.
PRINTED_AS = {
    "ccm": {
        "problem_list": "problem list",
        "outcome_prognosis": "Expected outcome and prognosis",
        "measurable_goals": "measurable treatment goals",
        "symptom_management": "Symptom management",
        "interventions_responsible": "Planned interventions and services: who is responsible",
        "medication_management": "Medication management",
        "community_services": "Community and social services ordered",
        "outside_coordination": "How outside agencies and specialists are coordinated",
        "review_schedule": "schedule for periodic review",
    },
    "gpccmp": {
        "health_needs": "Health needs and conditions",
        "management_goals": "Management goals",
        "patient_actions": "Patient actions",
        "treatments_services": "interventions and services",
        "arrangements": "Arrangements / frequency",
        "review_arrangements": "Review arrangements",
        "patient_agreement": "Patient agreement",
        "copy_offered": "Copies offered, given or sent",
    },
}


@pytest.fixture(scope="module")
def plan() -> CarePlanDocument:
    return sample_plan()


@pytest.fixture(scope="module")
def text(plan) -> list[str]:
    return pages(render_care_plan(plan))


def whole(text: list[str]) -> str:
    return " ".join(text)


@pytest.mark.parametrize("pack_key", sorted(PRINTED_AS))
def test_every_element_of_each_rule_pack_is_printed_under_its_name(text, pack_key):
    pack = load_packs()[pack_key]
    printed = PRINTED_AS[pack_key]
    assert {e.key for e in pack.elements} <= set(printed), "an element the plan does not print"
    missing = [e.name for e in pack.elements if printed[e.key] not in whole(text)]
    assert not missing


def test_the_program_check_is_on_the_first_page(text):
    assert "Program check" in text[0]
    assert "GP chronic condition management plan (GPCCMP) Complete" in text[0]


def test_an_incomplete_plan_names_what_it_lacks_on_the_first_page():
    missing = ("Expected outcome and prognosis", "Community and social services ordered")
    doc = replace(sample_plan(), completeness=(("CMS chronic care management", missing),))
    first = pages(render_care_plan(doc))[0]
    assert "Incomplete. Missing: Expected outcome and prognosis; Community and social" in first


def test_every_section_heading_is_printed(text):
    assert [t for t in SECTION_TITLES.values() if t not in whole(text)] == []


def test_every_page_carries_practice_patient_version_and_page_x_of_y(plan, text):
    total = len(text)
    assert total >= 3
    for number, page in enumerate(text, start=1):
        assert plan.practice.name in page
        assert plan.patient.full_name in page
        assert "Practice ID P-000123" in page
        assert "Born 14 Jul 1951" in page
        assert "Medicare 2951 60417 1" in page
        assert "version 3 · 5 Mar 2026" in page
        assert f"Page {number} of {total}" in page


def test_the_contents_are_printed(plan, text):
    body = whole(text)
    for goal in plan.goals:
        assert goal.patient_words[:40] in body
    for problem in plan.problems:
        assert problem.name in body
    for action in plan.patient_actions:
        assert action in body
    for note in plan.medication_notes + plan.symptom_management + plan.coordination:
        assert note[:45] in body
    for sign in plan.warning_signs:
        assert sign.who_to_call in body and sign.phone in body
    assert "Meals on Wheels" in body
    assert "Catholic; fasting days in Lent" in body
    assert "Prefers morning appointments" in body
    assert "Active — HbA1c still above target after two reviews" in body
    assert "Jane Lee, Care coordinator" in body
    assert "5 March 2026 to 4 March 2027" in body
    assert "Next review: 4 June 2026" in body
    agreed = "Agreed by Patient, with daughter Ann present on 5 March 2026 (Verbal, in person)"
    assert agreed in body
    assert "Sam Nguyen, Riverside Podiatry 6 March 2026 Secure message" in body
    assert "Thursday 19 March 2026 at 10:30" in body
    assert "Printed 5 Mar 2026 11:42 by Jane Lee" in body


def test_each_intervention_shows_who_is_responsible_on_its_row(plan, text):
    body = whole(text)
    for x in plan.interventions:
        assert re.search(re.escape(x.responsible) + r".{0,40}" + re.escape(x.frequency), body), x


def test_signatures_block_names_each_role(plan, text):
    last = text[-1]
    assert "Signatures" in last
    for role in ("Patient", "GP", "Care coordinator", "Signature"):
        assert role in last
    assert "Dr Priya Patel" in last


def test_each_goal_with_readings_has_a_chart_with_its_target(text):
    body = whole(text)
    assert "Goal 1 · HbA1c (%)" in body
    assert "Goal 3 · Systolic BP (mmHg)" in body
    assert "Goal 1: Target 7 % or lower (dashed line). Latest 7.4 % on 8 Dec 2025" in body
    assert "Goal 5: No readings yet" in body


def test_the_chart_draws_readings_and_a_flat_target_line():
    goal = Goal(
        "sugar",
        "HbA1c",
        7.0,
        "%",
        observations=(
            Observation(on=__import__("datetime").date(2025, 1, 1), value=9.0),
            Observation(on=__import__("datetime").date(2025, 6, 1), value=8.0),
        ),
    )
    drawing = goal_chart(goal, 200, 120)
    plot = drawing.contents[-1]
    readings, target = plot.data
    assert [v for _, v in readings] == [9.0, 8.0]
    assert {v for _, v in target} == {7.0}
    assert plot.yValueAxis.valueMin <= 7.0 <= plot.yValueAxis.valueMax


def minimal(**changes) -> CarePlanDocument:
    from datetime import UTC, datetime

    base = CarePlanDocument(
        practice=PracticeHeader("Hill Street Clinic"),
        patient=PatientIdentifiers("Ann Example", "P-9"),
        plan=PlanHeader("Draft", 1, datetime(2026, 1, 2, tzinfo=UTC), "Sam Doe"),
    )
    return replace(base, **changes)


def test_an_empty_plan_prints_each_gap_as_not_recorded():
    text = whole(pages(render_care_plan(minimal())))
    assert text.count("Not recorded") >= 12
    assert "Page 1 of" in text and "Hill Street Clinic" in text


def test_typed_markup_prints_as_typed():
    goal = Goal("walk <b>more</b> & sleep; 5 > 3", "Steps")
    text = whole(pages(render_care_plan(minimal(goals=(goal,)))))
    assert "walk <b>more</b> & sleep; 5 > 3" in text


def test_a_plan_without_the_patients_identifiers_is_refused():
    with pytest.raises(ValueError, match="practice ID"):
        render_care_plan(minimal(patient=PatientIdentifiers("Ann Example", "")))


def test_a_long_plan_runs_over_pages_with_the_header_on_each(text):
    long_text = pages(render_care_plan(sample_plan(goals=30)))
    assert len(long_text) >= 5
    for number, page in enumerate(long_text, start=1):
        assert "Margaret Anne O'Connor" in page and f"Page {number} of {len(long_text)}" in page


def test_non_latin_names_are_printed_with_an_embedded_font():
    patient = PatientIdentifiers("Νίκος Παπαδόπουλος — Иван Петров", "P-77")
    pdf = render_care_plan(minimal(patient=patient))
    assert "Νίκος Παπαδόπουλος — Иван Петров" in whole(pages(pdf))
    assert b"DejaVuSans" in pdf or b"CareSans" in pdf


def test_a_plan_without_an_end_date_says_so():
    from datetime import date

    plan = replace(minimal().plan, period_start=date(2026, 1, 2))
    text = whole(pages(render_care_plan(minimal(plan=plan))))
    assert "From 2 January 2026 (no end date)" in text


def test_a_number_already_in_who_to_call_is_not_printed_twice():
    # "Family, police 000" with phone "000" once read "Family, police 000, 000".
    plan = sample_plan()
    signs = (
        replace(plan.warning_signs[0], who_to_call="Family, police 000", phone="000"),
        replace(plan.warning_signs[0], sign="Other sign", who_to_call="GP", phone="02 1234 5678"),
    )
    text = " ".join(pages(render_care_plan(replace(plan, warning_signs=signs))))
    assert "Family, police 000" in text
    assert "police 000, 000" not in text
    assert "GP, 02\u00a01234\u00a05678" in text or "GP, 02 1234 5678" in text
