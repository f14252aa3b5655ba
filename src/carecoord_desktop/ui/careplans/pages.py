"""The editor's pages: the plan's own fields (overview, medicines and symptoms, preferences,
services, review and agreement) and its lists, each bound to the document.

Every page can put the cursor in one of its fields (`focus_field`), which is how the
completeness checklist and a refused save take the user to the place that needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.ui.careplans import fields as f
from carecoord_desktop.ui.careplans.binding import (
    bind_form,
    refill_combo,
    set_form_read_only,
    show_in,
)
from carecoord_desktop.ui.careplans.document import PlanDocument, item_title
from carecoord_desktop.ui.careplans.lists import ListSection
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm


class FieldsPage(QScrollArea):
    """Plan fields in one form; `extra` widgets go under it."""

    def __init__(
        self,
        doc: PlanDocument,
        key: str,
        title: str,
        intro: str,
        specs: Sequence[Field],
        *,
        tall: int = 110,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.doc, self.key = doc, key
        self.setObjectName(f"page_{key}")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(0, 0, 8, 0)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        self.body.addWidget(heading)
        if intro:
            about = QLabel(intro)
            about.setObjectName("pageSubtitle")
            about.setWordWrap(True)
            self.body.addWidget(about)
        self.form = FieldsForm(specs)
        self.form.setObjectName(f"form_{key}")
        for widget in self.form.widgets.values():
            if isinstance(widget, QPlainTextEdit):
                widget.setFixedHeight(tall)
        bind_form(self.form, self._store)
        self.body.addWidget(self.form)
        self.setWidget(inner)
        doc.field_changed.connect(self._field_changed)
        doc.draft_replaced.connect(self.show_all)
        self.show_all()

    def finish(self) -> None:
        """Call once the extra widgets are added: the spare height goes below them."""
        self.body.addStretch(1)

    def _store(self, name: str, value, typing: bool) -> None:
        self.doc.set_field(name, value, typing=typing)

    def _field_changed(self, name: str) -> None:
        if name in self.form.widgets:
            show_in(self.form.widgets[name], getattr(self.doc.draft, name))

    def show_all(self) -> None:
        self.form.clear_problems()
        for name, widget in self.form.widgets.items():
            show_in(widget, getattr(self.doc.draft, name))

    def fields(self) -> list[str]:
        return list(self.form.widgets)

    def focus_field(self, name: str | None = None) -> None:
        name = name or self.form.specs[0].name
        self.form.focus(name)
        widget = self.form.widgets.get(name)
        if widget is not None:
            self.ensureWidgetVisible(widget)

    def show_problem(self, name: str, text: str) -> bool:
        return self.form.show_problem(name, text)

    def set_read_only(self, read_only: bool) -> None:
        set_form_read_only(self.form, read_only)


class PlanListPage(ListSection):
    """A list section with the combos that name the plan's other items (problem, goal)."""

    def __init__(self, doc: PlanDocument, list_name: str, choices: f.EditorChoices, **kw) -> None:
        self.choices = choices
        super().__init__(doc, list_name, **kw)
        self.key = list_name
        doc.list_changed.connect(lambda _name: self.refresh_choices())
        doc.item_changed.connect(self._other_item_changed)
        doc.draft_replaced.connect(self.refresh_choices)
        self.refresh_choices()
        role = self.form.widgets.get("responsible_role")
        if role is not None:
            completer = QCompleter(list(f.ROLES), role)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            role.setCompleter(completer)

    def _other_item_changed(self, list_name: str, _uid: str, _name: str) -> None:
        if list_name != self.list_name and list_name in ("problems", "goals"):
            self.refresh_choices()

    def _link_choices(self, list_name: str, none: str) -> list[tuple[str, object]]:
        items = self.doc.items(list_name)
        return [(none, None)] + [
            (f"{row + 1}. {item_title(list_name, item) or '(no words yet)'}", item.uid)
            for row, item in enumerate(items)
        ]

    def refresh_choices(self) -> None:
        widgets = self.form.widgets
        if "problem_uid" in widgets:
            refill_combo(widgets["problem_uid"], self._link_choices("problems", "No problem"))
        if "goal_uid" in widgets:
            refill_combo(widgets["goal_uid"], self._link_choices("goals", "No goal"))
        if "condition_id" in widgets:
            refill_combo(
                widgets["condition_id"],
                [("Not linked to a condition", None)]
                + [(text, cid) for cid, text in self.choices.conditions],
            )
        if "responsible_staff_id" in widgets:
            refill_combo(
                widgets["responsible_staff_id"],
                [("Choose a staff member", None)]
                + [(name, sid) for sid, name in self.choices.staff],
            )
        if "responsible_member_id" in widgets:
            refill_combo(
                widgets["responsible_member_id"],
                [("Choose from the care team", None)]
                + [(name, mid) for mid, name in self.choices.providers],
            )
        item = self.doc.item(self.list_name, self.current_uid) if self.current_uid else None
        if item is not None:  # the combos show the item's links again
            for name in ("problem_uid", "goal_uid", "condition_id"):
                if name in widgets:
                    show_in(widgets[name], getattr(item, name))

    def fields(self) -> list[str]:
        return list(self.form.widgets)

    def show_problem(self, name: str, text: str) -> bool:
        return self.form.show_problem(name, text)


class InterventionsPage(PlanListPage):
    """Interventions: the "who is responsible" field asked for is the one its kind needs."""

    def item_shown(self, item) -> None:
        self._responsible_rows(item.responsible_kind if item is not None else "role")

    def _item_changed(self, list_name: str, uid: str, name: str) -> None:
        super()._item_changed(list_name, uid, name)
        if list_name == self.list_name and uid == self.current_uid and name == "responsible_kind":
            self._responsible_rows(self.doc.item(list_name, uid).responsible_kind)

    def _responsible_rows(self, kind: str) -> None:
        layout = self.form.layout()
        for each, name in f.RESPONSIBLE_FIELD.items():
            layout.setRowVisible(self.form.boxes[name], each == kind)


def list_pages(doc: PlanDocument, choices: f.EditorChoices) -> list[ListSection]:
    return [
        PlanListPage(
            doc,
            "problems",
            choices,
            title="Problems",
            intro="The health needs and conditions this plan is about.",
            specs=f.PROBLEM_FIELDS,
            new_item=f.new_problem,
            describe=f.describe_problem,
            noun="problem",
        ),
        PlanListPage(
            doc,
            "goals",
            choices,
            title="Goals",
            intro="The patient's own goals, each with a measure, a target and a date.",
            specs=f.GOAL_FIELDS,
            new_item=f.new_goal,
            describe=f.describe_goal,
            noun="goal",
        ),
        InterventionsPage(
            doc,
            "interventions",
            choices,
            title="Interventions and services",
            intro="What the team and outside providers will do, and who is responsible for each.",
            specs=f.INTERVENTION_FIELDS,
            new_item=f.new_intervention,
            describe=f.intervention_describer(choices),
            noun="intervention",
        ),
        PlanListPage(
            doc,
            "actions",
            choices,
            title="Patient actions",
            intro="What the patient will do themselves, in their words.",
            specs=f.ACTION_FIELDS,
            new_item=f.new_action,
            describe=f.describe_action,
            noun="action",
        ),
        PlanListPage(
            doc,
            "warning_signs",
            choices,
            title="Warning signs",
            intro="What to look out for, what to do, and who to call.",
            specs=f.WARNING_FIELDS,
            new_item=f.new_warning,
            describe=f.describe_warning,
            noun="warning sign",
        ),
    ]
