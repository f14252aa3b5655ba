"""First-run wizard: practice, first administrator, how this computer unlocks the workspace,
then the recovery key shown once.

On a computer with no keystore CareCoord trusts, the only way offered is the recovery-key-only
mode (the key is typed at every start), said plainly; a setup that fails, or that is abandoned
before the recovery key was stored, leaves no workspace behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from carecoord_desktop.documents.recovery_kit import RecoveryKit, render_recovery_kit
from carecoord_desktop.errors import CareCoordError, KeystoreUnavailableError
from carecoord_desktop.services import accounts, workspaces
from carecoord_desktop.ui.widgets.messages import error_label, show_error

NO_KEYSTORE_NOTE = (
    "This computer has no secure keystore that CareCoord trusts (Windows Credential Locker, "
    "macOS Keychain, Secret Service or KWallet). The workspace can still be used here: "
    "CareCoord will ask for the recovery key each time it starts."
)


def _label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    inner = QVBoxLayout(card)
    inner.setContentsMargins(18, 14, 18, 14)
    return card, inner


def _page_layout(page: QWizardPage, step: str, title: str, subtitle: str) -> QVBoxLayout:
    """The app's page look (title, subtitle, white card) instead of QWizard's own banner."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 18, 24, 8)
    layout.addWidget(_label(step, "pageSubtitle"))
    layout.addWidget(_label(title, "pageTitle"))
    layout.addWidget(_label(subtitle, "pageSubtitle"))
    layout.addSpacing(6)
    return layout


class _DetailsPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        layout = _page_layout(
            self,
            "Step 1 of 2",
            "Set up your practice",
            "CareCoord keeps all patient data in one encrypted database on this computer. "
            "Start with the practice name and the first administrator account.",
        )
        card, inner = _card()
        form = QFormLayout()
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
        form.addRow(_label("<b>First administrator</b>"))
        form.addRow("Full name", self.full_name)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        form.addRow("Password again", self.again)
        form.addRow(
            "", _label(f"At least {accounts.MIN_PASSWORD_LENGTH} characters.", "pageSubtitle")
        )
        inner.addLayout(form)
        layout.addWidget(card)
        layout.addWidget(self._unlock_choice())
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _unlock_choice(self) -> QFrame:
        card, inner = _card()
        inner.addWidget(_label("<b>How CareCoord unlocks the database on this computer</b>"))
        self.use_keystore = QRadioButton(
            "Keep the key in this computer's secure keystore (recommended)"
        )
        self.use_keystore.setObjectName("useKeystore")
        self.recovery_only = QRadioButton("Ask for the recovery key each time CareCoord starts")
        self.recovery_only.setObjectName("recoveryOnly")
        group = QButtonGroup(self)
        for button in (self.use_keystore, self.recovery_only):
            group.addButton(button)
            inner.addWidget(button)
        available = self.wiz.keystore_available
        self.use_keystore.setEnabled(available)
        (self.use_keystore if available else self.recovery_only).setChecked(True)
        if not available:
            self.use_keystore.setText(
                "Keep the key in this computer's secure keystore (not available here)"
            )
            inner.addWidget(_label(NO_KEYSTORE_NOTE, "noKeystoreNote"))
        return card

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
                remember_key=self.use_keystore.isChecked(),
            )
        except KeystoreUnavailableError as exc:
            show_error(
                self.error,
                f'{exc} Or choose "Ask for the recovery key each time CareCoord starts".',
            )
            return False
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self.wiz.practice_name = self.practice.text().strip()
        return True


class _RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        layout = _page_layout(self, "Step 2 of 2", "Your recovery key", "")
        self.subtitle = layout.itemAt(2).widget()
        self.every_start = _label(
            "On this computer CareCoord asks for this key each time it starts: keep the "
            "printed kit where the administrator who starts CareCoord can reach it.",
            "demoBanner",
        )
        self.every_start.hide()
        layout.addWidget(self.every_start)
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key_label)
        card, inner = _card()
        inner.addWidget(
            _label(
                "Print the recovery kit and keep it in the practice safe. Anyone with this key "
                "and a copy of the database can read every patient record: do not email or "
                "photograph it."
            )
        )
        self.save_button = QPushButton("Save recovery kit as PDF to print…")
        self.save_button.clicked.connect(self._save_kit)
        inner.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.saved = _label("")
        self.saved.hide()
        inner.addWidget(self.saved)
        self.confirm = QCheckBox("I have printed or written down the recovery key and stored it")
        self.confirm.setObjectName("confirmStored")
        self.confirm.toggled.connect(self.completeChanged)
        inner.addWidget(self.confirm)
        layout.addWidget(card)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # Qt override
        self.key_label.setText(self.wiz.recovery_text())
        keystore = self.wiz.details_page.use_keystore.isChecked()
        self.every_start.setVisible(not keystore)
        self.subtitle.setText(
            "This key is shown only now. "
            + (
                "It unlocks the practice database if this computer's keystore loses its key "
                "(a new computer, a reset keychain, restoring a backup)."
                if keystore
                else "It is the only way to unlock the practice database, here and on any "
                "other computer."
            )
        )

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
        self.saved.show()


class FirstRunWizard(QWizard):
    """`create_fn(**details)` makes the workspace and returns services.workspaces.NewWorkspace;
    it receives `remember_key` (False: recovery-key-only) with the practice details."""

    def __init__(
        self,
        create_fn: Callable[..., object],
        parent=None,
        *,
        keystore_available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.create_fn = create_fn
        self.created = None
        self.practice_name = ""
        self.keystore_available = (
            workspaces.keystore_available() if keystore_available is None else keystore_available
        )
        self.setWindowTitle("CareCoord Desktop — first-run setup")
        # Classic style without titles: the pages draw the app's own title and cards.
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(700, 640)
        self.details_page = _DetailsPage(self)
        self.recovery_page = _RecoveryPage(self)
        self.addPage(self.details_page)
        self.addPage(self.recovery_page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "Create the workspace")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Finish and sign in")
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            button = self.button(which)
            button.setObjectName("primary")
            button.style().unpolish(button)  # the style sheet matched it before it had a name
            button.style().polish(button)

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

    def reject(self) -> None:  # Qt override: Escape, the close button
        if self.created is None:
            super().reject()
            return
        if self.recovery_page.confirm.isChecked():
            self.accept()  # the key is stored: closing now is finishing
            return
        if self.confirm_abandon():
            workspaces.discard_new_workspace(self.created)
            self.created = None
            super().reject()

    def confirm_abandon(self) -> bool:
        """Closing before the recovery key is stored would leave a workspace nobody may ever
        unlock again: offer to remove it (it holds nothing yet), with "Go back" the default."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Stop the setup?")
        box.setText("The recovery key has not been stored yet.")
        box.setInformativeText(
            "If you stop now, the new workspace is removed (it holds no patients yet) and "
            "setup starts again next time."
        )
        remove = box.addButton("Remove it and stop", QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is remove
