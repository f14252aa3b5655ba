"""Record who received the conference summary: the participants and the patient, ticked, each
with how it was given, and the day. It is what the programs audit (the sharing record), and it
meets "the summary offered to the patient and given to the team"."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.conference import ParticipantKind
from carecoord_desktop.models.referral import METHOD_LABELS, SendMethod
from carecoord_desktop.services.conferences import printing
from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.summary_page import method_words
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_PERSONAL = (ParticipantKind.PATIENT.value, ParticipantKind.CARER.value)


def recipients_of(rec: ConferenceRecord) -> list[tuple[str, str, str]]:
    """(name, who they are, the usual way it reaches them): the patient first (always offered,
    whether or not they attended), then everyone invited."""
    out: list[tuple[str, str, str]] = []
    if not any(p.kind == ParticipantKind.PATIENT.value for p in rec.participants):
        out.append((rec.patient_name, "the patient", SendMethod.BY_HAND.value))
    for p in rec.participants:
        words = p.discipline or ("the patient" if p.kind == ParticipantKind.PATIENT.value else "")
        how = SendMethod.BY_HAND.value if p.kind in _PERSONAL else SendMethod.SECURE_MESSAGE.value
        out.append((p.name, words, how))
    out.sort(key=lambda r: r[1] not in ("the patient",))
    return out


class ShareSummaryDialog(QDialog):
    def __init__(
        self, ctx: ConferenceContext, rec: ConferenceRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shareSummaryDialog")
        self.setWindowTitle("Record who received the summary")
        self.setMinimumWidth(600)
        self.ctx, self.rec = ctx, rec
        self.rows: list[tuple[QCheckBox, QComboBox, str]] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel("<b>Received it</b>"), 0, 0)
        grid.addWidget(QLabel("<b>How</b>"), 0, 1)
        for n, (name, who, how) in enumerate(recipients_of(rec), start=1):
            tick = QCheckBox(f"{name} — {who}" if who else name)
            tick.setAccessibleName(f"{name} received it")
            method = QComboBox()
            method.setAccessibleName(f"How {name} received it")
            for m in METHOD_LABELS:
                method.addItem(method_words(m.value), m.value)
            method.setCurrentIndex(max(0, method.findData(how)))
            grid.addWidget(tick, n, 0)
            grid.addWidget(method, n, 1)
            self.rows.append((tick, method, name))
        grid.setColumnStretch(0, 1)
        self.on = DateField("day it was given", required=True)
        self.on.setObjectName("on")
        self.on.set_value(date.today())
        self.error = error_label()
        note = QLabel(
            "Tick each person given the summary and how. Printing it does not record this: "
            "a copy printed may still be in the tray."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4a5a6a;")
        form = QFormLayout()
        form.addRow("Given on", self.on)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def tick(self, name: str, method: str | None = None) -> None:
        """Tick `name` (and say how), as a click would."""
        for box, combo, who in self.rows:
            if who == name:
                box.setChecked(True)
                if method is not None:
                    combo.setCurrentIndex(combo.findData(method))
                return
        raise KeyError(name)

    def recipients(self) -> list[tuple[str, str]]:
        chosen = [(name, combo.currentData()) for box, combo, name in self.rows if box.isChecked()]
        if not chosen:
            raise ValidationError("Tick who received the summary.", "recipients")
        return chosen

    def accept(self) -> None:  # Qt override: stay open with the message when refused
        state = self.ctx.state
        try:
            recipients = self.recipients()
            on = self.on.value()
            if on > date.today():
                raise ValidationError("That day has not come yet: record it once given.", "on")
            result = printing.share_summary(state.ws, state.actor, self.rec.id, recipients, on)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.ctx.written(result)
        super().accept()
