"""The plan being edited, and every edit of it as a QUndoCommand.

The editor's widgets never change the draft themselves: each user edit becomes a command pushed
on the document's QUndoStack, whose redo() writes the draft and announces the change; the
widgets follow the announcements. So undo and redo reach every kind of edit (a typed field, a
choice, an added, removed or moved item), and the Edit menu can say what each step was.
Consecutive keystrokes in one field merge into one step ("Typing in Symptom management").
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from carecoord_desktop.services.careplans.diffing import LIST_FIELDS, PLAN_FIELDS
from carecoord_desktop.services.careplans.types import PlanDraft

_PLAN_FIELD_ID = 1
_ITEM_FIELD_ID = 2

EXTRA_PLAN_FIELDS = {"intensity_reason": "Reason for the intensity change"}


def plan_field_label(name: str) -> str:
    return PLAN_FIELDS.get(name) or EXTRA_PLAN_FIELDS.get(name) or name.replace("_", " ")


def item_label(list_name: str) -> str:
    return LIST_FIELDS[list_name][0]


def item_title(list_name: str, item) -> str:
    text = " ".join(str(getattr(item, LIST_FIELDS[list_name][1]) or "").split())
    return text if len(text) <= 40 else text[:39].rstrip() + "…"


def item_field_label(list_name: str, name: str) -> str:
    return LIST_FIELDS[list_name][2].get(name, name.replace("_", " "))


class PlanDocument(QObject):
    """A PlanDraft and its undo stack. Signals say what changed, for widgets to follow."""

    field_changed = Signal(str)  # a plan field's name
    list_changed = Signal(str)  # a list's name: an item added, removed or moved
    item_changed = Signal(str, str, str)  # list name, item uid, field name
    draft_replaced = Signal()  # a whole new draft (opened, reloaded, recovered)

    def __init__(self, draft: PlanDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(500)
        self.read_only = False

    # -- reading -----------------------------------------------------------------------------
    def items(self, list_name: str) -> list:
        return getattr(self.draft, list_name)

    def item(self, list_name: str, uid: str):
        return next((i for i in self.items(list_name) if i.uid == uid), None)

    def row_of(self, list_name: str, uid: str) -> int:
        for row, item in enumerate(self.items(list_name)):
            if item.uid == uid:
                return row
        return -1

    def snapshot(self) -> PlanDraft:
        """A copy of the draft as it is now (for a save or an autosave on a worker)."""
        return copy.deepcopy(self.draft)

    # -- editing (each pushes one undoable step) -----------------------------------------------
    def set_field(self, name: str, value, *, typing: bool = False) -> bool:
        old = getattr(self.draft, name)
        if old == value or self.read_only:
            return False
        self.stack.push(SetPlanField(self, name, old, value, typing))
        return True

    def set_item_field(self, list_name: str, uid: str, name: str, value, *, typing=False) -> bool:
        item = self.item(list_name, uid)
        if item is None or getattr(item, name) == value or self.read_only:
            return False
        self.stack.push(
            SetItemField(self, list_name, uid, name, getattr(item, name), value, typing)
        )
        return True

    def insert_item(self, list_name: str, item, row: int | None = None) -> None:
        if self.read_only:
            return
        row = len(self.items(list_name)) if row is None else row
        self.stack.push(InsertItem(self, list_name, item, row))

    def remove_item(self, list_name: str, uid: str) -> None:
        row = self.row_of(list_name, uid)
        if row >= 0 and not self.read_only:
            self.stack.push(RemoveItem(self, list_name, row))

    def move_item(self, list_name: str, uid: str, to_row: int) -> bool:
        row = self.row_of(list_name, uid)
        size = len(self.items(list_name))
        to_row = max(0, min(to_row, size - 1))
        if row < 0 or row == to_row or self.read_only:
            return False
        self.stack.push(MoveItem(self, list_name, row, to_row))
        return True

    def replace_draft(self, draft: PlanDraft, *, clean: bool = True) -> None:
        """Show another draft whole (opened, reloaded after a conflict, recovered): the undo
        history of the old one no longer applies."""
        self.draft = draft
        self.stack.clear()
        if clean:
            self.stack.setClean()
        else:
            self.stack.resetClean()  # what it shows is not what is stored
        self.draft_replaced.emit()


# -- the commands --------------------------------------------------------------------------------
class SetPlanField(QUndoCommand):
    def __init__(self, doc: PlanDocument, name: str, old, new, typing: bool) -> None:
        label = plan_field_label(name)
        super().__init__(f"Typing in {label}" if typing else f"Change {label}")
        self.doc, self.name, self.old, self.new, self.typing = doc, name, old, new, typing

    def id(self) -> int:  # Qt override: consecutive typing in one field merges
        return _PLAN_FIELD_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # Qt override
        if not (self.typing and getattr(other, "typing", False)):
            return False
        if not isinstance(other, SetPlanField) or other.name != self.name:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        setattr(self.doc.draft, self.name, self.new)
        self.doc.field_changed.emit(self.name)

    def undo(self) -> None:
        setattr(self.doc.draft, self.name, self.old)
        self.doc.field_changed.emit(self.name)


class SetItemField(QUndoCommand):
    def __init__(self, doc, list_name: str, uid: str, name: str, old, new, typing: bool) -> None:
        super().__init__()
        self.doc, self.list_name, self.uid, self.name = doc, list_name, uid, name
        self.old, self.new, self.typing = old, new, typing

    def _name_step(self) -> None:
        # Named after the edit, so a new item's first words name it ("Typing in Goal “Walk”").
        item = self.doc.item(self.list_name, self.uid)
        title = item_title(self.list_name, item) if item is not None else ""
        what = item_label(self.list_name) + (f" “{title}”" if title else "")
        said = item_field_label(self.list_name, self.name)
        self.setText(f"Typing in {what} {said}" if self.typing else f"Change {what} {said}")

    def id(self) -> int:  # Qt override
        return _ITEM_FIELD_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # Qt override
        if not (self.typing and getattr(other, "typing", False)):
            return False
        if not isinstance(other, SetItemField):
            return False
        if (other.list_name, other.uid, other.name) != (self.list_name, self.uid, self.name):
            return False
        self.new = other.new
        self._name_step()
        return True

    def _set(self, value) -> None:
        item = self.doc.item(self.list_name, self.uid)
        if item is not None:
            setattr(item, self.name, value)
            self._name_step()
            self.doc.item_changed.emit(self.list_name, self.uid, self.name)

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class InsertItem(QUndoCommand):
    def __init__(self, doc: PlanDocument, list_name: str, item, row: int) -> None:
        title = item_title(list_name, item)
        what = f" “{title}”" if title else ""
        super().__init__(f"Add {item_label(list_name).lower()}{what}")
        self.doc, self.list_name, self.item, self.row = doc, list_name, item, row

    def redo(self) -> None:
        self.doc.items(self.list_name).insert(self.row, self.item)
        self.doc.list_changed.emit(self.list_name)

    def undo(self) -> None:
        items = self.doc.items(self.list_name)
        items.pop(self.doc.row_of(self.list_name, self.item.uid))
        self.doc.list_changed.emit(self.list_name)


class RemoveItem(QUndoCommand):
    def __init__(self, doc: PlanDocument, list_name: str, row: int) -> None:
        self.item = doc.items(list_name)[row]
        title = item_title(list_name, self.item)
        super().__init__(f"Remove {item_label(list_name).lower()} “{title}”")
        self.doc, self.list_name, self.row = doc, list_name, row

    def redo(self) -> None:
        items = self.doc.items(self.list_name)
        items.pop(self.doc.row_of(self.list_name, self.item.uid))
        self.doc.list_changed.emit(self.list_name)

    def undo(self) -> None:
        self.doc.items(self.list_name).insert(self.row, self.item)
        self.doc.list_changed.emit(self.list_name)


class MoveItem(QUndoCommand):
    def __init__(self, doc: PlanDocument, list_name: str, row: int, to_row: int) -> None:
        item = doc.items(list_name)[row]
        title = item_title(list_name, item)
        super().__init__(f"Move {item_label(list_name).lower()} “{title}”")
        self.doc, self.list_name, self.row, self.to_row = doc, list_name, row, to_row

    def _move(self, src: int, dst: int) -> None:
        items = self.doc.items(self.list_name)
        items.insert(dst, items.pop(src))
        self.doc.list_changed.emit(self.list_name)

    def redo(self) -> None:
        self._move(self.row, self.to_row)

    def undo(self) -> None:
        self._move(self.to_row, self.row)
