"""How a task card reads and looks: the countdown words, the owner, the source, and the delegate
that paints a card (a column shows thousands of cards without building a widget for any).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from carecoord_desktop.services.tasks.types import (
    PRIORITY_LABELS,
    SOURCE_LABELS,
    TaskCard,
    TaskPriority,
    TaskSource,
)

CARD_ROLE = Qt.ItemDataRole.UserRole + 1  # the TaskCard
TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 2

# Short names for the card's source chip (the detail and tooltip say it in full).
SOURCE_CHIPS = {
    TaskSource.MANUAL: "",
    TaskSource.PLAN: "Care plan",
    TaskSource.DISCHARGE: "Discharge",
    TaskSource.RECONCILIATION: "Med rec",
    TaskSource.REFERRAL: "Referral",
    TaskSource.CONFERENCE: "Conference",
}
_SOURCE_COLOURS = {
    TaskSource.PLAN: "#2e6b3a",
    TaskSource.DISCHARGE: "#7a3e00",
    TaskSource.RECONCILIATION: "#5b2a86",
    TaskSource.REFERRAL: "#0b5563",
    TaskSource.CONFERENCE: "#8a1c52",
}
PRIORITY_COLOURS = {
    TaskPriority.URGENT: QColor("#b3261e"),
    TaskPriority.HIGH: QColor("#d9822b"),
    TaskPriority.NORMAL: QColor("#3b82c4"),
    TaskPriority.LOW: QColor("#a9b6c3"),
}
OVERDUE = QColor("#a11d1d")
TODAY = QColor("#8a5a00")
MUTED = QColor("#5b6b7b")
TEXT = QColor("#1b2733")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def countdown(card: TaskCard, today: date, calendar=None) -> str:
    """'due in 2 business days', 'due today', '3 days overdue', '' without a due date.

    The days ahead count business days on the practice's calendar (a discharge's clock runs in
    them); days overdue are calendar days, as people count lateness."""
    if card.due_date is None:
        return ""
    if not card.is_open:
        return "done"
    days = (card.due_date - today).days
    if days < 0:
        return f"{plural(-days, 'day')} overdue"
    if days == 0:
        return "due today"
    if calendar is not None:
        ahead = calendar.business_days_between(today, card.due_date)
        if ahead <= 0:  # due on a weekend or holiday straight ahead
            return "due " + ("tomorrow" if days == 1 else f"in {plural(days, 'day')}")
        return "due tomorrow" if days == 1 else f"due in {plural(ahead, 'business day')}"
    return "due tomorrow" if days == 1 else f"due in {plural(days, 'day')}"


def fit_countdown(text: str, metrics: QFontMetrics, width: int) -> str:
    """The countdown in the words that fit `width`: whole, then shortened ("in 4 work days",
    "4 days late"), then elided; never cut at its start, where "due in" or the number is."""
    shorter = (
        text.replace("due in ", "in ")
        .replace(" business days", " work days")
        .replace(" business day", " work day")
        .replace(" overdue", " late")
    )
    for candidate in (text, shorter):
        if metrics.horizontalAdvance(candidate) + 2 <= width:
            return candidate
    return metrics.elidedText(shorter, Qt.TextElideMode.ElideRight, max(width - 2, 0))


def due_text(card: TaskCard) -> str:
    if card.due_date is None:
        return "No due date"
    when = f"{card.due_date:%a %d/%m}"
    if card.due_time is not None:
        when += f" {card.due_time:%H:%M}"
    return when


def urgency(card: TaskCard, today: date) -> str:
    """'overdue', 'today' or '' (for the highlight)."""
    if not card.is_open or card.due_date is None:
        return ""
    if card.due_date < today:
        return "overdue"
    return "today" if card.due_date == today else ""


def patient_text(card: TaskCard) -> str:
    if card.patient_id is None:
        return "No patient (practice task)"
    name = card.patient_name or "(patient)"
    return f"{name} · {card.practice_id}" if card.practice_id else name


def owner_text(card: TaskCard) -> str:
    if card.owner_name:
        return card.owner_name
    return f"{card.owner_label} queue" if card.owner_role else "Unassigned"


def source_text(card: TaskCard) -> str:
    return SOURCE_LABELS.get(TaskSource(card.source), str(card.source))


def tooltip(card: TaskCard, today: date, calendar=None) -> str:
    lines = [
        card.title,
        patient_text(card),
        f"Owner: {owner_text(card)}",
        f"Due: {due_text(card)}"
        + (f" ({countdown(card, today, calendar)})" if card.due_date else ""),
        f"Priority: {PRIORITY_LABELS[TaskPriority(card.priority)]}",
        f"From: {source_text(card)}",
    ]
    if card.checklist_total:
        lines.append(f"Checklist: {card.checklist_done} of {card.checklist_total} done")
    lines.append("Enter: details · Ctrl+←/→: move column · Ctrl+↑/↓: reorder · Ctrl+O: record")
    return "\n".join(lines)


class CardDelegate(QStyledItemDelegate):
    """Paints a card: a priority bar, the title, the patient, the owner and the due line, and
    the source and checklist chips. Highlights overdue (red) and due today (amber)."""

    HEIGHT = 100
    MARGIN = 5

    def __init__(self, today_fn, calendar_fn, parent=None) -> None:
        super().__init__(parent)
        self.today_fn = today_fn
        self.calendar_fn = calendar_fn

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # Qt override
        return QSize(max(option.rect.width(), 200), self.HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        card: TaskCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        today = self.today_fn()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(self.MARGIN, self.MARGIN - 1, -self.MARGIN, -self.MARGIN + 1)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        flag = urgency(card, today)
        background = QColor("#fdf0ef") if flag == "overdue" else QColor("white")
        if flag == "today":
            background = QColor("#fff8e6")
        if selected:
            background = QColor("#e3eefa")
        painter.setPen(
            QPen(
                QColor("#1d4f85") if selected or focused else QColor("#d5dde5"),
                2 if selected else 1,
            )
        )
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 5, 5)
        bar = QRect(rect.left(), rect.top(), 5, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PRIORITY_COLOURS[TaskPriority(card.priority)])
        painter.drawRoundedRect(bar, 2, 2)

        inner = rect.adjusted(13, 6, -8, -6)
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1, 7.5))
        line = QFontMetrics(base).height() + 2
        y = inner.top()

        # 1: the title (and the priority when it is not normal)
        painter.setFont(bold)
        painter.setPen(TEXT)
        priority = TaskPriority(card.priority)
        tag = (
            "" if priority in (TaskPriority.NORMAL, TaskPriority.LOW) else PRIORITY_LABELS[priority]
        )
        title_width = inner.width()
        if tag:
            tag_width = QFontMetrics(small).horizontalAdvance(tag) + 12
            title_width -= tag_width + 4
            self._chip(
                painter,
                small,
                tag,
                inner.right() - tag_width + 1,
                y,
                PRIORITY_COLOURS[priority],
                filled=True,
            )
            painter.setFont(bold)
            painter.setPen(TEXT)
        elided = QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, title_width)
        painter.drawText(
            QRect(inner.left(), y, title_width, line), Qt.AlignmentFlag.AlignVCenter, elided
        )
        y += line

        # 2: the patient
        painter.setFont(base)
        painter.setPen(TEXT)
        self._text(painter, base, patient_text(card), inner.left(), y, inner.width(), line)
        y += line

        # 3: the owner, and the due date on the right
        due = (
            due_text(card)
            if card.is_open or card.completed_at is None
            else (f"Done {card.completed_at.astimezone():%a %d/%m}")
        )
        due_width = min(QFontMetrics(base).horizontalAdvance(due) + 2, inner.width() // 2)
        painter.setPen(MUTED)
        self._text(
            painter, base, owner_text(card), inner.left(), y, inner.width() - due_width - 8, line
        )
        self._text(
            painter,
            base,
            due,
            inner.right() - due_width,
            y,
            due_width,
            line,
            Qt.AlignmentFlag.AlignRight,
        )
        y += line + 2

        # 4: chips (where it came from, the checklist, comments) and the countdown on the right;
        # the source chip's room is kept first so a long countdown never runs under it
        chip = SOURCE_CHIPS.get(TaskSource(card.source), "")
        chip_room = QFontMetrics(small).horizontalAdvance(chip) + 18 if chip else 0
        left = countdown(card, today, self.calendar_fn()) if card.is_open else ""
        left_width = 0
        if left:
            font = bold if flag else base
            left = fit_countdown(left, QFontMetrics(font), inner.width() - chip_room)
            left_width = QFontMetrics(font).horizontalAdvance(left) + 2
            painter.setPen(OVERDUE if flag == "overdue" else TODAY if flag == "today" else TEXT)
            self._text(
                painter,
                font,
                left,
                inner.right() - left_width,
                y - 1,
                left_width,
                line,
                Qt.AlignmentFlag.AlignRight,
            )
        x = inner.left()
        if chip:
            x += self._chip(
                painter, small, chip, x, y, QColor(_SOURCE_COLOURS[TaskSource(card.source)])
            )
        if card.checklist_total and x + 60 < inner.right() - left_width:
            x += self._chip(
                painter, small, f"☑ {card.checklist_done}/{card.checklist_total}", x, y, MUTED
            )
        if card.comment_count and x + 90 < inner.right() - left_width:
            self._chip(painter, small, plural(card.comment_count, "comment"), x, y, MUTED)
        painter.restore()

    @staticmethod
    def _text(painter, font, text, x, y, width, height, align=Qt.AlignmentFlag.AlignLeft) -> None:
        painter.setFont(font)
        shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0))
        painter.drawText(
            QRect(x, y, max(width, 0), height), align | Qt.AlignmentFlag.AlignVCenter, shown
        )

    @staticmethod
    def _chip(painter, font, text, x, y, colour: QColor, *, filled: bool = False) -> int:
        """A rounded label; returns the width it took (with a gap)."""
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 12
        rect = QRect(x, y, width, metrics.height() + 4)
        painter.setFont(font)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(colour if filled else QColor("white"))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("white") if filled else colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return width + 6
