"""A decision of the care conference in one step: what was decided and what it becomes — a note
in the minutes, a task on the team board (a person or a role queue, a due date), or a change
to the care plan (an intervention with who does it, a goal's new target, a goal in the
patient's words, the next review brought forward), saved as a new plan version.

The dialog says what is missing next to the choice it concerns and stays open when the service
refuses, so nothing typed is lost.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.careplan import OPEN_STATUSES
from carecoord_desktop.models.conference import DecisionKind
from carecoord_desktop.models.task import TaskPriority
from carecoord_desktop.services.careplans import choices as plan_choices
from carecoord_desktop.services.careplans import plans as plan_service
from carecoord_desktop.services.conferences import decisions as decision_service
from carecoord_desktop.services.conferences.types import (
    ConferenceRecord,
    DecisionDraft,
    PlanChange,
)
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.services.tasks.assignees import assignees
from carecoord_desktop.services.tasks.types import PRIORITY_LABELS, QUEUE_LABELS
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

KINDS = (
    (DecisionKind.NOTE, "A note in the minutes"),
    (DecisionKind.TASK, "A task on the team board"),
    (DecisionKind.PLAN_CHANGE, "A change to the care plan"),
)
PLAN_CHANGES = (
    ("add_intervention", "Add an intervention"),
    ("change_goal_target", "Change a goal's target"),
    ("add_goal", "Add a goal in the patient's words"),
    ("review_on", "Bring the next review forward"),
)
_ROLES = ("GP", "Practice nurse", "Care coordinator", "Pharmacist", "Physiotherapist")
# Task priority goes with the decision only if the conference service takes it.
HAS_PRIORITY = "priority" in {f.name for f in dataclasses.fields(DecisionDraft)}


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


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4a5a6a;")
    return label


def _open_plan(ctx: ConferenceContext, rec: ConferenceRecord):
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


class DecisionDialog(QDialog):
    """One form: the rows of the mode chosen (note, task, plan change and which) are shown."""

    decision_added = Signal(object)  # DecisionRow

    def __init__(
        self,
        ctx: ConferenceContext,
        rec: ConferenceRecord,
        agenda_item_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionDialog")
        self.setWindowTitle("Record a decision")
        self.setMinimumWidth(720)
        self.ctx, self.rec = ctx, rec
        self.added = None
        self.plan = _open_plan(ctx, rec)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, list[QWidget]] = {}  # the rows each mode shows

        self.item = QComboBox()
        self.item.setAccessibleName("Agenda item")
        self.item.addItem("(the conference as a whole)", None)
        for n, a in enumerate(rec.agenda, start=1):
            self.item.addItem(f"{n}. {a.title}", a.id)
        self.item.setCurrentIndex(max(0, self.item.findData(agenda_item_id)))
        self.item.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.item.setMinimumContentsLength(30)
        self.text = QPlainTextEdit()
        self.text.setObjectName("decisionText")
        self.text.setAccessibleName("What was decided")
        self.text.setPlaceholderText("What was decided, in words the team and the patient read")
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 16)
        self.kind_group = QButtonGroup(self)
        kinds = QWidget()
        kinds_layout = QVBoxLayout(kinds)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        kinds_layout.setSpacing(2)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for n, (kind, label) in enumerate(KINDS):
            b = QRadioButton(label)
            self.kind_group.addButton(b, n)
            self.kind_buttons[kind.value] = b
            kinds_layout.addWidget(b)
        self.kind_buttons[DecisionKind.NOTE.value].setChecked(True)
        self.form.addRow("For the item", self.item)
        self.form.addRow("Decided", self.text)
        self.form.addRow("It becomes", kinds)
        self._row("note", "", _hint("Kept with the item's minutes and printed in the summary."))
        self._task_rows()
        self._plan_rows()

        self.error = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record decision")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.kind_group.idToggled.connect(lambda _n, on: on and self._shown())
        self._shown()
        self.text.setFocus()

    def _row(self, mode: str, label: str, field) -> None:
        holder = field
        if not isinstance(field, QWidget):  # a layout: rows are shown and hidden by widget
            holder = QWidget()
            holder.setLayout(field)
            field.setContentsMargins(0, 0, 0, 0)
        if label:
            self.form.addRow(label, holder)
        else:
            self.form.addRow(holder)
        self.rows.setdefault(mode, []).append(holder)

    # -- a task ----------------------------------------------------------------------------
    def _task_rows(self) -> None:
        self.owner = QComboBox()
        self.owner.setAccessibleName("Who does it")
        self.owner.addItem("(choose a person or a team queue)", None)
        for role, label in QUEUE_LABELS.items():
            self.owner.addItem(f"{label} (queue)", f"role:{role.value}")
        actor = self.ctx.state.actor
        if can(actor, Permission.MANAGE_TASKS):
            for person in assignees(self.ctx.state.ws, actor):
                me = " (me)" if person.id == actor.user_id else ""
                self.owner.addItem(
                    f"{person.full_name} — {person.role.label}{me}", f"user:{person.id}"
                )
        self.due = DateField("due date", required=True)
        self.due.setObjectName("due_date")
        self.priority = QComboBox()
        for priority in TaskPriority:
            self.priority.addItem(PRIORITY_LABELS[priority], priority.value)
        self.priority.setCurrentIndex(self.priority.findData(TaskPriority.NORMAL.value))
        self._row("task", "Who does it", self.owner)
        self._row("task", "Due", self.due)
        if HAS_PRIORITY:
            self._row("task", "Priority", self.priority)
        self._row(
            "task", "", _hint("It goes on the team board for this patient, naming the conference.")
        )

    # -- a change to the plan --------------------------------------------------------------
    def _plan_rows(self) -> None:
        self.change_kind = None
        if self.plan is None:
            self._row(
                "plan",
                "",
                _hint(
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
            _hint(
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
        self._row("change_goal_target", "Goal", self.goal)
        self._row("change_goal_target", "New target", self.new_target)

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

    def _shown(self) -> None:
        kind = self.kind()
        change = self.change_kind.currentData() if self.change_kind is not None else None
        visible = {"note"} if kind == DecisionKind.NOTE.value else set()
        if kind == DecisionKind.TASK.value:
            visible = {"task"}
        elif kind == DecisionKind.PLAN_CHANGE.value:
            visible = {"plan", change}
        for mode, widgets in self.rows.items():
            for w in widgets:
                self.form.setRowVisible(w, mode in visible)
        self.error.hide()

    def choose(self, kind: str, change: str | None = None) -> None:
        """Pick what the decision becomes (and which plan change), as the radio buttons do."""
        self.kind_buttons[kind].setChecked(True)
        if change is not None and self.change_kind is not None:
            self.change_kind.setCurrentIndex(self.change_kind.findData(change))

    # -- reading ---------------------------------------------------------------------------
    def kind(self) -> str:
        return KINDS[self.kind_group.checkedId()][0].value

    def draft(self) -> DecisionDraft:
        text = self.text.toPlainText().strip()
        if not text:
            raise ValidationError("Say what was decided.", "text")
        kind = self.kind()
        common = {"text": text, "kind": kind, "agenda_item_id": self.item.currentData()}
        if kind == DecisionKind.TASK.value:
            owner = self.owner.currentData()
            if owner is None:
                raise ValidationError("Choose who does it: a person or a team queue.", "owner")
            due = self.due.value()
            if due < date.today():
                raise ValidationError("The due date has passed: choose today or later.", "due_date")
            who, value = owner.split(":", 1)
            extra = {"priority": self.priority.currentData()} if HAS_PRIORITY else {}
            return DecisionDraft(
                **common,
                owner_id=int(value) if who == "user" else None,
                owner_role=value if who == "role" else None,
                due_date=due,
                **extra,
            )
        if kind == DecisionKind.PLAN_CHANGE.value:
            return DecisionDraft(**common, plan_change=self.plan_change(text))
        return DecisionDraft(**common)

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

    def accept(self) -> None:  # Qt override: save, or stay open with the message
        state = self.ctx.state
        try:
            result = decision_service.add_decision(state.ws, state.actor, self.rec.id, self.draft())
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.added = state.publish(result)
        self.decision_added.emit(self.added)
        super().accept()
