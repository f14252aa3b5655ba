"""First-run wizard: practice, first administrator, then the recovery key shown once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from carecoord_desktop.documents.recovery_kit import RecoveryKit, render_recovery_kit
from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services import accounts
from carecoord_desktop.ui.dialogs import error_label, show_error


class _DetailsPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Set up your practice")
        self.setSubTitle(
            "CareCoord keeps all patient data in one encrypted database on this computer. "
            "Start with the practice name and the first administrator account."
        )
        form = QFormLayout(self)
        self.practice = QLineEdit()
        self.practice.setObjectName("practice")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText("for example j.smith")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.again = QLineEdit()
        self.again.setObjectName("again")
        for f in (self.password, self.again):
            f.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Practice name", self.practice)
        form.addRow(QLabel("<b>First administrator</b>"))
        form.addRow("Full name", self.full_name)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        form.addRow("Password again", self.again)
        hint = QLabel(f"At least {accounts.MIN_PASSWORD_LENGTH} characters.")
        hint.setObjectName("pageSubtitle")
        form.addRow("", hint)
        self.error = error_label()
        form.addRow(self.error)

    def validatePage(self) -> bool:  # Qt override: runs when the user presses Next
        if self.password.text() != self.again.text():
            show_error(self.error, "The two passwords differ.")
            return False
        try:
            self.wiz.created = self.wiz.create_fn(
                practice_name=self.practice.text(),
                admin_username=self.username.text(),
                admin_full_name=self.full_name.text(),
                admin_password=self.password.text(),
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self.wiz.practice_name = self.practice.text().strip()
        return True


class _RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Your recovery key")
        self.setSubTitle(
            "This key is shown only now. It unlocks the practice database if this computer's "
            "keystore loses its key (a new computer, a reset keychain, restoring a backup)."
        )
        layout = QVBoxLayout(self)
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key_label)
        warn = QLabel(
            "Print the recovery kit and keep it in the practice safe. Anyone with this key and a "
            "copy of the database can read every patient record: do not email or photograph it."
        )
        warn.setWordWrap(True)
        layout.addWidget(warn)
        self.save_button = QPushButton("Save recovery kit as PDF to print…")
        self.save_button.clicked.connect(self._save_kit)
        layout.addWidget(self.save_button)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        layout.addWidget(self.saved)
        self.error = error_label()
        layout.addWidget(self.error)
        self.confirm = QCheckBox("I have printed or written down the recovery key and stored it")
        self.confirm.setObjectName("confirmStored")
        self.confirm.toggled.connect(self.completeChanged)
        layout.addWidget(self.confirm)
        layout.addStretch(1)

    def initializePage(self) -> None:  # Qt override
        self.key_label.setText(self.wiz.recovery_text())

    def isComplete(self) -> bool:  # Qt override
        return self.confirm.isChecked()

    def _save_kit(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save recovery kit",
            str(Path.home() / "CareCoord-recovery-kit.pdf"),
            "PDF (*.pdf)",
        )
        if path:
            self.write_kit(Path(path))

    def write_kit(self, path: Path) -> None:
        try:
            self.wiz.write_kit(path)
        except (OSError, ValueError) as exc:
            show_error(self.error, f"The kit could not be saved: {exc}")
            return
        self.saved.setText(f"Saved to {path}. Print it, then delete the file.")


class FirstRunWizard(QWizard):
    """`create_fn(**details)` makes the workspace and returns services.workspaces.NewWorkspace."""

    def __init__(self, create_fn: Callable[..., object], parent=None) -> None:
        super().__init__(parent)
        self.create_fn = create_fn
        self.created = None
        self.practice_name = ""
        self.setWindowTitle("CareCoord Desktop — first-run setup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(680, 520)
        self.details_page = _DetailsPage(self)
        self.recovery_page = _RecoveryPage(self)
        self.addPage(self.details_page)
        self.addPage(self.recovery_page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)

    def recovery_text(self) -> str:
        groups = self.created.recovery_key.formatted().split("-")
        return "\n".join("-".join(groups[i : i + 3]) for i in range(0, len(groups), 3))

    def write_kit(self, path: Path) -> None:
        render_recovery_kit(
            RecoveryKit(
                practice_name=self.practice_name,
                workspace_id=self.created.workspace.id,
                created_at=datetime.now(UTC),
                recovery_key=self.created.recovery_key.formatted(),
                created_by=self.created.admin.full_name,
            ),
            path,
        )
