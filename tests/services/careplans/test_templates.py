"""Templates: every shipped file loads with its source, fits the demo's conditions, combines
without duplicates, and a practice copies, edits and retires them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.knowledge.careplans import load_templates
from carecoord_desktop.services import demo_data
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.services.careplans.combine import ConditionRef, combine, normalise

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ALL = ("t2dm", "copd", "hf", "htn", "ckd", "depression", "oa", "asthma", "dementia")


def test_every_shipped_template_names_its_source_and_has_real_content():
    shipped = load_templates()
    assert set(ALL) <= set(shipped)
    for t in shipped.values():
        assert t.sources and all(s.organisation and s.title for s in t.sources), t.key
        d = t.data
        assert d["problems"] and d["goals"] and d["interventions"], t.key
        assert d["patient_actions"] and d["warning_signs"], t.key
        assert all(g["patient_words"] for g in d["goals"]), t.key
        assert all(i["role"] for i in d["interventions"]), t.key


def test_each_demo_condition_with_a_template_is_matched_by_code_and_by_name():
    shipped = list(load_templates().values())
    for chronic in demo_data.CONDITIONS:
        if chronic.key in ("ihd", "af"):
            continue  # no template for these (yet)
        by_code = [
            t.key
            for t in shipped
            if combine([t], [ConditionRef(1, chronic.code, "x")], date.today())
            .problems[0]
            .condition_id
            == 1
        ]
        assert by_code == [chronic.key], chronic.key
        by_name = [
            t.key
            for t in shipped
            if combine([t], [ConditionRef(1, None, chronic.display)], date.today())
            .problems[0]
            .condition_id
            == 1
        ]
        assert by_name == [chronic.key], chronic.key


def test_combining_all_templates_never_duplicates_a_goal_or_intervention():
    shipped = load_templates()
    combined = combine([shipped[k] for k in ALL], [], date(2026, 1, 5))
    for name, text in (
        ("goals", "patient_words"),
        ("interventions", "what"),
        ("problems", "description"),
        ("actions", "text"),
    ):
        words = [normalise(getattr(i, text)) for i in getattr(combined, name)]
        assert len(words) == len(set(words)), name
    assert combined.merged > 0
    # Diabetes (130) and hypertension (140) each bring a systolic target: one goal, the stricter.
    systolic = [g for g in combined.goals if g.measure_kind == "bp_systolic"]
    assert len(systolic) == 1 and systolic[0].target_value == 130
    flu = [i for i in combined.interventions if "influenza" in i.what.lower()]
    assert len(flu) == 1
    # Links survive the merge: every goal's problem is one of the plan's problems.
    uids = {p.uid for p in combined.problems}
    assert all(g.problem_uid in uids for g in combined.goals if g.problem_uid)
    goals = {g.uid for g in combined.goals}
    assert all(i.goal_uid in goals for i in combined.interventions if i.goal_uid)
    assert all(a.goal_uid in goals for a in combined.actions if a.goal_uid)
    for key in ALL:  # each template alone: problem links name problems, goal links goals
        alone = combine([shipped[key]], [], date(2026, 1, 5))
        problems = {p.uid for p in alone.problems}
        assert all(g.problem_uid in problems for g in alone.goals if g.problem_uid), key


def test_starting_a_plan_from_two_templates_links_the_record(ws, team, patient):
    rec = templates.start_plan_from_templates(ws, team["nurse"], patient.id, ["t2dm", "htn"]).value
    d = rec.draft
    assert d.template_keys == ["t2dm", "htn"] and d.status == "draft"
    linked = {p.condition_id for p in d.problems} - {None}
    assert linked == {c.id for c in patient.conditions}
    assert d.preferences.startswith("Phone calls in the morning")
    assert d.cultural_considerations == "Prefers a female clinician"
    assert len([g for g in d.goals if g.measure_kind == "bp_systolic"]) == 1
    suggested = {t.key for t in templates.suggested_templates(ws, team["nurse"], patient.id)}
    assert suggested == {"t2dm", "htn"}


def test_a_practice_copies_edits_and_retires_templates(ws, team):
    nurse = team["nurse"]
    copy = templates.copy_template(ws, nurse, "copd", name="COPD (Riverside)").value
    assert copy.key.startswith("practice-") and copy.based_on == "copd" and not copy.shipped
    data = templates.template_data(ws, nurse, copy.key)
    data["goals"][0]["patient_words"] = "Walk to the bowls club"
    edited = templates.update_template(ws, nurse, copy.key, data, copy.row_version).value
    assert (
        json.loads(json.dumps(templates.template_data(ws, nurse, copy.key)))["goals"][0][
            "patient_words"
        ]
        == "Walk to the bowls club"
    )
    with pytest.raises(StaleEditError):
        templates.update_template(ws, nurse, copy.key, data, copy.row_version)
    data["goals"][0]["patient_words"] = " "
    with pytest.raises(ValidationError):
        templates.update_template(ws, nurse, copy.key, data, edited.row_version)
    templates.retire_template(ws, nurse, "copd")
    keys = {t.key for t in templates.list_templates(ws, nurse)}
    assert "copd" not in keys and copy.key in keys
    assert "copd" in {t.key for t in templates.list_templates(ws, nurse, include_retired=True)}
    with pytest.raises(PermissionDeniedError):
        templates.copy_template(ws, team["reception"], "t2dm")
