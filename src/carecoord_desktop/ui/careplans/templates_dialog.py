"""The practice's care plan templates: the shipped ones (read-only, with their sources), the
practice's own copies, which are edited here (name, review interval, goals in the patient's
words, interventions with who does them, warning signs with who to call), and retiring a
template so new plans stop offering it. Plans already started from a template keep everything.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import PADDING, fitted_widths
from carecoord_desktop.ui.widgets.messages import error_label, show_error

# (list key in the template file, tab title, [(field, column title)], numeric fields)
_LISTS = (
    ("goals", "Goals", [
        ("patient_words", "In the patient's words"), ("measure", "Measure"),
        ("target_value", "Target"), ("target_unit", "Unit"), ("due_weeks", "Due in weeks"),
        ("priority", "Priority"),
    ], {"target_value", "due_weeks"}),
    ("interventions", "Interventions", [
        ("what", "What"), ("role", "Who does it"), ("frequency", "How often"),
    ], set()),
    ("warning_signs", "Warning signs", [
        ("sign", "Warning sign"), ("action", "What to do"), ("who_to_call", "Who to call"),
        ("phone", "Phone"),
    ], set()),
)  # fmt: skip


class ListTable(QWidget):
    """One list of a template as an editable table; each row keeps the fields not shown."""

    def __init__(self, fields: list[tuple[str, str]], numeric: set[str]) -> None:
        super().__init__()
        self.fields, self.numeric = fields, numeric
        self.table = QTableWidget(0, len(fields))
        self.table.setHorizontalHeaderLabels([title for _f, title in fields])
        # Columns fit their words and the dialog, long text wraps (rows grow): "Due in weeks"
        # and the goals in the patient's words were cut to "…" behind a sideways scroll.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self._fitted_for = -1
        self.table.viewport().installEventFilter(self)
        self.table.itemChanged.connect(lambda _item: self.fit())
        self.add_button = QPushButton("&Add row")
        self.remove_button = QPushButton("Re&move row")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def eventFilter(self, watched, event) -> bool:  # Qt override
        resized = event.type() == QEvent.Type.Resize and watched is self.table.viewport()
        if resized and self.table.viewport().width() != self._fitted_for:
            self.fit()
        return super().eventFilter(watched, event)

    def fit(self) -> None:
        """Each column its words' width when they fit, else the long ones share and wrap."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        floors = [header.sectionSizeFromContents(c).width() for c in range(len(self.fields))]
        natural = []
        for column, floor in enumerate(floors):
            texts = (self.table.item(r, column) for r in range(self.table.rowCount()))
            longest = max((metrics.horizontalAdvance(i.text()) for i in texts if i), default=0)
            natural.append(max(floor, longest + PADDING))
        self._fitted_for = self.table.viewport().width()
        for column, width in enumerate(fitted_widths(natural, self._fitted_for, floors)):
            self.table.setColumnWidth(column, width)
        self.table.resizeRowsToContents()

    def set_rows(self, rows: list[dict], editable: bool) -> None:
        self.table.setRowCount(0)
        for row in rows:
            self.add_row(row)
        self.fit()
        triggers = (
            QAbstractItemView.EditTrigger.AllEditTriggers
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.table.setEditTriggers(triggers)
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)

    def add_row(self, row: dict | None = None) -> None:
        row = dict(row or {})
        n = self.table.rowCount()
        self.table.insertRow(n)
        for column, (name, _title) in enumerate(self.fields):
            value = row.get(name)
            item = QTableWidgetItem("" if value is None else str(value))
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, row)  # the fields this table hides
            self.table.setItem(n, column, item)
        if not row:
            self.table.setCurrentCell(n, 0)

    def remove_row(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def rows(self) -> list[dict]:
        out = []
        for n in range(self.table.rowCount()):
            first = self.table.item(n, 0)
            row = dict(first.data(Qt.ItemDataRole.UserRole) or {}) if first else {}
            texts = {
                name: (self.table.item(n, c).text().strip() if self.table.item(n, c) else "")
                for c, (name, _t) in enumerate(self.fields)
            }
            if not any(texts.values()):
                continue  # an empty row added and left: not a row
            for name, text in texts.items():
                row[name] = _number(text, name) if name in self.numeric else text
            row.setdefault("key", f"practice-{n + 1}")  # a row added here: a key of its own
            out.append(row)
        return out


def _number(text: str, name: str):
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise CareCoordError(f"“{text}” is not a number ({name.replace('_', ' ')}).") from None
    return int(value) if value.is_integer() else value


def list_text(info: templates.TemplateInfo) -> str:
    """ "Asthma (shipped)", "Asthma, our clinic (practice copy, retired)": the kind said
    once, even when the copy's name says it too."""
    kinds = (
        []
        if "practice copy" in info.name.lower() and not info.shipped
        else ["shipped" if info.shipped else "practice copy"]
    )
    if info.retired:
        kinds.append("retired")
    return f"{info.name}  ({', '.join(kinds)})" if kinds else info.name


def _load_list(ws, actor) -> list[templates.TemplateInfo]:
    return templates.list_templates(ws, actor, include_retired=True)


def _copy(ws, actor, key: str):
    return templates.copy_template(ws, actor, key)


def _retire(ws, actor, key: str, retired: bool):
    return templates.retire_template(ws, actor, key, retired=retired)


def _update(ws, actor, key: str, data: dict, row_version: int):
    return templates.update_template(ws, actor, key, data, row_version)


class TemplatesDialog(QDialog):
    """Every read and write runs on the thread pool (the window stays responsive); while a
    write runs its buttons are off, so a second click cannot write twice, and a refused write
    is said under the form with everything typed still there."""

    templates_loaded = Signal()  # the list read and the chosen template shown
    write_failed = Signal(str)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Care plan templates")
        self.resize(1100, 680)
        self.infos: list[templates.TemplateInfo] = []
        self.current: templates.TemplateInfo | None = None
        self.data: dict = {}
        self.busy = False  # a write is running
        self.loading = False  # the list or a template is being read
        self.generation = 0  # drops a read answered after a newer one was asked for
        self._name_next = False
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setWordWrap(True)  # a long name wraps (its tooltip holds it too)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._chosen)
        self.copy_button = QPushButton("&Copy for the practice")
        self.copy_button.clicked.connect(self.copy)
        self.retire_button = QPushButton("&Retire")
        self.retire_button.clicked.connect(self.toggle_retired)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.copy_button)
        left_layout.addWidget(self.retire_button)

        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setObjectName("pageSubtitle")
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.interval = QSpinBox()
        self.interval.setRange(1, 104)
        self.interval.setSuffix(" weeks")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Re&view every", self.interval)
        self.tabs = QTabWidget()
        self.tables: dict[str, ListTable] = {}
        for key, title, fields, numeric in _LISTS:
            self.tables[key] = ListTable(fields, numeric)
            self.tabs.addTab(self.tables[key], title)
        self.error = error_label()
        self.save_button = QPushButton("&Save template")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.about)
        right_layout.addLayout(form)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.error)
        right_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([320, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.reload()

    # -- reading ---------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        keep = select or (self.current.key if self.current else None)
        self.generation += 1
        generation = self.generation
        self._set_loading(True)
        start_job(self, _load_list, self.state.ws, self.state.actor,
                  on_done=lambda infos: self._listed(generation, infos, keep),
                  on_failed=self._read_failed)  # fmt: skip

    def _listed(self, generation: int, infos, keep: str | None) -> None:
        if generation != self.generation:
            return
        self.infos = infos
        self.list.blockSignals(True)
        self.list.clear()
        for info in self.infos:
            text = list_text(info)
            item = QListWidgetItem(text)
            item.setToolTip(f"{info.name}\n{info.source}")
            if info.retired:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
        keys = [info.key for info in self.infos]
        self.list.setCurrentRow(keys.index(keep) if keep in keys else 0)
        self.list.blockSignals(False)
        self._chosen(self.list.currentRow())

    def _chosen(self, row: int) -> None:
        self.error.hide()
        if not 0 <= row < len(self.infos):
            self._set_loading(False)
            self.templates_loaded.emit()
            return
        info = self.infos[row]
        self.generation += 1
        generation = self.generation
        self._set_loading(True)
        start_job(self, templates.template_data, self.state.ws, self.state.actor, info.key,
                  on_done=lambda data: self._show(generation, info, data),
                  on_failed=self._read_failed)  # fmt: skip

    def _show(self, generation: int, info, data: dict) -> None:
        if generation != self.generation:
            return
        self.current, self.data = info, data
        editable = not info.shipped
        self.about.setText(
            f"Source: {info.source}"
            + ("" if editable else "\nShipped templates are read-only: copy one to change it.")
            + (
                f"\nCopied from the shipped “{self._name_of(info.based_on)}” template."
                if info.based_on
                else ""
            )
        )
        self.name.setText(info.name)
        self.name.setReadOnly(not editable)
        self.interval.setValue(int(self.data.get("review_interval_weeks") or 13))
        self.interval.setEnabled(editable)
        for key, table in self.tables.items():
            table.set_rows(list(self.data.get(key) or []), editable)
        self.retire_button.setText("Offer &again" if info.retired else "&Retire")
        self._set_loading(False)
        if self._name_next:
            self._name_next = False
            self.name.setFocus()
            self.name.selectAll()
        self.templates_loaded.emit()

    def _name_of(self, key: str) -> str:
        """A shipped template's name (the copy records its key)."""
        return next((i.name for i in self.infos if i.shipped and i.key == key), key)

    def _read_failed(self, exc: Exception) -> None:
        self._set_loading(False)
        show_error(self.error, exc)
        self.templates_loaded.emit()

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        self._enable()

    def _enable(self) -> None:
        idle = not (self.busy or self.loading)
        info = self.current
        editable = info is not None and not info.shipped
        self.list.setEnabled(not self.busy)
        self.copy_button.setEnabled(idle and info is not None)
        self.retire_button.setEnabled(idle and info is not None)
        self.save_button.setEnabled(idle and editable)

    # -- writing ---------------------------------------------------------------------------------
    def _write(self, fn, *args, then) -> None:
        """Run one write on the pool with the buttons off; `then(value)` after it is published."""
        self.busy = True
        self.error.hide()
        self._enable()

        def done(result) -> None:
            self.busy = False
            value = self.state.publish(result)
            self._enable()
            then(value)

        start_job(self, fn, self.state.ws, self.state.actor, *args,
                  on_done=done, on_failed=self._write_refused)  # fmt: skip

    def _write_refused(self, exc: Exception) -> None:
        self.busy = False
        self._enable()
        show_error(self.error, exc)  # nothing reloaded: what was typed stays
        self.write_failed.emit(str(exc))

    def copy(self) -> None:
        if self.current is None or self.busy or self.loading:
            return

        def copied(made) -> None:
            self._name_next = True  # the copy's name chosen for typing over, once it shows
            self.reload(select=made.key)

        self._write(_copy, self.current.key, then=copied)

    def toggle_retired(self) -> None:
        if self.current is None or self.busy or self.loading:
            return
        info = self.current
        self._write(_retire, info.key, not info.retired, then=lambda _none: self.reload())

    def save(self) -> None:
        info = self.current
        if info is None or info.shipped or self.busy or self.loading:
            return
        try:
            data = dict(self.data, name=self.name.text().strip())
            data["review_interval_weeks"] = self.interval.value()
            for key, table in self.tables.items():
                data[key] = table.rows()
        except CareCoordError as exc:
            show_error(self.error, exc)
            self.write_failed.emit(str(exc))
            return
        self._write(_update, info.key, data, info.row_version,
                    then=lambda saved: self.reload(select=saved.key))  # fmt: skip
