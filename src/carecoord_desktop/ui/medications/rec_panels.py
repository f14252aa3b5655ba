"""The parts of the reconciliation window beside the side-by-side table: the source lists bar,
the flags over the resulting list, and the decision of the selected row."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.services.medications.types import (
    SOURCE_TEXT,
    FlagView,
    RecItemView,
    ReconciliationView,
    SourceKind,
)
from carecoord_desktop.ui.medications.words import (
    DECISIONS,
    REASON_NEEDED,
    flag_heading,
    flag_look,
    flag_sort_key,
)
from carecoord_desktop.ui.widgets.date_field import DISPLAY_FORMAT
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm

_ENTERED = {"current_list": "from the record", "typed": "typed or pasted", "fhir": "FHIR file"}


class SourceBox(QGroupBox):
    """One of the lists: what it holds, and how to give it (type/paste, FHIR file, remove)."""

    type_requested = Signal(str)  # SourceKind
    import_requested = Signal(str)
    remove_requested = Signal(int)  # source id

    def __init__(self, kind: SourceKind, parent=None) -> None:
        super().__init__(SOURCE_TEXT[kind], parent)
        self.kind = kind
        self.source_id: int | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.type_button = QPushButton("Type or paste…")
        self.import_button = QPushButton("Import FHIR file…")
        self.remove_button = QPushButton("Remove list")
        for button in (self.type_button, self.import_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.type_button.clicked.connect(lambda: self.type_requested.emit(self.kind.value))
        self.import_button.clicked.connect(lambda: self.import_requested.emit(self.kind.value))
        self.remove_button.clicked.connect(
            lambda: self.source_id is not None and self.remove_requested.emit(self.source_id)
        )
        if kind is SourceKind.CURRENT:  # the record's own list: changed on the Medicines tab
            for button in (self.type_button, self.import_button, self.remove_button):
                button.hide()

    def show_view(self, view: ReconciliationView) -> None:
        source = next((s for s in view.sources if s.kind == self.kind.value), None)
        self.source_id = source.id if source else None
        if source is None:
            self.summary.setText("No list yet. Type or paste one (one medicine per line), or "
                                 "import a FHIR R4 file.")  # fmt: skip
        else:
            on = source.received_on
            received = f", received {on:{DISPLAY_FORMAT}}" if on else ""
            lines = f"{source.line_count} medicine{'s' if source.line_count != 1 else ''}"
            title = "" if source.label == self.title() else f"<b>{escape(source.label)}</b><br>"
            self.summary.setText(f"{title}{lines}, {_ENTERED.get(source.entered, '')}{received}")
        editable = view.editable
        has = source is not None
        self.type_button.setEnabled(editable and not has)
        self.import_button.setEnabled(editable and not has)
        self.remove_button.setEnabled(editable and has)


class FlagsPanel(QGroupBox):
    """Every flag over the list that would result, the most urgent first; choosing one selects
    the rows it concerns."""

    flag_chosen = Signal(object)  # FlagView

    def __init__(self, parent=None) -> None:
        super().__init__("Flags", parent)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("recFlags")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(False)
        self.list.setSpacing(2)  # one flag reads apart from the next
        self.list.currentItemChanged.connect(self._chosen)
        layout.addWidget(self.list)
        self.flags: list[FlagView] = []

    def show_flags(self, flags: list[FlagView]) -> None:
        self.flags = sorted(flags, key=flag_sort_key)
        self.list.clear()
        self.setTitle(f"Flags ({len(self.flags)})")
        for flag in self.flags:
            look = flag_look(flag.kind)
            text = f"{flag_heading(flag.kind, flag.severity)}\n{flag.text}"
            if flag.advice:
                text += f"\nAdvice: {flag.advice}"
            if flag.source:
                text += f"\nSource: {flag.source}"
            item = QListWidgetItem(text)
            item.setBackground(_qcolor(look.background))
            item.setForeground(_qcolor(look.foreground))
            item.setData(Qt.ItemDataRole.UserRole, flag)
            item.setToolTip(text)
            self.list.addItem(item)
        if not self.flags:
            item = QListWidgetItem("✓ No duplicates, class duplicates or interactions found "
                                   "among the recognised medicines.")  # fmt: skip
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)

    def _chosen(self, current: QListWidgetItem | None, _previous) -> None:
        flag = current.data(Qt.ItemDataRole.UserRole) if current else None
        if isinstance(flag, FlagView):
            self.flag_chosen.emit(flag)


def _qcolor(name: str):
    from PySide6.QtGui import QColor

    return QColor(name)


class DecisionPanel(QGroupBox):
    """The decision on the selected row and its reason; refused at the field before anything
    is sent when a reason is needed and missing."""

    decision_saved = Signal(int, object, str)  # item id, decision value (None clears), reason

    def __init__(self, parent=None) -> None:
        super().__init__("Decision", parent)
        layout = QVBoxLayout(self)
        self.about = QLabel("Choose a row to decide on it.")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        self.form = FieldsForm([
            Field("decision", "Decision", "combo", required=True, choices=DECISIONS,
                  hint="Continue, stop, change, start new, or clarify with the prescriber."),
            Field("reason", "Reason", "long",
                  hint="Needed for stop, change and clarify (what and why)."),
        ])  # fmt: skip
        self.decision = self.form.widgets["decision"]
        self.reason: QPlainTextEdit = self.form.widgets["reason"]  # type: ignore[assignment]
        layout.addWidget(self.form)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save decision")
        self.save_button.setObjectName("saveDecision")
        self.save_button.setToolTip("Ctrl+Enter")
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.item: RecItemView | None = None
        self.set_item(None, editable=False)

    def set_item(self, item: RecItemView | None, *, editable: bool, keep_typed=False) -> None:
        """Show a row's decision; `keep_typed` leaves what the user typed (a refused save)."""
        same = item is not None and self.item is not None and item.id == self.item.id
        self.item = item
        self.form.clear_problems()
        if item is None:
            self.about.setText("Choose a row to decide on it.")
        else:
            names = " / ".join(line.written for line in item.lines)
            who = f" — decided by {item.decided_by_name}" if item.decided_by_name else ""
            if item.decided_by_name and item.decided_at:
                who += f" on {item.decided_at.astimezone():{DISPLAY_FORMAT} %H:%M}"
            self.about.setText(f"<b>{escape(names)}</b><br>{escape(item.note or '')}"
                               f"<i>{escape(who)}</i>")  # fmt: skip
            if not (keep_typed and same):
                self.form.set_values({"decision": item.decision, "reason": item.reason or ""})
        for widget in (self.decision, self.reason, self.save_button):
            widget.setEnabled(editable and item is not None)

    def typed(self) -> tuple[object, str]:
        return self.decision.currentData(), self.reason.toPlainText().strip()

    def save(self) -> None:
        if self.item is None or not self.save_button.isEnabled():
            return
        self.form.clear_problems()
        decision, reason = self.typed()
        try:
            self.check(decision, reason, omitted=self.item.status == "omitted")
        except ValidationError as exc:
            self.form.show_problem(exc.field, str(exc))
            return
        self.decision_saved.emit(self.item.id, decision, reason)

    @staticmethod
    def check(decision, reason: str, *, omitted: bool = False) -> None:
        if decision is None:
            raise ValidationError("Choose a decision for this medicine.", field="decision")
        if omitted and not reason:
            raise ValidationError(
                "Say why: this medicine was left off the new list without a reason.",
                field="reason",
            )
        if decision in REASON_NEEDED and not reason:
            raise ValidationError(
                "Say why: a stop, change or question to the prescriber needs a reason.",
                field="reason",
            )


def conflict_banner() -> tuple[QWidget, QLabel, QPushButton]:
    """The red band that says a save was refused because someone else changed the session."""
    banner = QWidget()
    banner.setObjectName("conflictBanner")
    banner.setStyleSheet("#conflictBanner { background: #fde2df; border: 1px solid #c0392b; "
                         "border-radius: 4px; }")  # fmt: skip
    row = QHBoxLayout(banner)
    text = QLabel()
    text.setWordWrap(True)
    reload_button = QPushButton("Reload")
    row.addWidget(text, 1)
    row.addWidget(reload_button)
    banner.hide()
    return banner, text, reload_button


def signed_note() -> QLabel:
    note = QLabel(
        "✓ Signed off: the decided list is now the patient's current list. Print the "
        "reconciliation record for the file and the medication card for the patient."
    )
    note.setObjectName("signedNote")
    note.setWordWrap(True)
    note.setStyleSheet("background: #e3f4e6; color: #1d5a2a; border: 1px solid #7fbf8e; "
                       "border-radius: 4px; padding: 6px;")  # fmt: skip
    note.hide()
    return note
