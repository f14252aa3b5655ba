"""A card's bottom line at the narrow widths of a 1280-px board: the countdown keeps its
meaning ("in 5 work days", never "n 5 business days") and never runs under the source chip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from carecoord_desktop.models.task import TaskPriority, TaskSource, TaskState
from carecoord_desktop.services.tasks.calendar import PracticeCalendar
from carecoord_desktop.services.tasks.types import TaskCard
from carecoord_desktop.ui.tasks import cards
from carecoord_desktop.ui.tasks.cards import CardDelegate, fit_countdown

TODAY = date(2026, 12, 1)  # a Tuesday


def _card(due: date, source: TaskSource) -> TaskCard:
    return TaskCard(
        id=1, version=1, state=TaskState.TODO, position=1.0,
        title="Medication reconciliation after discharge", patient_id=1,
        patient_name="MORRIS, Martin", practice_id="P000073", owner_id=None, owner_name=None,
        owner_role="nurse", due_date=due, due_time=None, priority=TaskPriority.NORMAL,
        source=source, source_id=None, kind=None, checklist_done=0, checklist_total=0,
        comment_count=0, created_at=datetime(2026, 11, 30, tzinfo=UTC), completed_at=None,
    )  # fmt: skip


def test_fit_countdown_keeps_the_start_of_the_words(qtbot):
    metrics = QFontMetrics(QFont())
    text = "due in 5 business days"
    assert fit_countdown(text, metrics, 1000) == text
    short = fit_countdown(text, metrics, metrics.horizontalAdvance("in 5 work days") + 4)
    assert short == "in 5 work days"
    assert fit_countdown("3 days overdue", metrics, metrics.horizontalAdvance("3 days late") + 4) \
        == "3 days late"  # fmt: skip
    tiny = fit_countdown(text, metrics, metrics.horizontalAdvance("in 5 w") + 2)
    assert tiny.startswith("in 5")


@pytest.mark.parametrize("width", [200, 230, 260, 400])
def test_the_countdown_never_runs_under_the_source_chip(qtbot, monkeypatch, width):
    drawn: list[tuple[str, int, int]] = []  # (text, left, right) of what was painted
    real_text, real_chip = CardDelegate._text, CardDelegate._chip

    def spy_text(painter, font, text, x, y, w, h, align=cards.Qt.AlignmentFlag.AlignLeft):
        shown = QFontMetrics(font).elidedText(text, cards.Qt.TextElideMode.ElideRight, max(w, 0))
        drawn.append((shown, x, x + w))
        real_text(painter, font, text, x, y, w, h, align)

    def spy_chip(painter, font, text, x, y, colour, *, filled=False):
        taken = real_chip(painter, font, text, x, y, colour, filled=filled)
        drawn.append((f"chip:{text}", x, x + taken - 6))
        return taken

    monkeypatch.setattr(CardDelegate, "_text", staticmethod(spy_text))
    monkeypatch.setattr(CardDelegate, "_chip", staticmethod(spy_chip))
    calendar = PracticeCalendar("AU-NSW")
    card = _card(TODAY + timedelta(days=7), TaskSource.RECONCILIATION)
    delegate = CardDelegate(lambda: TODAY, lambda: calendar)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, CardDelegate.HEIGHT)
    image = QImage(width, CardDelegate.HEIGHT, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    monkeypatch.setattr(QModelIndex, "data", lambda _self, _role=0: card)
    try:
        delegate.paint(painter, option, QModelIndex())
    finally:
        painter.end()
    chip = next(d for d in drawn if d[0] == "chip:Med rec")
    words = next(d for d in drawn if "day" in d[0] and "chip:" not in d[0])
    assert words[1] >= chip[2], f"countdown {words} starts under the chip {chip}"
    assert words[0].startswith(("due in", "in ")), words[0]
