"""The shell, sign-in, lock and admin screens driven as a user would, on a real workspace."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, settings, workspaces
from carecoord_desktop.ui.admin.screen import AddUserDialog
from carecoord_desktop.ui.shell.dialogs import LoginDialog, RecoveryKeyDialog
from carecoord_desktop.ui.shell.first_run import FirstRunWizard
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.placeholder import UnavailablePage
from carecoord_desktop.ui.shell.screens import SCREENS
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel
from tests_support import ADMIN_PASSWORD, TEST_SCRYPT_N, save_shot

NURSE_PASSWORD = "nurse password 42"


@pytest.fixture
def no_message_boxes(monkeypatch):
    """Modal message boxes would block a test: record them instead."""
    shown = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            lambda *a, _n=name, **k: (
                shown.append((_n, a[1] if len(a) > 1 else "")) or QMessageBox.StandardButton.Ok
            ),
        )
    return shown


@pytest.fixture
def window(qtbot, ws, admin, tmp_path):
    state = AppState(ws, admin, settings.load(ws))
    win = MainWindow(state, settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def nurse(ws, admin):
    accounts.add_user(
        ws,
        admin,
        username="nurse.kim",
        full_name="Sam Kim",
        role=Role.NURSE,
        password=NURSE_PASSWORD,
        must_change_password=False,
    )
    return accounts.authenticate(ws, "nurse.kim", NURSE_PASSWORD)


def test_pyside6_survives_20000_void_calls():
    """PySide6 6.12.0 on CPython 3.11 aborted with none_dealloc after a few thousand calls."""
    code = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        for i in range(20_000):
            label.setText("x")        # returns None
            label.setEnabled(i % 2)   # returns None
        print("survived")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout


def test_first_run_wizard_creates_workspace_and_shows_key_once(qtbot, tmp_path):
    folder = tmp_path / "practice"
    wiz = FirstRunWizard(
        lambda **d: workspaces.create_practice(folder, scrypt_n=TEST_SCRYPT_N, **d)
    )
    qtbot.addWidget(wiz)
    wiz.show()
    page = wiz.details_page
    qtbot.keyClicks(page.practice, "Hillside Medical")
    qtbot.keyClicks(page.full_name, "Robin Lee")
    qtbot.keyClicks(page.username, "r.lee")
    qtbot.keyClicks(page.password, "a long enough pass")
    qtbot.keyClicks(page.again, "a different pass!!")
    wiz.next()
    assert wiz.currentPage() is page, "mismatched passwords must keep the user on the page"
    assert "differ" in page.error.text()
    assert not workspaces.exists(folder)

    page.again.setText("a long enough pass")
    wiz.next()
    assert wiz.currentPage() is wiz.recovery_page
    assert workspaces.exists(folder)
    shown_key = wiz.recovery_page.key_label.text().replace("\n", "-")
    assert shown_key == wiz.created.recovery_key.formatted()
    assert not wiz.button(wiz.WizardButton.FinishButton).isEnabled()

    kit = tmp_path / "kit.pdf"
    wiz.recovery_page.write_kit(kit)
    text = " ".join(p.extract_text() for p in PdfReader(kit).pages)
    for group in shown_key.split("-"):
        assert group in text
    assert "Hillside Medical" in text

    wiz.recovery_page.confirm.setChecked(True)
    assert wiz.button(wiz.WizardButton.FinishButton).isEnabled()
    wiz.created.workspace.close()


def test_first_run_wizard_bad_input_says_what_to_fix(qtbot, tmp_path):
    folder = tmp_path / "practice"
    wiz = FirstRunWizard(
        lambda **d: workspaces.create_practice(folder, scrypt_n=TEST_SCRYPT_N, **d)
    )
    qtbot.addWidget(wiz)
    wiz.show()
    page = wiz.details_page
    page.practice.setText("Hillside Medical")
    page.full_name.setText("Robin Lee")
    page.username.setText("Robin Lee!")  # spaces and punctuation are not allowed
    page.password.setText("a long enough pass")
    page.again.setText("a long enough pass")
    wiz.next()
    assert wiz.currentPage() is page
    assert "user name" in page.error.text().lower()
    page.username.setText("r.lee")
    page.password.setText("short")
    page.again.setText("short")
    wiz.next()
    assert "at least" in page.error.text().lower()
    assert not workspaces.exists(folder)


def test_login_dialog_wrong_then_right_password(qtbot, ws):
    dialog = LoginDialog(ws, practice_name="Riverside Family Practice", username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong password")
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000) as checked:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert checked.args == [False] and dialog.actor is None
    assert "not right" in dialog.error.text()
    assert dialog.password.text() == "", "a failed password is cleared"
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor.username == "admin"
    rows, _ = audit.list_events(ws, dialog.actor)
    assert {"failed_login", "login"} <= {r.action for r in rows}


def test_recovery_key_dialog_reports_typo_then_opens(qtbot, new_practice, memory_keyring):
    ws = new_practice.workspace
    folder = ws.folder
    ws.close()
    memory_keyring.secrets.clear()
    opened = []

    def opener(key, remember):
        result = workspaces.open_workspace(folder, recovery_key=key, remember_key=remember)
        opened.append(result)
        return result

    dialog = RecoveryKeyDialog(opener, reason="No key here.", keystore_available=True)
    qtbot.addWidget(dialog)
    good = new_practice.recovery_key.formatted()
    typo = good[:-1] + ("0" if good[-1] != "0" else "1")
    dialog.key.setText(typo)
    dialog._try()
    assert "typing mistake" in dialog.error.text()
    dialog.key.setText(good.lower().replace("-", " "))
    dialog._try()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert memory_keyring.secrets, "remember ticked: the key is back in the keystore"
    opened[0].close()


def test_admin_sees_admin_screen_reception_does_not(qtbot, window, ws, admin):
    assert "admin" in window.page_keys
    window.show_screen("admin")
    assert window.current_screen() == "admin"
    accounts.add_user(
        ws,
        admin,
        username="front.desk",
        full_name="Jo Baker",
        role=Role.RECEPTION,
        password="reception pass 1",
        must_change_password=False,
    )
    reception = accounts.authenticate(ws, "front.desk", "reception pass 1")
    window.state.set_actor(reception)
    assert "admin" not in window.page_keys
    assert window.screen_widget("admin") is None, "a screen the role may not use is not built"
    assert not window.go_actions["admin"].isVisible()
    assert window.current_screen() == "patients"
    window.show_screen("admin")
    assert window.current_screen() != "admin"
    assert not window.backup_action.isEnabled()
    assert "reception" in window.user_label.text()


def test_idle_lock_hides_everything_and_needs_the_password(qtbot, window, ws):
    window.idle.set_minutes(0.002)  # ~120 ms
    with qtbot.waitSignal(window.locked_changed, timeout=5000) as blocker:
        pass
    assert blocker.args == [True]
    assert window.root.currentWidget() is window.lock_screen
    assert not window.menuBar().isEnabled()
    window.idle.set_minutes(60)

    lock = window.lock_screen
    lock.password.setText("not the password")
    with qtbot.waitSignal(lock.check_finished, timeout=10_000):
        lock.try_unlock()
    assert window.is_locked
    assert "not right" in lock.error.text()
    lock.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(window.locked_changed, timeout=10_000):
        lock.try_unlock()
    assert not window.is_locked
    assert window.root.currentIndex() == 0
    rows, _ = audit.list_events(ws, window.state.actor)
    actions = [r.action for r in rows]
    assert "lock" in actions and "unlock" in actions


def test_lock_hides_open_dialogs_and_switch_user_closes_them(qtbot, window, nurse):
    dialog = AddUserDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.isVisible()
    window.lock()
    assert not dialog.isVisible(), "a dialog may show patient data: it is hidden while locked"
    window.lock_screen.switch_user()
    window.lock_screen.username.setText("nurse.kim")
    window.lock_screen.password.setText(NURSE_PASSWORD)
    with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
        window.lock_screen.try_unlock()
    assert window.state.actor.username == "nurse.kim"
    assert not dialog.isVisible(), "the previous user's dialog is not shown to the next user"
    assert "admin" not in window.page_keys


def test_window_geometry_and_screen_are_remembered(qtbot, ws, admin, tmp_path):
    path = tmp_path / "ui.ini"
    first = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=path)
    qtbot.addWidget(first)
    first.show()
    avail = first.screen().availableGeometry()
    size = (min(avail.width() - 40, 1111), min(avail.height() - 60, 777))
    first.resize(*size)
    first.show_screen("tasks")
    first.screen_widget("patients").view.horizontalHeader().resizeSection(0, 333)
    first.close()
    second = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=path)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == size
    assert second.current_screen() == "tasks"
    assert second.screen_widget("patients").view.horizontalHeader().sectionSize(0) == 333


def test_every_declared_screen_is_built_and_opens(window):
    for spec in SCREENS:
        assert not spec.guide.startswith("Not built yet"), spec.key
    for key in list(window.page_keys):
        window.show_screen(key)
        assert not isinstance(window.pages.currentWidget(), UnavailablePage), key


def test_add_user_dialog_validates_and_adds(qtbot, window, ws, admin):
    dialog = AddUserDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Priya Patel")
    dialog.username.setText("dr.patel")
    dialog.role.setCurrentIndex(list(Role).index(Role.GP))
    dialog.password.setText("short")
    dialog._save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "at least" in dialog.error.text().lower()
    dialog.password.setText("temporary pass 9")
    dialog._save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    users = {u.username: u for u in accounts.list_users(ws, admin)}
    assert users["dr.patel"].role is Role.GP and users["dr.patel"].must_change_password


def test_users_tab_disable_and_last_admin_protection(qtbot, window, ws, nurse, monkeypatch):
    monkeypatch.setattr("carecoord_desktop.ui.admin.screen.confirm", lambda *a, **k: True)
    tab = window.screen_widget("admin").users
    tab.refresh()
    names = [tab.model.row_at(i).username for i in range(tab.model.rowCount())]
    tab.view.selectRow(names.index("nurse.kim"))
    tab.toggle_active()
    assert not {u.username: u for u in accounts.list_users(ws, window.state.actor)}[
        "nurse.kim"
    ].active
    tab.view.selectRow(names.index("admin"))
    tab.toggle_active()
    assert "only active administrator" in tab.error.text()


def test_backup_and_restore_from_the_practice_tab(qtbot, window, ws, admin, no_message_boxes):
    tab = window.screen_widget("admin").practice
    with qtbot.waitSignal(tab.backup_now().finished, timeout=30_000):
        pass
    assert "checked" in tab.backup_status.text()
    assert tab.model.rowCount() == 1
    accounts.add_user(
        ws,
        admin,
        username="late.user",
        full_name="Late User",
        role=Role.GP,
        password="late user pass 1",
    )
    backup_path = tab.model.row_at(0).path
    with qtbot.waitSignal(window.restore_backup(backup_path).finished, timeout=30_000):
        pass
    assert no_message_boxes and no_message_boxes[-1][0] == "information"
    restored = window.state.ws
    assert restored is not ws
    usernames = {u.username for u in accounts.list_users(restored, admin)}
    assert "late.user" not in usernames
    assert any("pre-restore" in p.name for p in workspaces.list_backups(restored))
    # the admin screen follows the swapped workspace
    assert window.screen_widget("admin").practice.model.rowCount() == 2
    restored.close()


def test_rows_table_model_passes_qt_model_tester(qtmodeltester):
    model = RowsTableModel([Column("A", lambda r: r[0]), Column("B", lambda r: r[1])])
    model.set_rows([(1, "x"), (2, None), (3, "z")])
    qtmodeltester.check(model)


def test_every_nav_title_fits_without_a_sideways_scroll_bar(qtbot, qapp, ws, admin, tmp_path):
    """The admin sees every screen; the longest title ("Outside providers") must fit."""
    from carecoord_desktop.ui.resources import stylesheet

    qapp.setStyleSheet(stylesheet())
    try:
        win = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=tmp_path / "u.ini")
        qtbot.addWidget(win)
        win.resize(1280, 800)
        win.show()
        qtbot.waitExposed(win)
        nav = win.nav
        assert any("Outside providers" in nav.item(r).text() for r in range(nav.count()))
        assert nav.horizontalScrollBar().maximum() == 0
        for r in range(nav.count()):
            rect = nav.visualItemRect(nav.item(r))
            assert rect.right() <= nav.viewport().width(), nav.item(r).text()
        save_shot(win, "nav_fits.png")
    finally:
        qapp.setStyleSheet("")
