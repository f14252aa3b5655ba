"""What a tab of the patient record window is, for the record's own tabs (ui/patients) and the
features' (care plans, medicines, tasks …) alike.

A section is a QWidget with `show_record(rec)` (rec: services.patients.types.PatientRecord); the
record window builds one per declared `SectionSpec` the role may see, hands it every record it
shows, and re-reads the record for it only when a change notice touches one of its `kinds`. A
feature declares its spec in its own package and lists it in `FEATURE_SECTIONS`
(ui/shell/screens.py); a feature spec with the key of one of the record's own replaces it (the
medicines tab becomes the medication feature's). Tabs are ordered by `position`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.shell.state import AppState


@dataclass
class SectionContext:
    """What a section factory is given: the app's state and the record window it sits in."""

    state: AppState
    window: QWidget


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str  # the tab's title ("&&" shows one "&")
    permission: Permission | None  # None: every role that may open a record
    factory: Callable[[SectionContext], QWidget]
    kinds: frozenset[Kind]  # the change notices that make it re-read the record
    position: int = 100  # the record's own: summary 10, conditions 20, medicines 30, … people 50

    def allowed(self, actor: Actor) -> bool:
        return self.permission is None or can(actor, self.permission)


def sections_for(actor: Actor, specs: tuple[SectionSpec, ...]) -> list[SectionSpec]:
    return [spec for spec in specs if spec.allowed(actor)]


def combined(
    own: tuple[SectionSpec, ...], features: tuple[SectionSpec, ...]
) -> tuple[SectionSpec, ...]:
    """The record's own tabs and the features', a feature's replacing an own tab of its key."""
    replaced = {spec.key for spec in features}
    specs = [spec for spec in own if spec.key not in replaced] + list(features)
    return tuple(sorted(specs, key=lambda spec: spec.position))
