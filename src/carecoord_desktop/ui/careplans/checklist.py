"""The live completeness checklist beside the editor: for each program the practice claims
under (its rule packs), every element ticked or named as missing, with what exactly is missing.

It checks the draft in memory (services.careplans.packs.check_plan is pure and fast) a moment
after each edit. Activating an element (click, Enter) takes the editor to the field that
supplies it. The same results are shown before printing (`missing_lines`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from carecoord_desktop.services.careplans import packs
from carecoord_desktop.ui.careplans.document import PlanDocument
from carecoord_desktop.ui.shell.workers import start_job

_OK, _MISSING = "#1d5a2c", "#8e1b12"

# Where the editor supplies what a check looks at: (page key, field).
_LIST_PAGES = {"problems", "goals", "interventions", "actions", "warning_signs"}
_FIELD_PAGES = {
    "expected_outcome": "overview",
    "prognosis": "overview",
    "medication_notes": "medicines",
    "symptom_management": "medicines",
    "community_services": "services",
    "coordination": "services",
    "preferences": "preferences",
    "cultural_considerations": "preferences",
}
_KIND_TARGETS = {
    "measurable_goals": ("goals", "target_value"),
    "interventions": ("interventions", "responsible_kind"),
    "review_schedule": ("review", "review_interval_weeks"),
    "review_interval": ("review", "review_interval_weeks"),
    "agreement": ("review", "agreed_by"),
    "copy_offered": ("review", "copy_offered"),
    "prepared_interval": ("overview", "period_start"),
    "allied_health_window": ("interventions", "responsible_kind"),
}


def target_of(check: dict, missing_first: bool = True) -> tuple[str, str | None]:
    """The page and field that supply what `check` looks at."""
    kind = check.get("kind")
    if kind == "list" and check.get("field") in _LIST_PAGES:
        return check["field"], None
    if kind == "text":
        names = check.get("fields") or []
        for name in names:
            if name in _FIELD_PAGES:
                return _FIELD_PAGES[name], name
    if kind == "any":
        for sub in check.get("checks") or []:
            return target_of(sub, missing_first)
    return _KIND_TARGETS.get(kind, ("overview", None))


class ChecklistPanel(QWidget):
    element_chosen = Signal(str, object)  # page key, field name (or None)

    def __init__(self, state, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.state, self.doc = state, doc
        self.setObjectName("checklist")
        self.packs: list = []
        self.results: list = []
        self.record = None  # the stored plan (copies, review dates count for timing rules)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.summary = QLabel("Checking what the plan still needs…")
        self.summary.setObjectName("checklistSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("checklistTree")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(14)
        self.tree.setAccessibleName("Completeness checklist")
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout.addWidget(self.tree, 1)
        hint = QLabel("Click an item (or press Enter on it) to go to where it is written.")
        hint.setObjectName("pageSubtitle")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        doc.draft_replaced.connect(self.schedule)
        self._job = start_job(
            self,
            packs.chosen_packs,
            state.ws,
            on_done=self._packs_loaded,
            on_failed=lambda exc: self.summary.setText(str(exc)),
        )

    def _packs_loaded(self, chosen) -> None:
        self.packs = list(chosen)
        self.refresh()

    def schedule(self) -> None:
        self.timer.start()

    def focus_list(self) -> None:
        self.tree.setFocus()
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _context(self) -> packs.PlanContext:
        rec = self.record
        draft = self.doc.draft
        if rec is None:
            return packs.PlanContext(today=date.today(), prepared_on=draft.period_start)
        return packs.PlanContext(
            today=date.today(),
            prepared_on=draft.period_start or rec.created_at.date(),
            last_review_on=rec.last_review_on,
            copies=len(rec.copies),
        )

    def refresh(self) -> None:
        if self.doc.draft.patient_id == 0:
            return  # not loaded yet
        context = self._context()
        self.results = [packs.check_plan(self.doc.draft, pack, context) for pack in self.packs]
        self._show()

    def missing_lines(self) -> list[str]:
        """Each missing element as "Pack: element (detail)", for the print check."""
        self.refresh()
        out = []
        for result in self.results:
            for element in result.elements:
                if not element.present:
                    detail = f" ({element.detail})" if element.detail else ""
                    out.append(f"{result.pack_name}: {element.name}{detail}")
        return out

    def first_missing(self) -> tuple[str, str | None] | None:
        for pack, result in zip(self.packs, self.results, strict=True):
            checks = {e.key: e.check for e in pack.elements}
            for element in result.elements:
                if not element.present:
                    return target_of(checks[element.key])
        return None

    def _show(self) -> None:
        expanded = {
            self.tree.topLevelItem(i).text(0).split(" — ")[0]: self.tree.topLevelItem(
                i
            ).isExpanded()
            for i in range(self.tree.topLevelItemCount())
        }
        self.tree.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        total_missing = 0
        for pack, result in zip(self.packs, self.results, strict=True):
            checks = {e.key: e.check for e in (*pack.elements, *pack.timing)}
            have = sum(e.present for e in result.elements)
            top = QTreeWidgetItem([f"{result.pack_name} — {have} of {len(result.elements)}"])
            top.setFont(0, bold)
            top.setToolTip(0, result.pack_name)
            self.tree.addTopLevelItem(top)
            for element in result.elements:
                total_missing += not element.present
                top.addChild(self._element_item(element, checks[element.key]))
            if result.timing:
                timing = QTreeWidgetItem(["Timing rules"])
                timing.setFont(0, bold)
                top.addChild(timing)
                for element in result.timing:
                    timing.addChild(self._element_item(element, checks[element.key]))
                timing.setExpanded(True)
            top.setExpanded(expanded.get(result.pack_name, True))
        if not self.packs:
            self.summary.setText("The practice has chosen no programs to check plans against.")
        elif total_missing:
            self.summary.setText(
                f"<b style='color:{_MISSING}'>{total_missing} element"
                f"{'s' if total_missing != 1 else ''} missing</b> for the practice's programs."
            )
        else:
            self.summary.setText(
                f"<b style='color:{_OK}'>Complete</b>: every element the practice's programs ask "
                "for is in the plan."
            )
        self._fit_rows()

    def resizeEvent(self, event) -> None:  # Qt override: rows wrap to the new width
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Give each row the height its wrapped text needs at the tree's width (a tree view
        does not work this out itself, and would cut the names short)."""
        width = self.tree.viewport().width()
        metrics = self.tree.fontMetrics()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        flags = int(Qt.TextFlag.TextWordWrap)
        stack = [(self.tree.topLevelItem(i), 1) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item, depth = stack.pop()
            room = max(80, width - depth * self.tree.indentation() - 12)
            fm = metrics if not item.font(0).bold() else QFontMetrics(bold)
            rect = fm.boundingRect(0, 0, room, 10_000, flags, item.text(0))
            item.setSizeHint(0, QSize(room, rect.height() + 6))
            stack.extend((item.child(j), depth + 1) for j in range(item.childCount()))
        self.tree.doItemsLayout()

    def _element_item(self, element, check: dict) -> QTreeWidgetItem:
        mark = "✓" if element.present else "✗"
        text = f"{mark}  {element.name}"
        if not element.present:
            text += f"\n     {element.detail or 'missing'}"
        item = QTreeWidgetItem([text])
        item.setForeground(0, QBrush(QColor(_OK if element.present else _MISSING)))
        item.setToolTip(0, element.why or element.name)
        page, name = target_of(check)
        item.setData(0, Qt.ItemDataRole.UserRole, (page, name))
        item.setData(0, Qt.ItemDataRole.UserRole + 1, element.key)
        return item

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if target:
            self.element_chosen.emit(target[0], target[1])

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        """The tree item of element `key` (the first pack that has it)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            stack = [top.child(j) for j in range(top.childCount())]
            while stack:
                item = stack.pop(0)
                if item.data(0, Qt.ItemDataRole.UserRole + 1) == key:
                    return item
                stack.extend(item.child(j) for j in range(item.childCount()))
        return None
