"""The screens of the main window, each declared once, and the small protocol the shell uses.

A feature adds a screen by adding one `ScreenSpec` to `SCREENS`: the main window builds its
navigation, its Go menu and the F1 guide from this list, builds a screen only for a role that may
use it, and talks to a screen only through the optional `HOOKS` below. A screen asks the
shell for things (a restore) through the `ShellRequests` it is given, never through the window;
it opens a patient's record through `ScreenContext.open_record`, and refreshes from the change
notices on `state.changes_published`, never because another screen told it to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTabWidget, QWidget

from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.admin.screen import AdminScreen
from carecoord_desktop.ui.careplans.record_tab import CARE_PLAN_SECTION
from carecoord_desktop.ui.careplans.screen import CarePlansScreen
from carecoord_desktop.ui.conferences.record_tab import CONFERENCES_SECTION
from carecoord_desktop.ui.conferences.screen import make_screen as _conferences
from carecoord_desktop.ui.medications.medicines_tab import MEDICINES_SECTION
from carecoord_desktop.ui.medications.screen import MedicationsScreen
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.patients.record_sections import RECORD_SECTIONS
from carecoord_desktop.ui.patients.screen import PatientsScreen
from carecoord_desktop.ui.referrals.screen import make_screen as _referrals
from carecoord_desktop.ui.referrals.section import REFERRALS_SECTION
from carecoord_desktop.ui.resources import resources_dir
from carecoord_desktop.ui.shell.record_tabs import SectionSpec, combined
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.tasks.record_tab import TASKS_SECTION
from carecoord_desktop.ui.tasks.screen import TaskBoardScreen


class ShellRequests(QObject):
    """What a screen may ask of the shell; the shell connects these once."""

    restore_requested = Signal(object)  # Path of the backup to restore


@dataclass(frozen=True)
class ScreenContext:
    """What a screen factory is given: the app's state (workspace, actor, settings, change
    notices), the requests it may send to the shell, and the one record opener."""

    state: AppState
    requests: ShellRequests
    opener: RecordOpener

    def open_record(self, patient_id: int):
        """Show the patient's record window (the open one brought forward)."""
        return self.opener.open(patient_id)


# The optional hooks a screen MAY define (the shell looks each one up; none is required):
# - save_ui_state() -> object / restore_ui_state(value): layout kept between runs (column widths,
#   splitter sizes), never patient data.
# - reset_for_new_user(): forget the previous user's session (search text, filters, selection,
#   windows it opened). Called before the next user becomes the actor; the screen's own
#   actor_changed handler then loads what the new user may see. A screen without this hook is
#   rebuilt instead, which is always safe.
# - screen_shown(): the user navigated to it (refresh what may have gone stale).
HOOKS = frozenset({"save_ui_state", "restore_ui_state", "reset_for_new_user", "screen_shown"})


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    factory: Callable[[ScreenContext], QWidget]
    permission: Permission | None  # None: every signed-in role
    shortcut: str
    icon: str  # resources/icons/<icon>.svg
    guide: str  # one or two sentences for the F1 guide: what the screen is for, in plain words

    def allowed(self, actor: Actor) -> bool:
        return self.permission is None or can(actor, self.permission)


def call_hook(screen: QWidget, name: str, *args: Any) -> Any:
    """Call an optional screen hook; None when the screen does not define it."""
    if name not in HOOKS:
        raise ValueError(f"not a screen hook: {name}")
    hook = getattr(screen, name, None)
    return hook(*args) if callable(hook) else None


def screen_icon(name: str) -> QIcon:
    root = resources_dir()
    path = root / "icons" / f"{name}.svg" if root else None
    return QIcon(str(path)) if path and path.exists() else QIcon()


# -- the factories: each wires its screen to what it uses, so the shell never reaches inside ----
def _patients(ctx: ScreenContext) -> QWidget:
    return PatientsScreen(ctx.state, ctx.opener)


def _admin(ctx: ScreenContext) -> QWidget:
    screen = AdminScreen(ctx.state)
    # The admin feature's own wiring (moves into ui/admin/ with the feature package).
    screen.practice.restore_requested.connect(ctx.requests.restore_requested)
    ctx.state.backups_changed.connect(screen.practice.refresh)
    return screen


def _medications(ctx: ScreenContext) -> QWidget:
    return MedicationsScreen(ctx.state, ctx.open_record)


def _tasks(ctx: ScreenContext) -> QWidget:
    return TaskBoardScreen(ctx.state, ctx.open_record)


class _ScreenTabs(QTabWidget):
    """Two features' screens as the tabs of one screen; the shell's hooks reach both."""

    def __init__(self, tabs: tuple[tuple[str, QWidget], ...]) -> None:
        super().__init__()
        self.setDocumentMode(True)
        for title, screen in tabs:
            self.addTab(screen, title)

    def _each(self, name: str, *args: Any) -> list[Any]:
        return [call_hook(self.widget(n), name, *args) for n in range(self.count())]

    def reset_for_new_user(self) -> None:
        self._each("reset_for_new_user")
        self.setCurrentIndex(0)

    def screen_shown(self) -> None:
        self._each("screen_shown")

    def save_ui_state(self) -> object:
        parts = self._each("save_ui_state")
        return parts if any(p is not None for p in parts) else None

    def restore_ui_state(self, value: object) -> None:
        if isinstance(value, list) and len(value) == self.count():
            for n, part in enumerate(value):
                if part is not None:
                    call_hook(self.widget(n), "restore_ui_state", part)


def _outside_providers(ctx: ScreenContext) -> QWidget:
    """Referrals and resources, and care conferences: composed here, so that neither feature
    imports the other."""
    tabs = _ScreenTabs(
        (("Referrals and resources", _referrals(ctx)), ("Care conferences", _conferences(ctx)))
    )
    tabs.setObjectName("outsideProviders")
    return tabs


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "patients",
        "Patients",
        _patients,
        Permission.VIEW_PATIENTS,
        "Ctrl+1",
        "patients",
        "Find a patient by name, date of birth, practice ID, Medicare or phone number; filter by "
        "condition, risk, coordinator or a recent discharge; open the full record with Enter "
        "or a double-click. To see why a patient is in their risk tier, select them and press "
        "Why this risk? (Ctrl+R) or right-click them: the summary opens beside the list.",
    ),
    ScreenSpec(
        "care_plans",
        "Care plans",
        CarePlansScreen,
        Permission.VIEW_PATIENTS,
        "Ctrl+2",
        "care_plans",
        "The practice's care plans, soonest review first: filter drafts, active plans, reviews "
        "due or overdue and by coordinator; Enter opens the plan's editor (goals in the "
        "patient's words, interventions and who does them, reviews, versions, progress charts, "
        "printing), Ctrl+E the patient's record. A patient's plans are also on the Care plan "
        "tab of their record.",
    ),
    ScreenSpec(
        "medications",
        "Medications",
        _medications,
        Permission.VIEW_PATIENTS,
        "Ctrl+3",
        "medications",
        "Reconciliations waiting across the practice: those awaiting a GP's sign-off first, then "
        "those being prepared. Enter opens one beside the patient's record: the current list, "
        "the new orders and the patient's report side by side, flags, a decision per medicine.",
    ),
    ScreenSpec(
        "tasks",
        "Task board",
        _tasks,
        Permission.MANAGE_TASKS,
        "Ctrl+4",
        "tasks",
        "Every task of the practice by column (to do, in progress, waiting on someone, done): "
        "drag a card or press Ctrl+Left/Right to move it, Ctrl+Up/Down to reorder, Enter for its "
        "details, Ctrl+O for the patient's record, Ctrl+K to claim a task from your role's queue. "
        "Filter by mine, my queue, overdue, due this week, source or patient; List shows the "
        "same tasks as a sortable table.",
    ),
    ScreenSpec(
        "conferences",  # the key stays: saved layouts and shortcuts name it
        "Outside providers",
        _outside_providers,
        Permission.VIEW_PATIENTS,
        "Ctrl+5",
        "conferences",
        "Two tabs. Referrals and resources: the community resources directory (search, "
        "categories, add, edit, import a CSV list) and the practice's open referrals, the ones "
        "waiting too long first. Care conferences: the practice's conferences, the ones to come "
        "first; filter by this week, awaiting the patient's agreement, held or cancelled, "
        "search by patient, Schedule a conference…, Enter opens one (details and people, "
        "agenda, meeting, summary), Ctrl+O the patient's record.",
    ),
    ScreenSpec(
        "admin",
        "Admin",
        _admin,
        Permission.MANAGE_USERS,
        "Ctrl+6",
        "admin",
        "Staff accounts (add, change role, disable, reset a password), the audit log with its "
        "tamper check, practice settings, and backups with restore.",
    ),
)


# The features' tabs of the patient record window (see ui/shell/record_tabs.py): one line each.
FEATURE_SECTIONS: tuple[SectionSpec, ...] = (
    CARE_PLAN_SECTION, MEDICINES_SECTION, TASKS_SECTION, REFERRALS_SECTION,
    CONFERENCES_SECTION,
)  # fmt: skip


def record_sections() -> tuple[SectionSpec, ...]:
    """Every tab of the record window: the record's own and the features', in order."""
    return combined(RECORD_SECTIONS, FEATURE_SECTIONS)


def screens_for(actor: Actor, specs: tuple[ScreenSpec, ...] = SCREENS) -> list[ScreenSpec]:
    return [spec for spec in specs if spec.allowed(actor)]
