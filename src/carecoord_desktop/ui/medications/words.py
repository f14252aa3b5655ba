"""How the medication screens say a line's status and a flag: words, a text marker and a colour,
always all three (never colour alone: a colour-blind nurse or a grey printout must read it)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED
from carecoord_desktop.services.medications.types import DECISION_TEXT, Decision, Transition
from carecoord_desktop.ui.widgets.date_field import DISPLAY_FORMAT


@dataclass(frozen=True)
class Look:
    marker: str  # a text marker in front of the words
    words: str
    background: str  # a pale fill for the row
    foreground: str = "#1b2733"


STATUS_LOOK: dict[str, Look] = {
    "unchanged": Look("=", "Unchanged", "#eef3f7"),
    "new": Look("+", "New", "#e3f4e6", "#1d5a2a"),
    "stopped": Look("×", "Stopped", "#ececec", "#4a4a4a"),
    "dose_changed": Look("Δ", "Dose changed", "#fff3d6", "#6b4a00"),
    "frequency_changed": Look("Δ", "Frequency changed", "#fff3d6", "#6b4a00"),
    "omitted": Look("!", "Omitted without a reason", "#fde2df", "#8e1b12"),
    "reported_only": Look("?", "Patient reports only", "#e7e6f7", "#3a2f7a"),
}

# Flags in order of how urgently a nurse should read them.
FLAG_LOOK: dict[str, Look] = {
    "interaction": Look("⚠", "Interaction", "#fde2df", "#8e1b12"),
    "ingredient_duplicate": Look("2×", "Same medicine twice", "#fff3d6", "#6b4a00"),
    "class_duplicate": Look("2×", "Two of one class", "#fff3d6", "#6b4a00"),
    "omitted": Look("!", "Omitted without a reason", "#fde2df", "#8e1b12"),
    "dose_changed": Look("Δ", "Dose changed", "#fff3d6", "#6b4a00"),
    "frequency_changed": Look("Δ", "Frequency changed", "#fff3d6", "#6b4a00"),
    "reported_differs": Look("?", "Patient's account differs", "#e7e6f7", "#3a2f7a"),
    "unrecognised": Look("?", "Not recognised", "#ececec", "#4a4a4a"),
}
FLAG_ORDER = list(FLAG_LOOK)
SEVERITY_ORDER = {"contraindicated": 0, "major": 1, "moderate": 2, "minor": 3, "": 4}
SEVERITY_TEXT = {
    "contraindicated": "CONTRAINDICATED",
    "major": "MAJOR",
    "moderate": "Moderate",
    "minor": "Minor",
}

DECISIONS: list[tuple[str, str | None]] = [("— choose —", None)] + [
    (DECISION_TEXT[d], d.value) for d in Decision
]
# A reason is needed for every decision but "continue" (services/medications/sessions.decide
# says so too; the field says it first).
REASON_NEEDED = {Decision.STOP.value, Decision.CHANGE.value, Decision.CLARIFY.value}


def status_look(status: str) -> Look:
    return STATUS_LOOK.get(status, Look("•", status.replace("_", " ").capitalize(), "#ffffff"))


def status_text(status: str) -> str:
    look = status_look(status)
    return f"{look.marker} {look.words}"


def flag_look(kind: str) -> Look:
    return FLAG_LOOK.get(kind, Look("•", kind.replace("_", " ").capitalize(), "#ffffff"))


def flag_heading(kind: str, severity: str = "") -> str:
    look = flag_look(kind)
    sev = SEVERITY_TEXT.get(severity, severity)
    return f"{look.marker} {look.words}" + (f" — {sev}" if sev else "")


def flag_sort_key(flag) -> tuple[int, int]:
    kind = FLAG_ORDER.index(flag.kind) if flag.kind in FLAG_ORDER else len(FLAG_ORDER)
    return SEVERITY_ORDER.get(flag.severity, 4), kind


def recognised_text(ingredients: tuple[str, ...], recognised_as: str) -> str:
    """The ingredients a medicine was recognised as, or the fixed words that no check ran."""
    return recognised_as if ingredients else NOT_RECOGNISED


def transition_text(t: Transition | None) -> str:
    """ "Admission 08/10/2026 – 14/10/2026, Eastside Public Hospital", or "" without one: the
    dates as the app writes them on screen (the date field's format), not the service's words."""
    if t is None:
        return ""
    when = f"{t.start:{DISPLAY_FORMAT}}"
    if t.end and t.end != t.start:
        when += f" – {t.end:{DISPLAY_FORMAT}}"
    return f"{t.kind} {when}" + (f", {t.facility}" if t.facility else "")


def colour(name: str) -> QColor:
    return QColor(name)
