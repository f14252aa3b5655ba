"""The editor's small dialogs: complete a review (what changed, why), change the coordination
intensity (to what, why), record a copy of the plan given or sent.

Each emits `submitted(...)` with what was typed; the editor calls the service and, if it refuses,
hands the error back with `show_problem(error)`, which puts it at its field. The dialog stays
open with the typing in it until the write succeeded.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import Intensity
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm
from carecoord_desktop.ui.widgets.messages import error_label, show_error


class _FormDialog(QDialog):
    submitted = Signal(object)

    def __init__(self, title: str, intro: str, specs, ok: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.body = QVBoxLayout(self)
        about = QLabel(intro)
        about.setWordWrap(True)
        self.body.addWidget(about)
        self.form = FieldsForm(specs)
        self.body.addWidget(self.form)
        self.error = error_label()
        self.body.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.body.addWidget(self.buttons)

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        self.form.focus(self.form.specs[0].name)

    def _submit(self) -> None:
        self.form.clear_problems()
        self.error.hide()
        try:
            values = self.form.values()
        except ValidationError as exc:
            self.show_problem(exc)
            return
        self.emit_values(values)

    def emit_values(self, values: dict) -> None:
        self.submitted.emit(values)

    def show_problem(self, error: Exception) -> bool:
        """Say a refused write's message at its field (or under the form); True when shown."""
        if not isinstance(error, ValidationError):
            return False
        if not self.form.show_problem(getattr(error, "field", None), str(error)):
            show_error(self.error, error)
        return True


class CompleteReviewDialog(_FormDialog):
    submitted = Signal(str, str)  # what changed, why

    def __init__(self, changes: list[str], parent=None) -> None:
        specs = [
            Field(
                "what_changed",
                "What changed",
                kind="long",
                required=True,
                hint="Your summary for the record (the list above is what the editor saw)",
            ),
            Field("why", "Why", kind="long", required=True, hint="What the review found"),
        ]
        super().__init__(
            "Complete review",
            "The reviewed plan is saved as a new version with what changed and why; the next "
            "review is then due one review interval from today.",
            specs,
            "Complete review",
            parent,
        )
        listing = QListWidget()
        listing.setObjectName("reviewChanges")
        listing.addItems(changes or ["No changes to the plan in this review."])
        listing.setMaximumHeight(150)
        self.body.insertWidget(1, QLabel("<b>Changes in the editor since the review started:</b>"))
        self.body.insertWidget(2, listing)
        self.changes = listing
        summary = "; ".join(changes[:6]) if changes else "No changes needed."
        self.form.set_values({"what_changed": summary})

    def emit_values(self, values: dict) -> None:
        what, why = values["what_changed"].strip(), values["why"].strip()
        if not what:
            self.form.show_problem("what_changed", "Say what the review changed (or “nothing”).")
            return
        if not why:
            self.form.show_problem("why", "Say why: what the review found.")
            return
        self.submitted.emit(what, why)


class IntensityDialog(_FormDialog):
    submitted = Signal(str, str)  # level, why

    def __init__(self, current: str, parent=None) -> None:
        choices = [(i.label, i.value) for i in Intensity if i.value != current]
        specs = [
            Field("intensity", "Change to", kind="combo", choices=choices),
            Field(
                "reason",
                "Why",
                kind="long",
                required=True,
                hint="Up when an illness is unstable (a recent admission); down when it settles",
            ),
        ]
        super().__init__(
            "Change coordination intensity",
            f"The plan is now {Intensity(current).label.lower()}. The change and its reason are "
            "kept in the plan's history.",
            specs,
            "Change",
            parent,
        )

    def emit_values(self, values: dict) -> None:
        if not values["reason"].strip():
            self.form.show_problem("reason", "Say why the coordination intensity changes.")
            return
        self.submitted.emit(values["intensity"], values["reason"].strip())


COPY_KINDS = [
    ("The patient", "patient"),
    ("A carer", "carer"),
    ("A provider", "provider"),
    ("Someone else", "other"),
]
COPY_METHODS = [(m, m) for m in ("Handed over", "Post", "Email", "Secure message", "Fax")]


class CopyDialog(_FormDialog):
    def __init__(self, parent=None) -> None:
        specs = [
            Field("recipient_kind", "Given to", kind="combo", choices=COPY_KINDS),
            Field("recipient", "Name", required=True, hint="Patient, Ann Smith (carer), Dr Wong"),
            Field("given_on", "On", kind="date", required=True),
            Field("method", "How", kind="combo", choices=COPY_METHODS),
        ]
        super().__init__(
            "Record a copy given",
            "A copy of the plan given or sent: to whom, when and how.",
            specs,
            "Record",
            parent,
        )
        self.form.set_values({"recipient": "Patient", "given_on": date.today()})
