"""The risk summary beside the Patients list: who, which tier, and why in short reasons.

Each factor that raised the score is one line with its points; what did not count is listed
under it (so a patient with heart failure shown as Low says why). How the score is computed is
one click away ("How is the score worked out?"), not spelt out in every summary.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.services.patients import register as registry

TIER_COLOURS = {"high": "#8e1b12", "medium": "#6b4e00", "low": "#1d5a2c"}
RISK_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}


class RiskRuleDialog(QDialog):
    """How the risk score is computed, part by part, with the source of the condition weights."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How the risk score is worked out")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()  # scrolls rather than cut the last parts off
        self.text.setOpenLinks(False)
        self.text.setMinimumSize(420, 300)
        items = "".join(
            f"<li style='margin-bottom: 6px'>{escape(line)}</li>"
            for line in registry.RISK_RULE_LINES
        )
        self.text.setHtml(
            f"<p>The score adds up points from the record. Each part:</p><ul>{items}</ul>"
        )
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class RiskExplanationView(QWidget):
    """The tier with its score and thresholds, each factor with its points, what did not count,
    and the link to the rule: one presentation for the Patients list's panel and the record."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tier = QLabel()
        self.tier.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.tier)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.reasons)
        self.not_counted = QLabel()
        self.not_counted.setWordWrap(True)
        self.not_counted.setTextFormat(Qt.TextFormat.RichText)
        self.not_counted.setObjectName("pageSubtitle")
        layout.addWidget(self.not_counted)
        self.how = QPushButton("How is the score worked out?")
        self.how.setFlat(True)
        self.how.setCursor(Qt.CursorShape.PointingHandCursor)
        self.how.setStyleSheet(
            "QPushButton { color: #1f5f9e; text-decoration: underline; border: none; "
            "text-align: left; padding: 2px 0; background: transparent; }"
        )
        self.how.clicked.connect(self.show_rule)
        layout.addWidget(self.how, 0, Qt.AlignmentFlag.AlignLeft)
        self.rule_dialog: RiskRuleDialog | None = None

    def show_explanation(self, explanation: registry.RiskExplanation) -> None:
        tier = explanation.tier
        label = RISK_LABELS.get(tier, tier.capitalize())
        colour = TIER_COLOURS.get(tier, "#12355b")
        self.tier.setText(
            f"<b>Risk tier: <span style='color: {colour}'>{label}</span></b>"
            f"<br><span style='color: #555'>{escape(explanation.summary)}</span>"
        )
        if explanation.factors:
            rows = "".join(
                f"<tr><td style='padding: 2px 8px 2px 0'>{escape(f.label)}</td>"
                f"<td align='right' style='padding: 2px 0; white-space: nowrap'>"
                f"<b>+{f.points}</b></td></tr>"
                for f in explanation.factors
            )
            self.reasons.setText(f"<b>Why</b><table width='100%'>{rows}</table>")
        else:
            self.reasons.setText("<b>Why</b><br>Nothing in the record raises the score.")
        if explanation.not_counted:
            items = "".join(f"<li>{escape(r)}</li>" for r in explanation.not_counted)
            self.not_counted.setText(
                f"Not counted:<ul style='margin-left: -16px; margin-top: 0'>{items}</ul>"
            )
        else:
            self.not_counted.clear()

    def show_rule(self) -> RiskRuleDialog:
        if self.rule_dialog is None:
            self.rule_dialog = RiskRuleDialog(self)
        self.rule_dialog.show()
        self.rule_dialog.raise_()
        return self.rule_dialog


class RiskPanel(QFrame):
    """Read-only: who the patient is, their risk tier and the reasons for it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumWidth(280)
        self.setMaximumWidth(380)  # the list stays the main thing on screen
        self.patient_id: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 14)
        top = QHBoxLayout()
        self.name = QLabel()
        self.name.setObjectName("panelTitle")
        self.name.setStyleSheet("font-size: 13pt; font-weight: 600; color: #12355b;")
        self.name.setWordWrap(True)
        self.name.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.name, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.details = QLabel()
        self.details.setObjectName("pageSubtitle")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        layout.addSpacing(8)
        self.explanation = RiskExplanationView()
        # The names the panel had before the view was shared with the record window.
        self.tier, self.reasons = self.explanation.tier, self.explanation.reasons
        self.not_counted, self.how_button = self.explanation.not_counted, self.explanation.how
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        scroll = QScrollArea()  # a long list of reasons scrolls; nothing is cut off
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        outer.addWidget(scroll, 1)
        self.open_button = QPushButton("Open full record")
        self.open_button.setObjectName("primary")
        outer.addWidget(self.open_button)

    def show_patient(self, patient_id: int, row, explanation: registry.RiskExplanation) -> None:
        self.patient_id = patient_id
        if row is not None:
            self.name.setText(row.display_name)
            conditions = row.conditions_summary or "no chronic conditions recorded"
            self.details.setText(
                f"{escape(row.practice_id)} · born {row.date_of_birth:%d/%m/%Y} ({row.age})<br>"
                f"Conditions: {escape(conditions)}<br>"
                f"{row.medication_count} active medicine"
                f"{'' if row.medication_count == 1 else 's'}<br>"
                f"Coordinator: {escape(row.coordinator_name or 'none')}"
            )
        self.explanation.show_explanation(explanation)
        self.show()

    @property
    def rule_dialog(self) -> RiskRuleDialog | None:
        return self.explanation.rule_dialog

    def show_rule(self) -> RiskRuleDialog:
        return self.explanation.show_rule()
