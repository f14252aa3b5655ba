"""The conference window's "Summary and check" page (conf-meeting builds the real one: the
rule pack's checklist, printing, who received the summary). Until it lands, the page lists
the rule pack's elements met and missing, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.conferences.common import ConferenceContext


class SummaryPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def show_record(self, rec: ConferenceRecord) -> None:
        from carecoord_desktop.services.conferences.rules import check_record

        check = check_record(rec)
        self.text.setText(
            "\n".join(
                f"{'Met' if e.met else 'Missing'}: {e.name} — {e.detail}" for e in check.elements
            )
        )
