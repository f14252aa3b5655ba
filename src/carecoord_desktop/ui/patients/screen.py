"""The patient registry screen: search as you type, filter, sort in SQL, see why someone is at risk.

The search query runs on the thread pool so typing never waits for the database; every search
carries a generation number and only the newest one's result is shown. Change notices refresh
the rows of the patients they name; the search runs again only when who is listed may change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.patients.archive import ArchivedPatientsDialog
from carecoord_desktop.ui.patients.filters import (
    NO_COORDINATOR,
    FilterControls,
    FilterOptions,
    SearchResult,
    filter_reads,
    load_filter_options,
    run_search,
)
from carecoord_desktop.ui.patients.import_dialog import PatientImportDialog, export_patient_list
from carecoord_desktop.ui.patients.list_model import (
    COLUMNS,
    CONDITIONS,
    PatientListModel,
)
from carecoord_desktop.ui.patients.list_view import (
    ColumnFitter,
    KeepCountDelegate,
    confirm_export,
    list_messages,
)
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.patients.risk_panel import RISK_LABELS as _RISK_LABELS
from carecoord_desktop.ui.patients.risk_panel import RiskPanel
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import Task

SEARCH_DELAY_MS = 200
PANEL_WIDTH = 320  # the risk panel: leaves the list room for Name and Coordinator at 1280 wide
RISK_KEY = "Ctrl+R"  # the risk summary of the selected patient (help and tooltip say so)
FIRST_PAGE = 60  # rows painted before the whole list has loaded (a screenful and more)


class PatientsScreen(FilterControls, QWidget):
    """The register. `opener` is the shell's one RecordOpener (a screen on its own, as in some
    tests, gets one of its own)."""

    def __init__(self, state: AppState, opener: RecordOpener | None = None, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self._own_opener = opener is None
        self.opener = opener or RecordOpener(state, self)
        self.generation = 0
        self.total = 0
        self._options_pending = False
        self.pool = QThreadPool.globalInstance()
        self._running: int | None = None  # generation of the search on the pool, if any
        self._task: Task | None = None

        title = QLabel("Patients")
        title.setObjectName("pageTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, date of birth, practice ID, Medicare or phone")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(380)
        self.search.installEventFilter(self)

        self.new_button = QPushButton("New patient…")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_patient)
        self.attention_button = QPushButton("Needs attention first")
        self.attention_button.setCheckable(True)
        self.attention_button.setToolTip(
            "Order by risk score, then the most recent hospital discharge"
        )
        self.attention_button.toggled.connect(self._attention_toggled)
        self.import_button = QPushButton("Import from CSV…")
        self.import_button.clicked.connect(self.import_csv)
        self.export_button = QPushButton("Export list…")
        self.export_button.setToolTip("Save the patients shown, in this order, as a CSV file")
        self.export_button.clicked.connect(self.export_list)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.attention_button)
        actions.addStretch(1)
        self.archived_button = QPushButton("Archived patients…")
        self.archived_button.setToolTip("Records taken off the register: open or unarchive them")
        self.archived_button.clicked.connect(self.show_archived)
        actions.addWidget(self.archived_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        filters = self._build_filters(state)
        search_row.addWidget(self.care_plan)  # the filter row is full at 1280 wide

        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.spelled_like: dict[str, list[str]] = {}
        self.risk_button = QPushButton("&Why this risk?")
        self.risk_button.setToolTip(
            f"Show why the selected patient is in their risk tier, beside the list ({RISK_KEY})"
        )
        self.risk_button.setEnabled(False)  # until a patient is selected
        self.risk_button.clicked.connect(self.show_selected_risk)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count, 1)
        count_row.addWidget(self.risk_button)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.model = PatientListModel(state, self)
        self.model.count_changed.connect(self._update_count)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        self.view.setItemDelegateForColumn(CONDITIONS, KeepCountDelegate(self.view))
        self.columns = ColumnFitter(self.view)
        self.columns.fit()
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.view.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.view.activated.connect(self.open_patient)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.risk_shortcut = QShortcut(QKeySequence(RISK_KEY), self, self.show_selected_risk)
        self.risk_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._name_timer = QTimer(self)  # measure the names once the model has settled
        self._name_timer.setSingleShot(True)
        self._name_timer.timeout.connect(self._measure_names)
        for changed in (self.model.modelReset, self.model.rowsInserted, self.model.layoutChanged):
            changed.connect(self._name_timer.start)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.empty = QLabel()
        self.empty.setObjectName("pageSubtitle")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.empty.setStyleSheet("font-size: 12pt; padding: 40px;")
        self.results = QStackedWidget()
        self.results.addWidget(self.view)
        self.results.addWidget(self.empty)

        self.panel = RiskPanel()
        self.panel.hide()
        self.panel.open_button.clicked.connect(
            lambda: self.panel.patient_id is not None and self.open_record(self.panel.patient_id)
        )
        splitter = QSplitter()
        splitter.addWidget(self.results)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        layout.addLayout(heading)
        layout.addLayout(actions)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(count_row)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DELAY_MS)
        self.debounce.timeout.connect(self.start_search)
        self.search.textChanged.connect(self.debounce.start)
        self.search.returnPressed.connect(self.start_search)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self.start_search)
        state.workspace_replaced.connect(self.refresh)
        state.workspace_closing.connect(self.debounce.stop)  # a restore is swapping it
        self.model.query_failed.connect(lambda exc: self._show_error(f"The search failed: {exc}"))
        state.actor_changed.connect(self._actor_changed)
        state.changes_published.connect(self._changes_published)
        self.refresh()

    # -- filters ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Search again at once, and reload the filter choices and the total on a worker
        (the condition counts scan every condition row: they must not delay the first paint)."""
        self.panel.hide()
        self._fill(self.risk, "All risk tiers", [(v, k) for k, v in _RISK_LABELS.items()])
        self._apply_permissions()
        self._options_pending = True  # loaded once the list is showing (see apply_result)
        self._show_first_page()
        self.start_search()

    def _show_first_page(self) -> None:
        """Paint the first rows at once (a LIMIT query, a few ms even at 100k patients); the
        whole list arrives from the worker and is appended without a reset."""
        flt = self.current_filter()
        try:
            first = registry.query_ids(
                self.state.ws,
                self.state.actor,
                flt,
                sort=self.model.sort_key,
                descending=self.model.descending,
                limit=FIRST_PAGE,
            )
        except CareCoordError as exc:
            self._show_error(str(exc))
            return
        self.model.set_ids(first, flt, partial=len(first) == FIRST_PAGE)

    def _load_options(self) -> None:
        self._options_pending = False
        task = Task(load_filter_options, self.state.ws, self.state.actor)
        task.signals.finished.connect(self._apply_options, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(
            lambda exc: self._show_error(str(exc)), Qt.ConnectionType.QueuedConnection
        )
        self._options_task = task  # keep the signals object alive until it reports
        self.pool.start(task)

    def _apply_options(self, options: FilterOptions) -> None:
        self.total = options.total
        self._fill(
            self.condition,
            "All conditions",
            [(f"{display} ({n:,})", code) for code, display, n in options.conditions],
        )
        self._fill(
            self.coordinator,
            "All coordinators",
            [("No coordinator", NO_COORDINATOR)]
            + [(name, uid) for uid, name in options.coordinators],
        )
        self.columns.set_coordinator_names([name for _, name in options.coordinators])
        self._update_count(self.model.rowCount())

    def _actor_changed(self, _actor) -> None:
        self.refresh()

    # -- searching on the thread pool ------------------------------------------------------
    def start_search(self) -> None:
        """Search with the current text and filters on the thread pool.

        One search runs at a time: a request made while one runs waits for it, then the newest
        request alone runs, so fast typing never piles queries up on a big register.
        """
        self.debounce.stop()
        self.generation += 1
        if self._running is None:
            self._launch()

    def _launch(self) -> None:
        generation = self.generation
        task = Task(
            run_search,
            self.state.ws,
            self.state.actor,
            self.current_filter(),
            self.model.sort_key,
            self.model.descending,
            generation,
        )
        task.signals.finished.connect(self.apply_result, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(
            lambda exc, g=generation: self._search_failed(g, exc),
            Qt.ConnectionType.QueuedConnection,
        )
        self._running, self._task = generation, task
        self.pool.start(task)

    @property
    def searching(self) -> bool:
        return self._running is not None or self.model.querying

    def _finished(self, generation: int) -> bool:
        """Note that a search ended; True when it is the newest (else the newest is started)."""
        if self._running == generation:
            self._running = None
        if generation == self.generation:
            return True
        if self._running is None:
            self._launch()  # the text or filters changed while it ran
        return False

    def apply_result(self, result: SearchResult) -> None:
        if not self._finished(result.generation):
            return  # an older keystroke's answer: never shown over a newer one
        self.error.hide()
        self.spelled_like = result.spelled_like
        if (result.sort, result.descending) != (self.model.sort_key, self.model.descending):
            self.model.set_filter(result.flt)  # the user re-sorted while it ran
        elif self.model.partial:
            self.model.complete_ids(result.ids, result.flt)
        else:
            self.model.set_ids(result.ids, result.flt)
        shown = self.panel.patient_id
        if shown is not None and self.model.row_for_id(shown) is None:
            self.panel.hide()  # that patient is no longer in the list
        if self._options_pending:
            # The filter choices scan every condition row: they wait for the first paint
            # rather than compete with the list's own query.
            self._load_options()

    def _search_failed(self, generation: int, exc: Exception) -> None:
        if self._finished(generation):
            self._show_error(f"The search failed: {exc}")

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if COLUMNS[column][1] is None:  # not sortable: put the arrow back where the sort is
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
            header.blockSignals(False)

    # -- counts and the empty state --------------------------------------------------------
    def _update_count(self, shown: int) -> None:
        self.risk_button.setEnabled(self.view.currentIndex().isValid())  # a reset clears it
        if self.model.partial:
            self.count.setText("Loading the register…")
            self.results.setCurrentWidget(self.view)
            return
        flt = self.model.filter
        count, empty = list_messages(flt, shown, self.total, self.spelled_like)
        self.count.setText(count)
        self.clear_button.setEnabled(flt != PatientFilter())
        if shown:
            self.results.setCurrentWidget(self.view)
            return
        self.empty.setText(empty)
        self.results.setCurrentWidget(self.empty)

    # -- opening a patient -----------------------------------------------------------------
    def open_patient(self, index) -> None:
        """Enter or double-click: the patient's full record."""
        if index.isValid():
            self.open_record(self.model.patient_id(index.row()))

    def open_record(self, patient_id: int) -> PatientRecordDialog:
        return self.opener.open(patient_id)

    def new_patient(self) -> PatientRecordDialog:
        return self.opener.new_patient()

    def show_archived(self) -> ArchivedPatientsDialog:
        """The archived records, to open or unarchive (the archive dialog points here)."""
        dialog = ArchivedPatientsDialog(self.state, self)
        dialog.record_open_requested.connect(self.open_record)
        self.archived_dialog = dialog
        dialog.open()
        return dialog

    # -- change notices ----------------------------------------------------------------------
    def _changes_published(self, changes: Changes) -> None:
        """Refresh the listed rows of the patients the notice names; search again only when
        who is listed may change (a patient added, archived or merged, or a change to what a
        current filter reads), keeping the text, filters and order."""
        if self._may_change_membership(changes) or Kind.STAFF in changes.kinds:
            # Who is listed, the condition counts, the coordinators (a staff name shows on
            # the rows and in the filter) and the total may differ: search again, same filters.
            self._options_pending = True
            self.start_search()
        if changes.patient_ids:
            self.model.refresh_patients(changes.patient_ids)
            shown = self.panel.patient_id
            if shown in changes.patient_ids and self.panel.isVisible():
                row = self.model.row_for_id(shown)
                if row is not None:
                    self.show_risk(self.model.index(row, 0))

    def _may_change_membership(self, changes: Changes) -> bool:
        if changes.membership:
            return True
        return not changes.kinds.isdisjoint(filter_reads(self.model.filter))

    def show_risk(self, index) -> None:
        """The risk summary beside the list: who, which tier, and why."""
        if not index.isValid():
            return
        patient_id = self.model.patient_id(index.row())
        try:
            explained = registry.risk_explanation(self.state.ws, self.state.actor, patient_id)
        except CareCoordError as exc:
            self._show_error(str(exc))
            return
        if not self.panel.isVisible():
            width = sum(self.splitter.sizes())
            self.splitter.setSizes([width - PANEL_WIDTH, PANEL_WIDTH])
        self.panel.show_patient(patient_id, self.model.row_data(index.row()), explained)
        self.view.scrollTo(index)  # the columns narrow as the panel opens: keep the row in sight

    def show_selected_risk(self) -> None:
        """The "Why this risk?" button and its key: the risk summary of the current row."""
        index = self.view.currentIndex()
        if index.isValid() and self.results.currentWidget() is self.view:
            self.show_risk(index)

    def _current_row_changed(self, current, _previous) -> None:
        self.risk_button.setEnabled(current.isValid())
        if current.isValid() and self.panel.isVisible():
            self.show_risk(current)  # an open summary follows the selection

    def _measure_names(self) -> None:
        """Give Name the width the longest name in the first block needs (the block painted
        first; later blocks are read as they scroll into view)."""
        rows = (
            self.model.row_data(r) for r in range(min(self.model.rowCount(), self.model.BLOCK_SIZE))
        )
        self.columns.set_names([row.display_name for row in rows if row is not None])

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            row = self.model.row_data(index.row())
            menu.addAction("Open record", lambda: self.open_patient(index))
            menu.addAction("Risk summary", lambda: self.show_risk(index))
            menu.addAction(
                f"Copy practice ID ({row.practice_id})",
                lambda: QApplication.clipboard().setText(row.practice_id),
            )
            menu.addSeparator()
        export = menu.addAction("Export this list to CSV…", self.export_list)
        export.setEnabled(self.export_button.isEnabled())
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- list actions ----------------------------------------------------------------------
    def _attention_toggled(self, on: bool) -> None:
        self.model.set_sort_key("attention" if on else "name")
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicatorShown(not on)
        if not on:
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.blockSignals(False)

    def _reset_order(self) -> None:
        """Back to the order a fresh sign-in has (by name, the header arrow on Name), without
        querying: the refresh that follows sorts as the new user."""
        self.attention_button.blockSignals(True)
        self.attention_button.setChecked(False)
        self.attention_button.blockSignals(False)
        self.model.reset_order()
        header = self.view.horizontalHeader()
        header.blockSignals(True)  # else the view re-sorts (a query) as the previous user
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.blockSignals(False)

    def import_csv(self) -> None:
        dialog = PatientImportDialog(self.state, self)
        dialog.exec()

    def export_list(self) -> None:
        if not confirm_export(self, self.model.rowCount()):
            return  # the warning comes before any file is chosen or written
        export_patient_list(
            self.state,
            self,
            self.model.filter,
            sort=self.model.sort_key,
            descending=self.model.descending,
        )

    def _apply_permissions(self) -> None:
        actor = self.state.actor
        self.new_button.setEnabled(can(actor, Permission.EDIT_PATIENTS))
        self.import_button.setEnabled(can(actor, Permission.EDIT_PATIENTS))
        self.export_button.setEnabled(can(actor, Permission.EXPORT_DATA))
        for button, permission in (
            (self.import_button, Permission.EDIT_PATIENTS),
            (self.export_button, Permission.EXPORT_DATA),
            (self.new_button, Permission.EDIT_PATIENTS),
        ):
            button.setToolTip(
                ""
                if can(actor, permission)
                else f"A {actor.role.label} account cannot {permission.value}."
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        # Escape clears the search (and searches again at once); Escape on an empty box is
        # left to the window.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
            and self.search.text()
        ):
            self.search.clear()
            self.start_search()
            return True
        # Down from the search box moves into the results, so the keyboard alone is enough.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    # -- the shell's optional screen hooks (see ui/shell/screens.py) -----------------------------
    def save_ui_state(self):
        return self.view.horizontalHeader().saveState()  # column widths and order only

    def restore_ui_state(self, value) -> None:
        self.view.horizontalHeader().restoreState(value)

    def reset_for_new_user(self) -> None:
        """Forget the previous user's windows, search, filters, selection and risk panel; the
        actor_changed refresh that follows searches as the new user."""
        for window in self.findChildren(QDialog):  # import and archived-patients windows
            window.blockSignals(True)
            window.deleteLater()
        if self._own_opener:
            self.opener.close_all()  # else the shell closes its opener's record windows
        for combo in self._combos():  # no search runs as the previous user
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._clear_search_text()
        self._reset_order()
        self.view.clearSelection()
        self.view.setCurrentIndex(self.model.index(-1, -1))
        self.panel.hide()
        self.panel.patient_id = None
