"""One editor window per plan, shared by the Care plans screen and the record's Care plan tab:
opening a plan that is already open brings its window forward.

Kept on the AppState (the one thing both are given). Windows hidden at a lock keep their
typing and are autosaved when hidden; at a switch of user the shell discards them, and a
discarded window is dropped from here the next time anyone asks.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QWidget

from carecoord_desktop.ui.careplans.editor import PlanEditor
from carecoord_desktop.ui.shell.state import AppState

_ATTR = "_care_plan_editors"


def _editors(state: AppState) -> dict[int, PlanEditor]:
    editors = getattr(state, _ATTR, None)
    if editors is None:
        editors = {}
        setattr(state, _ATTR, editors)
        state.actor_changed.connect(lambda _actor: close_all(state))
    for plan_id, editor in list(editors.items()):
        if not shiboken6.isValid(editor):
            del editors[plan_id]
    return editors


def open_editor(state: AppState, plan_id: int, parent: QWidget | None = None) -> PlanEditor:
    editors = _editors(state)
    editor = editors.get(plan_id)
    if editor is None:
        editor = PlanEditor(state, plan_id, parent.window() if parent is not None else None)
        editors[plan_id] = editor
        editor.destroyed.connect(lambda _obj=None, pid=plan_id: _editors(state).pop(pid, None))
    editor.show()
    editor.raise_()
    editor.activateWindow()
    return editor


def open_editors(state: AppState) -> list[PlanEditor]:
    return list(_editors(state).values())


def close_all(state: AppState) -> None:
    """A new user: the previous user's editors go for good (their drafts were autosaved when
    the lock hid them), without a question the new user could answer."""
    for editor in list(_editors(state).values()):
        editor.blockSignals(True)
        editor.hide()
        editor.deleteLater()
    _editors(state).clear()
