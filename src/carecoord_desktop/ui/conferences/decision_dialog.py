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
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.conference import DecisionKind
from carecoord_desktop.models.task import TaskPriority
from carecoord_desktop.services.conferences import decisions as decision_service
from carecoord_desktop.services.conferences.types import (
    ConferenceRecord,
    DecisionDraft,
)
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.services.tasks.assignees import assignees
from carecoord_desktop.services.tasks.types import PRIORITY_LABELS, QUEUE_LABELS
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.decision_plan import (
    PlanChangeRows,
    hint,
    open_plan,
)
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

KINDS = (
    (DecisionKind.NOTE, "A note in the minutes"),
    (DecisionKind.TASK, "A task on the team board"),
    (DecisionKind.PLAN_CHANGE, "A change to the care plan"),
)
# Task priority goes with the decision only if the conference service takes it.
HAS_PRIORITY = "priority" in {f.name for f in dataclasses.fields(DecisionDraft)}


class DecisionDialog(PlanChangeRows, QDialog):
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
        self.plan = open_plan(ctx, rec)
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
        kinds_layout.setContentsMargins(0, 6, 0, 0)  # clear of the text box above
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
        self._row("note", "", hint("Kept with the item's minutes and printed in the summary."))
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
            "task", "", hint("It goes on the team board for this patient, naming the conference.")
        )

    # -- a change to the plan --------------------------------------------------------------
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

    def accept(self) -> None:  # Qt override: save, or stay open with the message
        state = self.ctx.state
        try:
            result = decision_service.add_decision(state.ws, state.actor, self.rec.id, self.draft())
        except CareCoordError as exc:
            show_error(self.error, exc)
            self._focus(getattr(exc, "field", None))
            return
        self.added = state.publish(result)
        self.decision_added.emit(self.added)
        super().accept()

    def _focus(self, field: str | None) -> None:
        """Put the cursor where the message points (ours, or the service's `plan_change.x`)."""
        name = (field or "").removeprefix("plan_change.")
        widgets = {
            "text": self.text,
            "owner": self.owner,
            "due_date": self.due,
            "new target": getattr(self, "new_target", None),
            "target_value": getattr(self, "new_target", None),
            "goal_words": getattr(self, "goal_words", None),
            "goal's target": getattr(self, "goal_target", None),
            "responsible": getattr(self, "responsible", None),
            "review_on": getattr(self, "review_on", None),
            "due": getattr(self, "review_on", None),
        }
        widget = widgets.get(name)
        if widget is not None and widget.isVisible():
            widget.setFocus()
