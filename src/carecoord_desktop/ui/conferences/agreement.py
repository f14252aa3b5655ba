"""The patient's agreement to the conference, its own small group with its own save: agreed or
not, on which day, verbally or in writing, and a note (the MBS items need the agreement before
the conference is held)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.conference import AgreementMethod
from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.conferences.when import day_text
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import Field, FieldBox
from carecoord_desktop.ui.widgets.messages import error_label, show_error

# Text keys: a combo box cannot find None or False among its items' data reliably.
AGREED_CHOICES = (("Not asked yet", "unset"), ("Yes, the patient agreed", "yes"),
                  ("No, the patient did not agree", "no"))  # fmt: skip
_AGREED_KEY = {None: "unset", True: "yes", False: "no"}
HOW_CHOICES = (("Verbally", AgreementMethod.VERBAL.value),
               ("In writing", AgreementMethod.WRITTEN.value))  # fmt: skip
_ALIASES = {"on": "agreed_on", "how": "agreed_how", "note": "agreement_note"}


class AgreementBox(QGroupBox):
    def __init__(self, parent=None) -> None:
        super().__init__("The patient's agreement", parent)
        self.setObjectName("agreementBox")
        self.record: ConferenceRecord | None = None
        self.opened: tuple | None = None
        self._take_next = False
        self.recorded = QLabel()
        self.recorded.setObjectName("agreementRecorded")
        self.recorded.setWordWrap(True)
        self.agreed = QComboBox()
        self.agreed.setObjectName("agreed")
        for text, value in AGREED_CHOICES:
            self.agreed.addItem(text, value)
        self.on = DateField("date of the agreement")
        self.on.setObjectName("agreed_on")
        self.how = QComboBox()
        self.how.setObjectName("agreed_how")
        for text, value in HOW_CHOICES:
            self.how.addItem(text, value)
        self.note = QLineEdit()
        self.note.setObjectName("agreement_note")
        self.note.setPlaceholderText("Who was asked, what they said")
        self.save_button = QPushButton("Record a&greement")
        self.save_button.setObjectName("saveAgreement")
        self.error = error_label()
        self.boxes = {
            "agreed_on": FieldBox(Field("agreed_on", "On"), self.on),
            "agreed_how": FieldBox(Field("agreed_how", "How"), self.how),
            "agreement_note": FieldBox(Field("agreement_note", "Note"), self.note),
        }
        # Compact: the day and the way side by side, so the group fits under the details.
        form = QFormLayout(self)
        form.addRow(self.recorded)
        form.addRow("&Agreed", self.agreed)
        on_how = QHBoxLayout()
        on_how.addWidget(self.boxes["agreed_on"])
        how_label = QLabel("&How")
        how_label.setBuddy(self.how)
        on_how.addWidget(how_label, 0, Qt.AlignmentFlag.AlignTop)
        on_how.addWidget(self.boxes["agreed_how"], 1)
        on_label = QLabel("&On")
        on_label.setBuddy(self.on)
        form.addRow(on_label, on_how)
        note_label = QLabel("No&te")
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.boxes["agreement_note"])
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.save_button)
        form.addRow(row)
        self.agreed.currentIndexChanged.connect(self._edited)
        self.how.currentIndexChanged.connect(self._edited)
        self.note.textChanged.connect(self._edited)
        self.on.edit.textChanged.connect(self._edited)
        self.editable = True

    def show_record(self, rec: ConferenceRecord) -> None:
        self.record = rec
        if rec.agreed is None:
            self.recorded.setText("Not recorded yet: ask the patient (or their carer) first.")
        else:
            said = "agreed" if rec.agreed else "did not agree"
            how = dict((v, t.lower()) for t, v in HOW_CHOICES).get(rec.agreed_how or "", "")
            self.recorded.setText(
                f"Recorded: the patient {said}"
                + (f" {how}" if how else "")
                + (f" on {day_text(rec.agreed_on)}" if rec.agreed_on else "")
                + "."
            )
        if self._take_next or not self.has_unsaved_edits():
            self._take_next = False
            self.agreed.setCurrentIndex(max(self.agreed.findData(_AGREED_KEY[rec.agreed]), 0))
            self.on.set_value(rec.agreed_on)
            self.how.setCurrentIndex(max(self.how.findData(rec.agreed_how), 0))
            self.note.setText(rec.agreement_note or "")
            for box in self.boxes.values():
                box.show_problem("")
            self.error.hide()
            self.opened = self._snapshot()
        self._edited()

    def _snapshot(self) -> tuple:
        return (self.agreed.currentData(), self.on.text().strip(), self.how.currentData(),
                self.note.text().strip())  # fmt: skip

    def has_unsaved_edits(self) -> bool:
        return self.opened is not None and self._snapshot() != self.opened

    def take_next(self) -> None:
        self._take_next = True

    def _edited(self, *_args) -> None:
        asked = self.agreed.currentData() != "unset"
        for widget in (self.how, self.note):
            widget.setEnabled(self.editable and asked)
        self.on.setEnabled(self.editable and asked)
        if asked and not self.on.text().strip() and self.editable:
            self.on.set_value(date.today())
        self.save_button.setEnabled(self.editable and self.has_unsaved_edits())

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.agreed.setEnabled(editable)
        self.save_button.setVisible(editable)
        self._edited()

    def values(self) -> dict:
        """The service's keyword arguments, or ValidationError at the field."""
        for box in self.boxes.values():
            box.show_problem("")
        self.error.hide()
        agreed = {"yes": True, "no": False}.get(self.agreed.currentData())
        if agreed is None:  # "Not asked yet": clears an answer recorded by mistake
            return {"agreed": None, "on": None, "how": None, "note": None}
        on = self.on.value()
        if on is None:
            raise ValidationError("Enter the day the patient was asked.", field="agreed_on")
        return {"agreed": agreed, "on": on, "how": self.how.currentData(),
                "note": self.note.text().strip() or None}  # fmt: skip

    def show_problem(self, field: str | None, text: str) -> None:
        name = _ALIASES.get(field or "", field or "")
        box = self.boxes.get(name)
        if box is None:
            show_error(self.error, text)
            return
        box.show_problem(text)
        box.input.setFocus()
