"""The GUI signs out a user whose account was disabled while they were signed in, and asks a
user switching in with a temporary password to choose their own (the services refuse it)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from carecoord_desktop.errors import AccountDisabledError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, settings
from carecoord_desktop.ui.shell.dialogs import ChangePasswordDialog
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.state import AppState
from tests_support import STAFF_PASSWORD, save_shot, staff


def test_disabled_admin_is_signed_out_at_their_next_action(qtbot, ws, admin, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Ok
    )
    second = staff(ws, admin, Role.ADMIN, "second.admin")
    win = MainWindow(AppState(ws, second, settings.load(ws)), settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(win)
    win.show()
    accounts.update_user(ws, admin, second.user_id, active=False)  # from another window
    job = win.backup_now()  # the next action: runs on a worker thread, like every long action
    with qtbot.waitSignal(job.failed, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: win.is_locked)
    assert win.root.currentWidget() is win.lock_screen
    assert "Your account was disabled; you have been signed out" in win.lock_screen.who.text()
    assert not win.lock_screen.username.isReadOnly()  # sign in as someone else, not unlock
    assert shown and "signed out" in shown[0]
    assert win.user_label.text() == "Signed out"
    save_shot(win, "signed-out.png")
    with pytest.raises(AccountDisabledError):
        accounts.authenticate(ws, "second.admin", STAFF_PASSWORD)


@pytest.mark.parametrize("chooses", [True, False])
def test_switching_in_with_a_temporary_password_asks_for_a_new_one(
    qtbot, ws, admin, tmp_path, monkeypatch, chooses
):
    accounts.add_user(
        ws, admin, username="n.temp", full_name="Temp Nurse", role=Role.NURSE,
        password="temporary phrase 9",
    )  # fmt: skip
    asked = []

    def fake_exec(dialog):
        asked.append(dialog.windowTitle())
        if not chooses:
            return QDialog.DialogCode.Rejected
        dialog.new.setText(STAFF_PASSWORD + " mine")
        dialog.again.setText(STAFF_PASSWORD + " mine")
        with qtbot.waitSignal(dialog.check_finished, timeout=10_000):
            dialog._save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ChangePasswordDialog, "exec", fake_exec)
    win = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(win)
    win.show()
    win.switch_user()
    win.lock_screen.username.setText("n.temp")
    win.lock_screen.password.setText("temporary phrase 9")
    with qtbot.waitSignal(win.lock_screen.check_finished, timeout=10_000):
        win.lock_screen.try_unlock()
    assert asked == ["Choose your own password"]  # not asked again for the one just typed
    if chooses:
        assert not win.is_locked and win.state.actor.username == "n.temp"
        assert not accounts.must_change_password(ws, win.state.actor)
    else:
        assert win.is_locked and win.state.actor.username == "admin"
        assert win.root.currentWidget() is win.lock_screen
