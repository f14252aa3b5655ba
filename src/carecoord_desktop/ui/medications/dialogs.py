"""The reconciliation window's two dialogs: a list typed or pasted (one medicine per line, each
read by the line grammar as you type, what it cannot read shown, never dropped), and the
sign-off (what it will do, the password typed again)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED
from carecoord_desktop.services.medications import preview_lines
from carecoord_desktop.services.medications.types import (
    DECISION_TEXT,
    SOURCE_TEXT,
    Decision,
    ReconciliationView,
    SourceInput,
    SourceKind,
)
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import ask_discard
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_DEFAULT_LABEL = {SourceKind.NEW: "Discharge list", SourceKind.REPORTED: "What the patient says"}
_EXAMPLE = {SourceKind.NEW: "a discharge list", SourceKind.REPORTED: "what the patient takes"}


class TypedListDialog(QDialog):
    """Type or paste a list (or, when starting, choose a FHIR file instead); Add gives
    `source()`: the text exactly as typed, or the file's bytes."""

    def __init__(self, kind: SourceKind, parent=None, *, starting: bool = False) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fhir_path: Path | None = None
        self.setWindowTitle(
            "Start a reconciliation: the list to compare with" if starting
            else f"{SOURCE_TEXT[kind]}: type or paste"
        )  # fmt: skip
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("sourceKind")
        for choice in (SourceKind.NEW, SourceKind.REPORTED):
            self.kind_box.addItem(f"{SOURCE_TEXT[choice]} (e.g. {_EXAMPLE[choice]})", choice)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(kind), 0))
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        if starting:
            form.addRow("Compare the current list with", self.kind_box)
        else:
            self.kind_box.hide()
        self.label = QLineEdit(_DEFAULT_LABEL.get(kind, ""))
        self.label.setObjectName("sourceLabel")
        form.addRow("Where it came from", self.label)
        # Typed as text and read with the app's one date rule (the date field), never a
        # date spin box that changes a date under the fingers.
        self.received = DateField("date the list was received")
        self.received.setObjectName("received_on")
        self.received.set_value(date.today())
        self.received.problem_changed.connect(self._received_problem)
        form.addRow("Received on", self.received)
        layout.addLayout(form)
        self.file_row = QWidget()
        file_row = QHBoxLayout(self.file_row)
        file_row.setContentsMargins(0, 0, 0, 0)
        self.file_button = QPushButton("Import a FHIR R4 file instead…")
        self.file_button.clicked.connect(self.choose_file)
        self.file_label = QLabel()
        file_row.addWidget(self.file_button)
        file_row.addWidget(self.file_label, 1)
        layout.addWidget(self.file_row)
        self.file_row.setVisible(starting)
        layout.addWidget(QLabel("One medicine per line, as written (e.g. “metformin 500mg 1 tab bd "
                                "with meals”, “Ventolin 2 puffs prn”)."))  # fmt: skip
        self.text = QPlainTextEdit()
        self.text.setObjectName("sourceText")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 2)
        self.preview = QLabel()
        self.preview.setObjectName("sourcePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.preview, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("Add list", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setToolTip("Ctrl+Enter")
        self.buttons.accepted.connect(self.accept_if_any)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Enter in a one-line field (the date above all) finishes that field and sends
        # nothing: a reflex second Enter would otherwise add the list, then press whatever
        # button has the focus under the closed dialog. Ctrl+Enter or the button adds it.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept_if_any)
        self.accepting = False
        self.received_date: date | None = date.today()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.read_lines)
        self.text.textChanged.connect(self._timer.start)

    def _kind_changed(self) -> None:
        previous = _DEFAULT_LABEL.get(self.kind, "")
        self.kind = self.kind_box.currentData()
        if self.label.text() in ("", previous):
            self.label.setText(_DEFAULT_LABEL.get(self.kind, ""))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a FHIR R4 file", "", "FHIR JSON (*.json);;All files (*)"
        )
        if path:
            self.fhir_path = Path(path)
            self.file_label.setText(f"File: {self.fhir_path.name}")
            self.text.setEnabled(False)

    def lines(self) -> list[str]:
        return [x.strip() for x in self.text.toPlainText().splitlines() if x.strip()]

    def read_lines(self) -> None:
        """Say what each line will be read as before anything is saved: the ingredients, or
        that it is not recognised (no checks run), and the words the grammar cannot read."""
        lines = self.lines()
        out = []
        for number, read in enumerate(preview_lines("\n".join(lines)), 1):
            known = read.recognised_as if read.ingredients else NOT_RECOGNISED
            out.append(f"{number}. {read.written} → {known}")
            if read.unparsed:
                out.append(f"   ? line {number}: could not read “{read.unparsed}” "
                           "(kept as written)")  # fmt: skip
        head = f"{len(lines)} medicine{'s' if len(lines) != 1 else ''}:"
        self.preview.setText(head + ("\n" + "\n".join(out) if out else ""))

    def keyPressEvent(self, event) -> None:  # Qt override
        # QDialogButtonBox makes "Add list" the default button when shown: Enter would press it.
        plain_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )
        if plain_enter:
            event.accept()
            return
        super().keyPressEvent(event)

    def _received_problem(self, text: str) -> None:
        if text:
            show_error(self.error, text)
        else:
            self.error.hide()

    def received_on(self) -> date | None:
        """The typed date, or ValidationError (field "received_on") naming what is wrong."""
        value = self.received.value()
        if value is not None and value > date.today():
            raise ValidationError(
                "The date the list was received cannot be after today.", field="received_on"
            )
        return value

    def accept_if_any(self) -> None:
        if self.accepting:
            return  # accepted once already: a second Ctrl+Enter adds nothing more
        try:
            self.received_date = self.received_on()
        except ValidationError as exc:
            show_error(self.error, exc)
            self.received.edit.setFocus()
            self.received.edit.selectAll()
            return
        if self.fhir_path is not None:
            try:
                self.fhir_bytes = self.fhir_path.read_bytes()
            except OSError as exc:
                show_error(self.error, f"Could not read that file ({exc.strerror}). "
                                       "Choose another.")  # fmt: skip
                return
            self._accept_once()
            return
        if not self.lines():
            show_error(self.error, "Type or paste at least one medicine, one per line.")
            self.text.setFocus()
            return
        self._timer.stop()
        self._accept_once()

    def _accept_once(self) -> None:
        self.accepting = True
        self.accept()

    def reject(self) -> None:
        self._timer.stop()
        if self.isVisible() and self.lines() and not ask_discard(self, "Discard this list?"):
            return
        super().reject()

    def source(self) -> SourceInput:
        label, on = self.label.text().strip(), self.received_date
        if self.fhir_path is not None:
            return SourceInput(self.kind, label=label, fhir=self.fhir_bytes, received_on=on)
        return SourceInput(self.kind, label=label, text="\n".join(self.lines()), received_on=on)


class SignOffDialog(QDialog):
    """What signing will do, and the signer's password typed again (the explicit act)."""

    def __init__(self, view: ReconciliationView, signer: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign off the reconciliation")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        counts = Counter(item.decision for item in view.items)
        parts = [
            f"{counts[d.value]} × {DECISION_TEXT[d].lower()}" for d in Decision if counts[d.value]
        ]
        serious = [f for f in view.flags if f.kind == "interaction"]
        text = (
            f"<b>Signing as {signer}.</b><br>The decided list becomes the patient's current "
            f"list now: {', '.join(parts) or 'no medicines'}."
        )
        if serious:
            text += (
                f"<br><span style='color:#8e1b12'>⚠ {len(serious)} interaction"
                f"{'s' if len(serious) != 1 else ''} stay on the resulting list.</span>"
            )
        about = QLabel(text)
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.note = QLineEdit()
        self.note.setObjectName("signoffNote")
        self.note.setPlaceholderText("optional")
        form.addRow("Note", self.note)
        self.password = QLineEdit()
        self.password.setObjectName("signoffPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Your password *", self.password)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(
            "Sign off", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_button.setObjectName("signButton")
        self.buttons.accepted.connect(self.accept_if_typed)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def accept_if_typed(self) -> None:
        if not self.password.text():
            show_error(self.error, "Type your password to sign.")
            self.password.setFocus()
            return
        self.accept()
