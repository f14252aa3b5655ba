"""Named filter sets for the Patients screen ("My high-risk diabetics").

Kept per workspace in its ui-settings.ini beside the window geometry. A set holds only the
filter choices (condition code, risk tier, coordinator, discharge window), never the search
text: that can be a patient's name, and the ini file is not encrypted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolButton, QWidget

_KEY = "patients/saved_filters"


class SavedFilters:
    """Storage: name -> {combo name: combo data}."""

    def __init__(self, settings_path: Path) -> None:
        self.settings = QSettings(str(settings_path), QSettings.Format.IniFormat)

    def all(self) -> dict[str, dict]:
        try:
            value = json.loads(self.settings.value(_KEY, "{}") or "{}")
        except (TypeError, ValueError):
            return {}  # a hand-damaged ini file must not stop the screen opening
        return value if isinstance(value, dict) else {}

    def save(self, name: str, choices: dict) -> None:
        sets = self.all()
        sets[name] = choices
        self._write(sets)

    def delete(self, name: str) -> None:
        sets = self.all()
        sets.pop(name, None)
        self._write(sets)

    def _write(self, sets: dict) -> None:
        self.settings.setValue(_KEY, json.dumps(sets, sort_keys=True))
        self.settings.sync()


class SavedFiltersButton(QToolButton):
    """A 'Saved filters' menu: apply a set, save the current choices, delete a set."""

    def __init__(
        self,
        store: SavedFilters,
        current: Callable[[], dict],
        apply: Callable[[dict], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.current, self.apply = store, current, apply
        self.setText("Saved filters")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self._rebuild)

    def _rebuild(self) -> None:
        menu = self.menu()
        menu.clear()
        sets = self.store.all()
        for name in sorted(sets, key=str.lower):
            menu.addAction(name, lambda n=name: self.apply(self.store.all().get(n, {})))
        if not sets:
            menu.addAction("No saved filters yet").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Save current filters…", self.save_current)
        delete = menu.addAction("Delete a saved filter…", self.delete_one)
        delete.setEnabled(bool(sets))

    def save_current(self, name: str | None = None) -> str | None:
        choices = self.current()
        if not any(v is not None for v in choices.values()):
            QMessageBox.information(self, "Nothing to save", "Choose some filters first.")
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, "Save filters", "Name for these filters:")
            if not ok:
                return None
        name = name.strip()
        if not name:
            return None
        self.store.save(name[:60], choices)
        return name[:60]

    def delete_one(self) -> None:
        names = sorted(self.store.all(), key=str.lower)
        name, ok = QInputDialog.getItem(self, "Delete saved filter", "Delete:", names, 0, False)
        if ok and name:
            self.store.delete(name)
