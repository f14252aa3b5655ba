"""The meeting's clock: elapsed time computed from the stamped start (never counted up by the
timer, so a locked screen, a sleeping laptop or a window opened again keeps the right time),
and a bar of the case-conference item tiers (15, 20 and 40 minutes) with where the meeting is.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from carecoord_desktop.services.conferences import meeting as meeting_service

TIER_MARKS = (15, 20, 40)  # the tiers' lower bounds (minutes), items 735-758
_SPAN = 50  # minutes the bar shows at least (the top tier starts at 40)
_BANDS = ("#e3e8ee", "#cfe3f6", "#a9cdef", "#7fb3e3")  # under 15, 15-20, 20-40, 40+
_FILL = "#1d4f85"
_TEXT = "#12355b"
_PLANNED = "#6b4e00"
_BAND_WORDS = ("under 15 min: no item", "735 / 747", "739 / 750", "743 / 758")


def utc(at: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive: every stamp here is UTC."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def elapsed_seconds(
    started_at: datetime | None, ended_at: datetime | None, now: datetime
) -> int | None:
    """Seconds from the stamped start to the end (or to `now` while it runs); None before it
    starts. Never negative: a clock set wrong on another workstation shows 0, not -3:00."""
    start = utc(started_at)
    if start is None:
        return None
    stop = utc(ended_at) or utc(now)
    return max(0, int((stop - start).total_seconds()))


def clock_text(seconds: int | None) -> str:
    """ "0:00" before the start; "23:05"; "1:02:05" past the hour."""
    if seconds is None:
        return "0:00"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _minutes_words(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    return f"{minutes} min" if minutes else f"{secs} s"


def tier_words(seconds: int | None) -> tuple[str, str]:
    """(the current tier and its MBS items, how long to the next tier) for the elapsed time."""
    minutes = (seconds or 0) // 60
    tier = meeting_service.tier_for(minutes)
    if tier.organiser_item:
        items = (
            f"{tier.label} — item {tier.organiser_item} (GP organising), "
            f"item {tier.participant_item} (GP taking part)"
        )
    else:
        items = f"{tier.label}"
    if tier.next_at is None:
        upcoming = "The top tier: no later tier."
    else:
        left = tier.next_at * 60 - (seconds or 0)
        upcoming = f"{_minutes_words(left)} to the {tier.next_at}-minute tier"
    return items, upcoming


class TierBar(QWidget):
    """A bar from 0 to 50 minutes (longer if the meeting runs on) banded by the tiers, filled to
    the elapsed time, with the 15, 20 and 40-minute marks labelled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tierBar")
        self.seconds: int | None = None
        self.planned: int | None = None
        self.setMinimumHeight(54)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Elapsed time against the item tiers")

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(480, 54)

    def set_elapsed(self, seconds: int | None, planned: int | None = None) -> None:
        self.seconds, self.planned = seconds, planned
        items, upcoming = tier_words(seconds)
        self.setAccessibleDescription(f"{items}. {upcoming}")
        self.update()

    def _span(self) -> float:
        minutes = (self.seconds or 0) / 60
        return float(max(_SPAN, (self.planned or 0) + 5, minutes + 5))

    def paintEvent(self, _event) -> None:  # Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        span = self._span()
        left, width = 4.0, self.width() - 8.0
        band_top, band_h = 2.0, 20.0
        track_top, track_h = band_top + band_h + 3, 8.0
        bottom = track_top + track_h

        def x_at(minutes: float) -> float:
            return left + width * min(minutes, span) / span

        small = QFont(self.font())
        small.setPointSizeF(max(7.5, small.pointSizeF() - 1.5))
        p.setFont(small)
        metrics = p.fontMetrics()
        edges = (0, *TIER_MARKS, span)
        for n, colour in enumerate(_BANDS):
            band = QRectF(x_at(edges[n]), band_top, x_at(edges[n + 1]) - x_at(edges[n]), band_h)
            p.fillRect(band, QColor(colour))
            words = _BAND_WORDS[n]
            if metrics.horizontalAdvance(words) + 8 < band.width():
                p.setPen(QColor(_TEXT))
                p.drawText(band, Qt.AlignmentFlag.AlignCenter, words)
        p.fillRect(QRectF(left, track_top, width, track_h), QColor("#e3e8ee"))
        if self.seconds is not None:
            done = QRectF(left, track_top, x_at(self.seconds / 60) - left, track_h)
            p.fillRect(done, QColor(_FILL))
        labels_y = int(bottom + 3 + metrics.ascent())
        p.setPen(QPen(QColor(_TEXT), 2))
        taken = []
        for mark in TIER_MARKS:
            x = x_at(mark)
            p.drawLine(int(x), int(band_top), int(x), int(bottom + 2))
            label = f"{mark} min"
            p.drawText(int(x - metrics.horizontalAdvance(label) / 2), labels_y, label)
            taken.append(x)
        if self.planned:
            x = x_at(self.planned)
            p.setPen(QPen(QColor(_PLANNED), 2, Qt.PenStyle.DashLine))
            p.drawLine(int(x), int(track_top - 2), int(x), int(bottom + 2))
            label = f"planned {self.planned} min"
            half = metrics.horizontalAdvance(label) / 2
            if all(abs(x - t) > half + 30 for t in taken):
                p.setPen(QColor(_PLANNED))
                p.drawText(int(x - half), labels_y, label)
        p.end()
