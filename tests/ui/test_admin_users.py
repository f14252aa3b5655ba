"""Staff accounts: a table that stays put, the same person kept chosen, and every action that
takes something away asked first with Cancel as the default."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, settings
from carecoord_desktop.ui.admin.screen import AdminScreen, ResetPasswordDialog
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from tests_support import STAFF_PASSWORD, save_shot, staff


@pytest.fixture
def asked(monkeypatch):
    """Every QMessageBox run is recorded and answered with the button named in `answer`
    (default: whichever button the box itself would take on Enter)."""
    seen: list[dict] = []
    answer: list[str] = []

    def run(box):
        default = box.defaultButton()
        seen.append(
            {
                "text": box.text(),
                "default": default.text() if default else None,
                "escape": box.escapeButton().text() if box.escapeButton() else None,
            }
        )
        box.show()
        save_shot(box, f"users_confirm_{len(seen)}.png")
        pick = answer.pop(0) if answer else None
        chosen = next((b for b in box.buttons() if b.text() == pick), default)
        chosen.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", run)
    return seen, answer


def _users(qtbot, ws, admin):
    for name in ("curtis.pham", "dana.wu", "eli.ross"):
        staff(ws, admin, Role.NURSE, name)
    screen = AdminScreen(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(screen)
    screen.setStyleSheet(stylesheet())
    screen.resize(1180, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.users.screen_ref = screen  # the tab's window must outlive this helper
    return screen.users


def _row(tab, username):
    names = [tab.model.row_at(r).username for r in range(tab.model.rowCount())]
    return names.index(username)


def _active(ws, admin, username):
    return {u.username: u for u in accounts.list_users(ws, admin)}[username].active


def test_disable_asks_first_with_cancel_as_the_default(qtbot, ws, admin, asked):
    seen, answer = asked
    tab = _users(qtbot, ws, admin)
    tab.view.selectRow(_row(tab, "curtis.pham"))
    tab.toggle_button.click()  # answered with the default: Cancel
    assert seen[-1]["text"] == (
        "Disable Curtis Pham? They will not be able to sign in until an administrator "
        "enables the account."
    )
    assert seen[-1]["default"] == seen[-1]["escape"] == "Cancel"
    assert _active(ws, admin, "curtis.pham")
    save_shot(tab.window(), "users_1_chosen.png")
    answer.append("Disable")
    tab.toggle_button.click()
    assert not _active(ws, admin, "curtis.pham")
    save_shot(tab.window(), "users_2_after_disable.png")


def test_the_table_never_moves_and_the_same_person_stays_chosen(qtbot, ws, admin, asked):
    _seen, answer = asked
    tab = _users(qtbot, ws, admin)
    top = tab.view.mapTo(tab, tab.view.rect().topLeft()).y()

    def view_top():
        return tab.view.mapTo(tab, tab.view.rect().topLeft()).y()

    tab.view.selectRow(_row(tab, "dana.wu"))
    assert view_top() == top  # the hint gave way to the chosen person: same height
    answer.append("Disable")
    tab.toggle_button.click()
    assert not _active(ws, admin, "dana.wu")
    assert tab.selected().username == "dana.wu"  # kept chosen after the list refreshed
    assert tab.toggle_button.text() == "Enable"
    assert view_top() == top
    tab.view.selectRow(_row(tab, "admin"))
    answer.append("Disable")
    tab.toggle_button.click()  # the only administrator: refused, and said so
    assert "only active administrator" in tab.status.text()
    assert tab.status.is_error() and tab.selected().username == "admin"
    assert view_top() == top
    save_shot(tab.window(), "users_3_last_admin_error.png")
    tab.view.selectRow(_row(tab, "eli.ross"))
    assert "only active administrator" not in tab.status.text()  # it was about the admin
    assert not tab.status.is_error() and "Eli Ross" in tab.status.text()
    assert view_top() == top
    tab.view.clearSelection()
    assert tab.status.text() == tab.HINT and view_top() == top


def test_reset_password_asks_twice_and_a_mismatch_changes_nothing(qtbot, ws, admin):
    tab = _users(qtbot, ws, admin)
    tab.view.selectRow(_row(tab, "eli.ross"))
    dialog = ResetPasswordDialog(tab.state, tab.selected(), tab)
    qtbot.addWidget(dialog)
    assert dialog.cancel_button.isDefault() and not dialog.reset_button.isDefault()
    dialog.password.setText("temporary pass 9")
    dialog.again.setText("temporary pass 8")
    dialog.reset_button.click()
    assert "not the same" in dialog.error.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert accounts.authenticate(ws, "eli.ross", STAFF_PASSWORD)  # the old one still works
    save_shot(dialog, "users_4_reset_mismatch.png")
    dialog.again.setText("temporary pass 9")
    dialog.reset_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = {u.username: u for u in accounts.list_users(ws, admin)}["eli.ross"]
    assert user.must_change_password
    assert tab.selected().username == "eli.ross"  # the notice refreshed; still chosen
