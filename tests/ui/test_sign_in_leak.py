"""A password typed into the sign-in's user-name box is never shown on the audit screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from carecoord_desktop.services import settings
from carecoord_desktop.ui.admin.screen import AuditTab
from carecoord_desktop.ui.shell.dialogs import LoginDialog
from carecoord_desktop.ui.shell.state import AppState
from tests_support import ADMIN_PASSWORD


def test_the_audit_screen_shows_unknown_user_not_what_was_typed(qtbot, ws, admin):
    dialog = LoginDialog(ws, practice_name="Riverside Family Practice")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText(ADMIN_PASSWORD)  # the password, in the wrong box
    dialog.password.setText("x")
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.isVisible() and dialog.actor is None

    tab = AuditTab(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(tab)
    tab.refresh()
    model = tab.model
    cells = [
        str(model.data(model.index(r, c)))
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]
    assert "unknown user" in cells
    assert not [c for c in cells if ADMIN_PASSWORD in c]
