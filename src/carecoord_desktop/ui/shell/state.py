"""What the open window knows: the workspace, who is signed in, the practice settings.

Screens read `state.ws` at call time (a restore swaps the workspace) and refresh on its signals.
Every write the GUI makes goes through `publish`, which announces what the write changed once on
`changes_published`; each open screen and window refreshes only what that notice touches.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from carecoord_desktop.services.changes import Changed, Changes
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.settings import PracticeSettings

T = TypeVar("T")


class AppState(QObject):
    actor_changed = Signal(object)  # Actor
    workspace_closing = Signal()  # a restore is about to swap it: stop querying it
    workspace_replaced = Signal()
    settings_changed = Signal(object)  # PracticeSettings
    backups_changed = Signal()  # a backup was written or removed outside the screen that lists them
    changes_published = Signal(object)  # Changes: what a write just changed

    def __init__(self, ws, actor: Actor, settings: PracticeSettings, parent=None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.actor = actor
        self.settings = settings

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.actor_changed.emit(actor)

    def set_settings(self, settings: PracticeSettings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)

    def close_workspace_use(self) -> None:
        """Screens stop querying `ws` (pending fetches dropped) until workspace_replaced."""
        self.workspace_closing.emit()

    def replace_workspace(self, ws) -> None:
        self.ws = ws
        self.workspace_replaced.emit()

    def publish(self, result: Changed[T]) -> T:
        """Announce what a service write changed (nothing when it changed nothing); its value."""
        self.publish_changes(result.changes)
        return result.value

    def publish_changes(self, changes: Changes) -> None:
        if changes:
            self.changes_published.emit(changes)
