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

from .pdf_text import pages

# Each element the rule packs name, and the words under which the plan prints it.
CMS_CCM = {
    "problem list": "problem list",
    "expected outcome and prognosis": "Expected outcome and prognosis",
    "measurable treatment goals": "measurable treatment goals",
    "symptom management": "Symptom management",
    "planned interventions and who is responsible": "Planned interventions and services: who is "
    "responsible",
    "medication management": "Medication management",
    "community and social services ordered": "Community and social services ordered",
    "how outside agencies and specialists are coordinated": "How outside agencies and "
    "specialists are coordinated",
    "schedule for periodic review": "schedule for periodic review",
}
GPCCMP = {
    "health needs and conditions": "Health needs and conditions",
    "management goals": "Management goals",
    "patient actions": "Patient actions",
    "treatments and services": "interventions and services",
    "arrangements for providing them": "Arrangements / frequency",
    "review arrangements": "Review arrangements",
    "patient agreement recorded": "Patient agreement",
    "copy offered": "Copies offered, given or sent",
}


@pytest.fixture(scope="module")
def plan() -> CarePlanDocument:
    return sample_plan()


@pytest.fixture(scope="module")
def text(plan) -> list[str]:
    return pages(render_care_plan(plan))


def whole(text: list[str]) -> str:
    return " ".join(text)


@pytest.mark.parametrize("pack", [CMS_CCM, GPCCMP], ids=["ccm", "gpccmp"])
def test_every_element_of_each_rule_pack_is_printed_under_its_name(text, pack):
    missing = [element for element, words in pack.items() if words not in whole(text)]
    assert not missing


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
