"""The care plan half of the decision dialog: which change (an intervention with who does it, a
goal's new target, a goal in the patient's words, the next review brought forward), its rows,
and reading them into a PlanChange with a message at what is missing."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import OPEN_STATUSES
from carecoord_desktop.services.careplans import choices as plan_choices
from carecoord_desktop.services.careplans import plans as plan_service
from carecoord_desktop.services.conferences.types import ConferenceRecord, PlanChange
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.widgets.date_field import DateField

PLAN_CHANGES = (
    ("add_intervention", "Add an intervention"),
    ("change_goal_target", "Change a goal's target"),
    ("add_goal", "Add a goal in the patient's words"),
    ("review_on", "Bring the next review forward"),
)
_ROLES = ("GP", "Practice nurse", "Care coordinator", "Pharmacist", "Physiotherapist")


def _number(text: str, what: str, *, required: bool) -> float | None:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        if required:
            raise ValidationError(f"Type the {what} as a number, for example 7.5.", what)
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise ValidationError(
            f"“{text.strip()}” is not a number: type the {what} as a number, for example 7.5.",
            what,
        ) from None


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4a5a6a;")
    return label


def open_plan(ctx: ConferenceContext, rec: ConferenceRecord):
    """The plan a change goes into: the conference's, else the patient's open plan."""
    ws, actor = ctx.state.ws, ctx.state.actor
    plan_id = rec.plan_id
    if plan_id is None:
        open_values = {s.value for s in OPEN_STATUSES}
        found = [
            p for p in plan_service.list_plans(ws, actor, rec.patient_id) if p.status in open_values
        ]
        plan_id = found[0].id if found else None
    return plan_service.load_plan(ws, actor, plan_id) if plan_id is not None else None


class PlanChangeRows:
    """Mixed into DecisionDialog: `self.ctx`, `self.rec`, `self.plan`, `self.item` and
    `self._row(mode, label, field)` are the dialog's."""

    def _plan_rows(self) -> None:
        self.change_kind = None
        if self.plan is None:
            self._row(
                "plan",
                "",
                hint(
                    "This patient has no open care plan, so there is nothing to change. Start a "
                    "plan from the record's Care plan tab, or record this as a note or a task."
                ),
            )
            return
        plan = self.plan
        review = ""
        if plan.next_review_on is not None:
            late = plan.next_review_on < date.today()
            review = f"; review {'overdue since' if late else 'due'} {plan.next_review_on:%d/%m/%Y}"
        self._row(
            "plan",
            "",
            hint(
                f"Saved into “{plan.draft.title}” (version {plan.revision} now{review}) as a new "
                "version, with the conference as its reason."
            ),
        )
        self.change_kind = QComboBox()
        self.change_kind.setAccessibleName("Change to the plan")
        for value, label in PLAN_CHANGES:
            self.change_kind.addItem(label, value)
        self._row("plan", "Change", self.change_kind)

        self.intervention = QLineEdit()
        self.intervention.setAccessibleName("Intervention")
        self.intervention.setPlaceholderText("Leave empty to use the decision's words")
        self.responsible = QComboBox()
        self.responsible.setEditable(True)
        self.responsible.setAccessibleName("Who is responsible")
        self.responsible.lineEdit().setPlaceholderText("A person, or a role such as Practice nurse")
        ws, actor = self.ctx.state.ws, self.ctx.state.actor
        for staff_id, words in plan_choices.plan_choices(ws, actor, self.rec.patient_id).staff:
            self.responsible.addItem(words, ("staff", staff_id))
        roles = list(_ROLES) + [p.discipline for p in self.rec.participants if p.discipline]
        for role in dict.fromkeys(roles):
            self.responsible.addItem(role, ("role", role))
        self.responsible.setCurrentIndex(-1)
        self._row("add_intervention", "Intervention", self.intervention)
        self._row("add_intervention", "Who is responsible", self.responsible)

        self.goal = QComboBox()
        self.goal.setAccessibleName("Goal")
        for g in plan.draft.goals:
            now = ""
            if g.target_value is not None:
                now = f" (target now {g.target_value:g} {g.target_unit})".replace(" )", ")")
            self.goal.addItem(f"{g.patient_words}{now}", g.uid)
        if not plan.draft.goals:
            self.goal.addItem("(the plan has no goals yet)", None)
        self.new_target = QLineEdit()
        self.new_target.setAccessibleName("New target")
        self.new_target.setPlaceholderText("The new target, a number")
        self.target_unit = QLabel()
        target_box = QHBoxLayout()
        target_box.addWidget(self.new_target, 1)
        target_box.addWidget(self.target_unit)
        units = {g.uid: g.target_unit for g in plan.draft.goals}
        self.goal.currentIndexChanged.connect(
            lambda _i: self.target_unit.setText(units.get(self.goal.currentData()) or "")
        )
        # An item built from a goal off track: that goal is the one offered first.
        item = next((a for a in self.rec.agenda if a.id == self.item.currentData()), None)
        ref = item.source_ref if item is not None else None
        if ref and ref.startswith("goal:"):
            self.goal.setCurrentIndex(max(0, self.goal.findData(ref.split(":", 1)[1])))
        self.target_unit.setText(units.get(self.goal.currentData()) or "")
        self._row("change_goal_target", "Goal", self.goal)
        self._row("change_goal_target", "New target", target_box)

        self.goal_words = QLineEdit()
        self.goal_words.setAccessibleName("The goal in the patient's words")
        self.goal_words.setPlaceholderText("“Walk to the letterbox and back without stopping”")
        self.goal_measure = QLineEdit()
        self.goal_measure.setPlaceholderText("Optional: the measure, e.g. Minutes walked a day")
        self.goal_target = QLineEdit()
        self.goal_target.setPlaceholderText("Optional: a number")
        self.goal_unit = QLineEdit()
        self.goal_unit.setPlaceholderText("Unit: minutes, kg, mmol/mol …")
        self.goal_due = DateField("goal's due date")
        target_row = QHBoxLayout()
        target_row.addWidget(self.goal_target)
        target_row.addWidget(self.goal_unit)
        self._row("add_goal", "In the patient's words", self.goal_words)
        self._row("add_goal", "Measure", self.goal_measure)
        self._row("add_goal", "Target", target_row)
        self._row("add_goal", "By", self.goal_due)

        self.review_on = DateField("review date", required=True)
        self.review_on.setObjectName("review_on")
        self._row("review_on", "Review on", self.review_on)
        self.change_kind.currentIndexChanged.connect(lambda _i: self._shown())

    def plan_change(self, text: str) -> PlanChange:
        if self.plan is None or self.change_kind is None:
            raise ValidationError(
                "This patient has no open care plan: record the decision as a note or a task.",
                "plan_change",
            )
        change = self.change_kind.currentData()
        if change == "add_intervention":
            who = self.responsible.currentData() if self.responsible.currentIndex() >= 0 else None
            typed = self.responsible.currentText().strip()
            if who is None or self.responsible.itemText(self.responsible.currentIndex()) != typed:
                who = ("role", typed) if typed else None
            if who is None:
                raise ValidationError("Say who is responsible: a person or a role.", "responsible")
            return PlanChange(
                "add_intervention",
                text=self.intervention.text().strip() or text,
                responsible_staff_id=who[1] if who[0] == "staff" else None,
                responsible_role=who[1] if who[0] == "role" else None,
            )
        if change == "change_goal_target":
            uid = self.goal.currentData()
            if uid is None:
                raise ValidationError("The plan has no goal to change: add a goal instead.", "goal")
            value = _number(self.new_target.text(), "new target", required=True)
            return PlanChange("change_goal_target", goal_uid=uid, target_value=value)
        if change == "add_goal":
            words = self.goal_words.text().strip()
            if not words:
                raise ValidationError("Write the goal as the patient says it.", "goal_words")
            return PlanChange(
                "add_goal",
                text=words,
                measure=self.goal_measure.text().strip() or None,
                target_value=_number(self.goal_target.text(), "goal's target", required=False),
                target_unit=self.goal_unit.text().strip() or None,
                due=self.goal_due.value(),
            )
        due = self.review_on.value()
        current = self.plan.next_review_on
        if due < date.today():
            raise ValidationError("The review date has passed: choose today or later.", "review_on")
        if current is not None and current >= date.today() and due >= current:
            raise ValidationError(
                f"The review is already due on {current:%d/%m/%Y}: choose an earlier date to "
                "bring it forward.",
                "review_on",
            )
        return PlanChange("review_on", due=due)
