"""What each part of the plan asks for: the form fields of every list and page of the editor,
and how an item is named in its list.

Labels are the words a coordinator uses; hints say what a good entry looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carecoord_desktop.models.careplan import (
    OBSERVATION_KINDS,
    GoalStatus,
    InterventionStatus,
    PlanStatus,
    Priority,
    ResponsibleKind,
)
from carecoord_desktop.services.careplans.types import (
    ActionDraft,
    GoalDraft,
    InterventionDraft,
    ProblemDraft,
    WarningSignDraft,
)
from carecoord_desktop.ui.widgets.form_kit import Field


def _labels(enum) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in enum]


@dataclass
class EditorChoices:
    """Who and what the plan's combos offer, from the patient's record."""

    conditions: list[tuple[int, str]] = field(default_factory=list)
    staff: list[tuple[int, str]] = field(default_factory=list)  # staff_user id, "Name (role)"
    providers: list[tuple[int, str]] = field(default_factory=list)  # care_team_member id, words
    preferences: str = ""  # the record's communication preferences and language
    cultural: str = ""  # the record's cultural considerations

    def staff_name(self, staff_id) -> str:
        return dict(self.staff).get(staff_id, "")

    def provider_name(self, member_id) -> str:
        return dict(self.providers).get(member_id, "")


ROLES = (
    "GP",
    "Practice nurse",
    "Care coordinator",
    "Reception",
    "Pharmacist",
    "Dietitian",
    "Physiotherapist",
    "Podiatrist",
    "Psychologist",
    "Diabetes educator",
    "Exercise physiologist",
    "Social worker",
)

MEASURES = [(label, kind.value) for kind, (label, *_rest) in OBSERVATION_KINDS.items()]

PROBLEM_FIELDS = [
    Field("description", "Problem", required=True, hint="The health need in plain words"),
    Field("condition_id", "Condition on the record", kind="combo"),
    Field("notes", "Notes", kind="long"),
]

GOAL_FIELDS = [
    Field(
        "patient_words",
        "Goal, in the patient's words",
        kind="long",
        required=True,
        hint="As the patient says it: “Walk to the shops without stopping”",
    ),
    Field("measure", "Measure", hint="What shows progress: HbA1c, minutes walked a day"),
    Field("measure_kind", "Observations charted", kind="combo", choices=MEASURES),
    Field("target_value", "Target value", hint="A number, for example 53"),
    Field("target_unit", "Unit", hint="mmol/mol, kg, minutes a day"),
    Field(
        "target_direction",
        "On target when",
        kind="combo",
        choices=[("At or below the target", "below"), ("At or above the target", "above")],
    ),
    Field("due_on", "Due by", kind="date"),
    Field("status", "Status", kind="combo", choices=_labels(GoalStatus)),
    Field("priority", "Priority", kind="combo", choices=_labels(Priority)),
    Field("problem_uid", "For problem", kind="combo"),
]

INTERVENTION_FIELDS = [
    Field("what", "Intervention or service", required=True, hint="What will be done"),
    Field(
        "responsible_kind",
        "Who is responsible",
        kind="combo",
        choices=_labels(ResponsibleKind),
    ),
    Field("responsible_staff_id", "Staff member", kind="combo"),
    Field("responsible_role", "Role", hint="GP, Practice nurse, Dietitian …"),
    Field("responsible_member_id", "Provider (care team)", kind="combo"),
    Field("frequency", "How often", hint="Every 3 months, once, weekly"),
    Field("status", "Status", kind="combo", choices=_labels(InterventionStatus)),
    Field("goal_uid", "For goal", kind="combo"),
    Field("is_service", "Community or social service", kind="check"),
]
RESPONSIBLE_FIELD = {
    "staff": "responsible_staff_id",
    "role": "responsible_role",
    "provider": "responsible_member_id",
}

ACTION_FIELDS = [
    Field("text", "The patient will", required=True, hint="Walk for 20 minutes after breakfast"),
    Field("frequency", "How often", hint="Every day, each morning"),
    Field("goal_uid", "For goal", kind="combo"),
]

WARNING_FIELDS = [
    Field("sign", "Warning sign", required=True, hint="Weight up more than 2 kg in 2 days"),
    Field("action", "What to do", kind="long"),
    Field("who_to_call", "Who to call", hint="Practice nurse, GP, 000"),
    Field("phone", "Phone"),
    Field("urgent", "Urgent: call 000 (an ambulance)", kind="check"),
]

STATUS_CHOICES = [(s.label, s.value) for s in PlanStatus if s is not PlanStatus.UNDER_REVIEW]

OVERVIEW_FIELDS = [
    Field("title", "Title", required=True),
    Field("status", "Status", kind="combo", choices=STATUS_CHOICES),
    Field("period_start", "Starts", kind="date"),
    Field("period_end", "Ends", kind="date"),
    Field("expected_outcome", "Expected outcome", kind="long", hint="What the plan should achieve"),
    Field("prognosis", "Prognosis", kind="long"),
]
MEDICINE_FIELDS = [
    Field(
        "medication_notes",
        "Medication management",
        kind="long",
        hint="Reconciliation, adherence aids (Webster pack), who reviews the medicines",
    ),
    Field(
        "symptom_management",
        "Symptom management",
        kind="long",
        hint="What the patient does when symptoms change (the warning signs have their page)",
    ),
]
PREFERENCE_FIELDS = [
    Field("preferences", "Patient's preferences", kind="long"),
    Field("cultural_considerations", "Cultural and religious considerations", kind="long"),
]
SERVICE_FIELDS = [
    Field(
        "community_services",
        "Community and social services",
        kind="long",
        hint="Services ordered: home care, meals, transport, support groups",
    ),
    Field(
        "coordination",
        "Coordination with outside providers",
        kind="long",
        hint="How specialists and agencies are involved and kept informed",
    ),
]
REVIEW_WEEKS = [
    ("No periodic review", None),
    ("Every 4 weeks", 4),
    ("Every 6 weeks", 6),
    ("Every 3 months (13 weeks)", 13),
    ("Every 6 months (26 weeks)", 26),
    ("Every 12 months (52 weeks)", 52),
]
REVIEW_FIELDS = [
    Field("review_interval_weeks", "Review", kind="combo", choices=REVIEW_WEEKS),
    Field(
        "review_arrangements",
        "Review arrangements",
        kind="long",
        hint="Who reviews, how (in person, phone), and what is checked",
    ),
    Field("agreed_by", "Agreed by", hint="Patient, or the carer by name"),
    Field("agreed_on", "Agreed on", kind="date"),
    Field("agreed_how", "How agreed", hint="Verbally in person, signed, by phone"),
    Field("copy_offered", "A copy of the plan was offered to the patient", kind="check"),
]


# -- new items and how each is named in its list --------------------------------------------------
def new_problem() -> ProblemDraft:
    return ProblemDraft(description="")


def new_goal() -> GoalDraft:
    return GoalDraft(patient_words="")


def new_intervention() -> InterventionDraft:
    return InterventionDraft(what="")


def new_action() -> ActionDraft:
    return ActionDraft(text="")


def new_warning() -> WarningSignDraft:
    return WarningSignDraft(sign="")


def _or_new(text: str, noun: str) -> str:
    return text.strip() or f"(new {noun}: type its words)"


def describe_problem(item: ProblemDraft, row: int) -> str:
    return f"{row + 1}. {_or_new(item.description, 'problem')}"


def describe_goal(item: GoalDraft, row: int) -> str:
    target = ""
    if item.target_value is not None:
        sign = "≤" if item.target_direction == "below" else "≥"
        target = f"{item.measure or 'target'} {sign} {item.target_value:g} {item.target_unit}"
    due = f"by {item.due_on:%d/%m/%Y}" if item.due_on else ""
    detail = " · ".join(p for p in (target.strip(), due, GoalStatus(item.status).label) if p)
    return f"{row + 1}. {_or_new(item.patient_words, 'goal')}\n     {detail}"


def responsible_words(item: InterventionDraft, choices: EditorChoices) -> str:
    kind = item.responsible_kind
    if kind == "staff":
        return choices.staff_name(item.responsible_staff_id) or "staff member not chosen"
    if kind == "provider":
        return choices.provider_name(item.responsible_member_id) or "provider not chosen"
    if kind == "role":
        return item.responsible_role or "role not given"
    return "Patient or carer"


def intervention_describer(choices: EditorChoices):
    def describe(item: InterventionDraft, row: int) -> str:
        who = responsible_words(item, choices)
        often = f" · {item.frequency}" if item.frequency else ""
        service = " · community service" if item.is_service else ""
        return f"{row + 1}. {_or_new(item.what, 'intervention')}\n     {who}{often}{service}"

    return describe


def describe_action(item: ActionDraft, row: int) -> str:
    often = f" ({item.frequency})" if item.frequency else ""
    return f"{row + 1}. {_or_new(item.text, 'action')}{often}"


def describe_warning(item: WarningSignDraft, row: int) -> str:
    who = "call 000" if item.urgent else (f"call {item.who_to_call}" if item.who_to_call else "")
    return f"{row + 1}. {_or_new(item.sign, 'warning sign')}" + (f"\n     {who}" if who else "")
