"""The Patients screen's filters: the condition, risk, coordinator and discharge choices, the
saved-filter button, and the plain search and option loaders that run on the thread pool.

`FilterControls` is mixed into PatientsScreen, which provides `search` (the text box),
`debounce` (its delayed-search timer), `start_search()` and `state`. The care plan combo is
not in the returned row (it is full at 1280 wide): the screen puts it beside the search box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton

from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.patients.saved_filters import SavedFilters, SavedFiltersButton

NO_COORDINATOR = -1  # combo data for "No coordinator" (real staff ids are positive)


@dataclass(frozen=True)
class SearchResult:
    generation: int
    flt: PatientFilter
    sort: str
    descending: bool
    ids: list[int]
    spelled_like: dict[str, list[str]] = field(default_factory=dict)


def run_search(ws, actor, flt: PatientFilter, sort: str, descending: bool, generation: int):
    """Runs on a worker thread: plain arguments in, plain result out."""
    found = registry.query(ws, actor, flt, sort=sort, descending=descending)
    return SearchResult(generation, flt, sort, descending, found.ids, found.spelled_like)


@dataclass(frozen=True)
class FilterOptions:
    total: int
    conditions: list[tuple[str, str, int]]
    coordinators: list[tuple[int, str]]


def load_filter_options(ws, actor) -> FilterOptions:
    """Worker side: the filter choices and the register's size (no widgets touched)."""
    return FilterOptions(
        registry.count_all(ws, actor),
        registry.condition_options(ws, actor),
        registry.coordinator_options(ws, actor),
    )


# What each filter reads: a notice touching one of these kinds for a listed patient (or any patient,
# for a filter that could start to include them) may change who the filtered list holds.
_FILTER_KINDS = {
    "text": {Kind.PATIENT},
    "condition_code": {Kind.CONDITIONS},
    "risk_tier": {Kind.PATIENT, Kind.CONDITIONS, Kind.HOSPITAL, Kind.MEDICINES, Kind.CONTACTS},
    "coordinator_id": {Kind.PATIENT},
    "no_coordinator": {Kind.PATIENT},
    "recently_discharged_days": {Kind.HOSPITAL},
    "care_plan": {Kind.CARE_PLANS},
}


def filter_reads(flt: PatientFilter) -> set[Kind]:
    """The kinds of record the filter's active choices read."""
    return set().union(*(k for name, k in _FILTER_KINDS.items() if getattr(flt, name, None)))


class FilterControls:
    """The filter row's widgets and what they mean as a PatientFilter."""

    def _build_filters(self, state) -> QHBoxLayout:
        self.condition = QComboBox()
        self.risk = QComboBox()
        self.coordinator = QComboBox()
        self.discharged = QComboBox()
        self.discharged.setAccessibleName("Discharged")
        self.care_plan = QComboBox()
        self.care_plan.setAccessibleName("Care plan")
        self._fill(self.care_plan, "Any care plan", list(registry.CARE_PLAN_FILTERS_SHOWN))
        self._fill(
            self.discharged,
            "Discharged: any time",
            [(f"Discharged: last {days} days", days) for days in registry.DISCHARGE_DAYS],
        )
        for combo, tip in (
            (self.condition, "Show only patients with this condition"),
            (self.risk, "Show only patients in this risk tier"),
            (self.coordinator, "Show only patients with this care coordinator"),
            (self.discharged, "Show only patients discharged from hospital recently"),
            (self.care_plan, "Show patients whose care plan review is overdue, or who have none"),
        ):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Long condition names would squeeze the search box: the list opens wider instead.
        self.condition.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.condition.setMinimumContentsLength(22)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        filters = QHBoxLayout()
        filters.addWidget(self.condition)
        filters.addWidget(self.risk)
        filters.addWidget(self.coordinator)
        filters.addWidget(self.discharged)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.saved_filters = SavedFiltersButton(
            SavedFilters(state.ws.folder / "ui-settings.ini"),
            self.filter_choices,
            self.apply_filter_choices,
        )
        filters.addWidget(self.saved_filters)
        return filters

    @staticmethod
    def _fill(combo: QComboBox, everyone: str, items: list[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, None)
        for text, data in items:
            combo.addItem(text, data)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        found = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def current_filter(self) -> PatientFilter:
        coordinator = self.coordinator.currentData()
        return PatientFilter(
            text=self.search.text().strip(),
            condition_code=self.condition.currentData(),
            risk_tier=self.risk.currentData(),
            coordinator_id=None if coordinator in (None, NO_COORDINATOR) else coordinator,
            no_coordinator=coordinator == NO_COORDINATOR,
            recently_discharged_days=self.discharged.currentData(),
            care_plan=self.care_plan.currentData(),
        )

    def filter_choices(self) -> dict:
        """The filter combos' choices, by name (the search text is not a choice)."""
        return {name: combo.currentData() for name, combo in self._named_combos().items()}

    def apply_filter_choices(self, choices: dict) -> None:
        for name, combo in self._named_combos().items():
            index = combo.findData(choices.get(name)) if choices.get(name) is not None else 0
            combo.blockSignals(True)
            combo.setCurrentIndex(max(index, 0))  # a choice no longer offered: everyone
            combo.blockSignals(False)
        self.start_search()

    def _named_combos(self) -> dict[str, QComboBox]:
        return {
            "condition": self.condition,
            "risk": self.risk,
            "coordinator": self.coordinator,
            "discharged": self.discharged,
            "care_plan": self.care_plan,
        }

    def clear_filters(self) -> None:
        for combo in self._combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._clear_search_text()
        self.start_search()

    def _clear_search_text(self) -> None:
        """Empty the search box with its signals on (its clear (x) button hides on textChanged:
        cleared with signals blocked, the button stayed over an empty box), and stop the
        delayed search that textChanged starts; the caller decides whether to search."""
        self.search.clear()
        self.debounce.stop()

    def _combos(self) -> tuple[QComboBox, ...]:
        return tuple(self._named_combos().values())
