"""The "Review and agreement" page: the review schedule and arrangements, the patient's
agreement, and the log of copies of the plan given or sent."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from carecoord_desktop.ui.careplans import fields as f
from carecoord_desktop.ui.careplans.document import PlanDocument
from carecoord_desktop.ui.careplans.pages import FieldsPage
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

_KINDS = dict(
    (v, k)
    for k, v in [
        ("Patient", "patient"),
        ("Carer", "carer"),
        ("Provider", "provider"),
        ("Other", "other"),
    ]
)


class ReviewPage(FieldsPage):
    def __init__(self, doc: PlanDocument, editor) -> None:
        super().__init__(
            doc,
            "review",
            "Review and agreement",
            "When the plan is reviewed and how, the patient's agreement, and the copies given.",
            f.REVIEW_FIELDS,
            tall=90,
        )
        self.editor = editor
        self.next_review = QLabel()
        self.next_review.setObjectName("nextReview")
        self.next_review.setWordWrap(True)
        self.body.insertWidget(2, self.next_review)
        copies = QLabel("<b>Copies given or sent</b>")
        self.body.addWidget(copies)
        self.copies_model = RowsTableModel(
            [
                Column("To", lambda c: f"{c.recipient} ({_KINDS.get(c.recipient_kind, '')})"),
                Column("On", lambda c: f"{c.given_on:%d/%m/%Y}"),
                Column("How", lambda c: c.method),
                Column("Version", lambda c: c.plan_revision, align_right=True),
                Column("Recorded by", lambda c: c.recorded_by),
            ],
            self,
        )
        self.copies = FittedTableView()
        self.copies.setObjectName("copiesTable")
        self.copies.setModel(self.copies_model)
        self.copies.setMinimumHeight(110)
        self.body.addWidget(self.copies)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Record a copy given…")
        self.copy_button.clicked.connect(editor.record_copy)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.finish()

    def show_copies(self, rec) -> None:
        self.copies_model.set_rows(list(rec.copies))
        last = (
            f"last reviewed {rec.last_review_on:%d/%m/%Y}"
            if rec.last_review_on
            else ("not reviewed yet")
        )
        due = f"{rec.next_review_on:%d/%m/%Y}" if rec.next_review_on else "none scheduled"
        self.next_review.setText(f"Next review due: <b>{due}</b> ({last}).")

    def show_all(self) -> None:
        super().show_all()
        editor = getattr(self, "editor", None)
        if editor is not None and editor.record is not None:
            self.show_copies(editor.record)
