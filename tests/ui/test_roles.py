"""Every role signs in through the real dialogs and uses every screen and menu action it has.

Signing in as anyone but the administrator once closed the app: these tests go through
`app.sign_in` (the sign-in dialog, and the forced password change inside it) on a real demo
workspace, then visit every screen, every tab and every menu action, failing on any error dialog.
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTabWidget,
    QToolButton,
)

from carecoord_desktop import app as app_module
from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, demo, settings, workspaces
from carecoord_desktop.services.permissions import ROLE_PERMISSIONS, Permission, can
from carecoord_desktop.ui.admin.screen import AddUserDialog
from carecoord_desktop.ui.shell.dialogs import ChangePasswordDialog, LoginDialog
from carecoord_desktop.ui.shell.help import HelpDialog
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.screens import SCREENS, ScreenSpec
from carecoord_desktop.ui.shell.state import AppState
from tests_support import TEST_SCRYPT_N

NEW_PASSWORD = "my very own phrase 7"
TEMPORARY = "temporary phrase 42"


@pytest.fixture
def made(tmp_path):
    created = demo.create_demo_workspace(tmp_path / "ws", patients=25, scrypt_n=TEST_SCRYPT_N)
    yield created
    created.workspace.close()


def _account(made, role: Role):
    return next(a for a in made.accounts if a.role is role)


class ModalDriver:
    """Answers modal dialogs as a user would, from a timer (a modal dialog runs its own loop).

    `steps` maps a dialog class to a function that fills it in; any other modal dialog is
    recorded and closed. A warning or critical message box counts as an error dialog.
    """

    def __init__(self, steps=None) -> None:
        self.steps = dict(steps or {})
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or isinstance(modal, QProgressDialog) or getattr(modal, "checking", 0):
            return  # nothing to answer, or work in progress that closes itself
        for cls, step in self.steps.items():
            if type(modal) is cls:
                self.seen.append(cls.__name__)
                del self.steps[cls]
                # Out of this timer's slot: a step may open a nested modal dialog, and a timer
                # does not fire again while its own slot runs.
                QTimer.singleShot(0, lambda s=step, m=modal: s(m))
                return
        self.seen.append(type(modal).__name__)
        if isinstance(modal, QMessageBox) and modal.icon() in (
            QMessageBox.Icon.Warning,
            QMessageBox.Icon.Critical,
        ):
            self.errors.append(modal.text())
        modal.reject() if isinstance(modal, QDialog) else modal.close()

    def stop(self) -> None:
        self.timer.stop()


def _fill_login(username: str, password: str):
    def step(dialog: LoginDialog) -> None:
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog._sign_in()

    return step


def _choose_password(seen_fields: list):
    def step(dialog: ChangePasswordDialog) -> None:
        seen_fields.append(dialog.current.isVisibleTo(dialog))
        dialog.new.setText(NEW_PASSWORD)
        dialog.again.setText(NEW_PASSWORD)
        dialog._save()

    return step


def _visit_everything(qtbot, window, password: str) -> set[str]:
    """Every screen through the navigation, every tab in it, then every menu action."""
    visited = set()
    for row, key in enumerate(list(window.page_keys)):
        window.nav.setCurrentRow(row)
        screen = window.pages.currentWidget()
        assert screen is window.screen_widget(key)
        broken = [
            w.text() for w in screen.findChildren(QLabel) if "could not be opened" in w.text()
        ]
        assert not broken, f"{key}: {broken}"
        for tabs in screen.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
        visited.add(key)
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator() or not action.isVisible() or not action.isEnabled():
                continue
            if action is window.quit_action:
                continue  # last, below
            action.trigger()
            if window.is_locked:  # Lock and Switch user: back in through the lock screen
                lock = window.lock_screen
                lock.username.setText(window.state.actor.username)
                lock.password.setText(password)
                with qtbot.waitSignal(lock.check_finished, timeout=10_000):
                    lock.try_unlock()
                assert not window.is_locked, lock.error.text()
    return visited


@pytest.mark.parametrize("forced", [False, True], ids=["signed-in", "first-sign-in"])
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_signs_in_and_uses_every_screen_and_menu(qtbot, made, role, forced):
    ws, account = made.workspace, _account(made, role)
    admin = accounts.authenticate(ws, "admin", made.password)
    password = made.password
    if forced:  # an administrator set a temporary password: it must be replaced at sign-in
        accounts.reset_password(ws, admin, accounts.find_user_id(ws, account.username), TEMPORARY)
        password = TEMPORARY
    current_field_shown: list[bool] = []
    steps = {LoginDialog: _fill_login(account.username, password)}
    if forced:
        steps[ChangePasswordDialog] = _choose_password(current_field_shown)
    driver = ModalDriver(steps)
    try:
        actor = app_module.sign_in(ws, "Demo Practice")
        assert actor is not None and actor.role is role, driver.seen
        if forced:
            assert current_field_shown == [False], "the password just typed is not asked again"
            assert not accounts.must_change_password(ws, actor)
            password = NEW_PASSWORD
            accounts.authenticate(ws, account.username, NEW_PASSWORD)  # the new one works
        else:
            assert "ChangePasswordDialog" not in driver.seen
        window = app_module.open_main_window(ws, actor)
        qtbot.addWidget(window)
        assert window.isVisible()
        assert role.label in window.user_label.text()
        visited = _visit_everything(qtbot, window, password)
        expected = {s.key for s in SCREENS if s.permission is None or can(actor, s.permission)}
        assert visited == expected
        assert ("admin" in visited) == (role is Role.ADMIN)
        assert {"patients", "care_plans", "medications", "tasks", "conferences"} <= visited
        assert window.help_action.isEnabled()
        assert any(
            isinstance(w, HelpDialog) and w.isVisible() for w in window.findChildren(QDialog)
        )
        window.quit_action.trigger()
        assert not window.isVisible()
    finally:
        driver.stop()
    assert driver.errors == [], f"error dialogs shown to a {role.label}: {driver.errors}"
    # File > Back up now ran for the role that may make backups, and only for it
    assert bool(workspaces.list_backups(ws)) == can(actor, Permission.RUN_BACKUPS)


def test_leaving_the_forced_change_keeps_the_user_out(qtbot, made):
    ws, account = made.workspace, _account(made, Role.NURSE)
    admin = accounts.authenticate(ws, "admin", made.password)
    accounts.reset_password(ws, admin, accounts.find_user_id(ws, account.username), TEMPORARY)
    dialogs: list[LoginDialog] = []

    def fill_then_cancel_login(dialog: LoginDialog) -> None:
        dialogs.append(dialog)
        driver.steps[ChangePasswordDialog] = lambda d: d.reject()
        driver.steps[LoginDialog] = lambda d: d.reject()  # seen again: the user gives up
        _fill_login(account.username, TEMPORARY)(dialog)

    driver = ModalDriver({LoginDialog: fill_then_cancel_login})
    try:
        assert app_module.sign_in(ws, "Demo Practice") is None
    finally:
        driver.stop()
    assert "choose your own" in dialogs[0].error.text()
    assert accounts.must_change_password(ws, accounts.authenticate(ws, account.username, TEMPORARY))


# -- one session after another: lock, switch user, app-wide shortcuts ------------------------
@pytest.fixture
def window(qtbot, made, tmp_path):
    ws = made.workspace
    admin = accounts.authenticate(ws, "admin", made.password)
    win = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.screen_widget("patients").searching)
    return win


def _open_record(qtbot, window):
    patients_screen = window.screen_widget("patients")
    record = patients_screen.open_record(patients_screen.model.patient_id(0))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is record)
    return record


def test_ctrl_l_in_a_record_window_locks_the_whole_app(qtbot, window, made):
    record = _open_record(qtbot, window)
    qtbot.keyClick(record, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked, "the lock shortcut works from a record window"
    assert window.lock_label.text() == "Locked"
    assert not record.isVisible(), "a record window shows patient data: hidden while locked"
    window.lock_screen.password.setText(made.password)
    with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
        window.lock_screen.try_unlock()
    assert not window.is_locked
    assert record.isVisible(), "the same user gets their windows back"
    assert window.lock_label.text().startswith("Unlocked")


def test_f1_and_switch_user_work_from_a_record_window(qtbot, window):
    record = _open_record(qtbot, window)
    qtbot.keyClick(record, Qt.Key.Key_F1)
    helps = [w for w in QApplication.topLevelWidgets() if isinstance(w, HelpDialog)]
    assert helps and helps[0].isVisible()
    text = helps[0].browser.toPlainText()
    assert "Patients" in text and "Admin" in text and "Lock screen" in text
    qtbot.waitUntil(lambda: QApplication.activeWindow() is not None)
    record.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is record)
    qtbot.keyClick(
        record,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.is_locked and window.lock_screen.switching
    assert not helps[0].isVisible() and not record.isVisible()


def test_help_lists_only_the_screens_the_role_has(qtbot, window, made):
    nurse = accounts.authenticate(
        made.workspace, _account(made, Role.NURSE).username, made.password
    )
    window.state.set_actor(nurse)
    window.help_action.trigger()
    help_dialog = next(w for w in window.findChildren(HelpDialog))
    text = help_dialog.browser.toPlainText()
    for title in ("Patients", "Care plans", "Medications", "Task board", "Outside providers"):
        assert title in text
    assert "Admin" not in text and "Staff accounts" not in text
    assert "F1" in text and "Ctrl+L" in text and "Ctrl+Shift+L" in text
    assert "About" not in help_dialog.windowTitle()


def test_switch_user_leaves_nothing_of_the_previous_session(qtbot, window, made):
    ws = made.workspace
    patients_screen = window.screen_widget("patients")
    family = patients_screen.model.row_data(0).display_name.split(",")[0]
    qtbot.keyClicks(patients_screen.search, family)
    patients_screen.risk.setCurrentIndex(
        patients_screen.risk.findData(patients_screen.model.row_data(0).risk_tier)
    )
    qtbot.waitUntil(lambda: not patients_screen.searching and patients_screen.model.rowCount() > 0)
    patients_screen.view.selectRow(0)
    record = _open_record(qtbot, window)
    previous = window.state.actor

    window.switch_action.trigger()
    lock = window.lock_screen
    who = lock.who.text()
    assert previous.full_name in who and "still signed in" in who
    assert "signed out." not in who, "nobody is signed out until the next user signs in"
    assert previous.full_name in window.user_label.text(), "status bar and lock screen agree"
    assert window.lock_label.text() == "Locked"

    nurse = _account(made, Role.NURSE)
    lock.username.setText(nurse.username)
    lock.password.setText(made.password)
    with qtbot.waitSignal(lock.check_finished, timeout=10_000):
        lock.try_unlock()
    assert not window.is_locked
    assert window.state.actor.username == nurse.username
    assert nurse.full_name in window.user_label.text()
    qtbot.waitUntil(lambda: not shiboken6.isValid(record))  # closed for good, never re-shown
    patients_screen = window.screen_widget("patients")
    assert patients_screen.search.text() == ""
    assert all(c.currentIndex() == 0 for c in patients_screen._combos())
    assert not patients_screen.view.selectionModel().hasSelection()
    assert window.opener.open_windows() == []
    assert "admin" not in window.page_keys
    rows, _ = audit.list_events(ws, accounts.authenticate(ws, "admin", made.password))
    logouts = [r for r in rows if r.action == "logout" and r.actor_name == previous.display]
    assert logouts, "the previous user's session ends in the audit log"


def _view_of_patients(window) -> dict:
    """What a user sees of their own view on the Patients screen, beyond the data itself."""
    screen = window.screen_widget("patients")
    header = screen.view.horizontalHeader()
    return {
        "screen": window.current_screen(),
        "attention first": screen.attention_button.isChecked(),
        "sort": (screen.model.sort_key, screen.model.descending),
        "header arrow": (
            header.isSortIndicatorShown(),
            header.sortIndicatorSection(),
            header.sortIndicatorOrder(),
        ),
        "search": screen.search.text(),
        "filters": screen.filter_choices(),
        "selected": screen.view.selectionModel().hasSelection(),
        "current row": screen.view.currentIndex().row(),
        "risk panel": screen.panel.isVisible(),
    }


def _clear_button(line_edit):
    return line_edit.findChild(QToolButton)  # Qt's own clear (x) button


def test_the_next_user_starts_as_a_fresh_sign_in_does(qtbot, window, made, tmp_path):
    """Every view choice of the previous user is undone: sort, 'needs attention first', the
    header arrow, search (and its clear button), a saved filter applied, the selection, the
    risk panel and the screen left open."""
    screen = window.screen_widget("patients")
    screen.saved_filters.store.save("High risk", {"risk": "high"})
    screen.saved_filters.apply(screen.saved_filters.store.all()["High risk"])
    screen.attention_button.click()
    qtbot.keyClicks(screen.search, "a")
    qtbot.waitUntil(lambda: not screen.searching and screen.model.rowCount() > 0)
    screen.view.selectRow(0)
    screen.show_risk(screen.model.index(0, 0))
    qtbot.waitUntil(lambda: _clear_button(screen.search).property("opacity") == 1.0)
    window.show_screen("conferences")
    assert window.current_screen() == "conferences"

    for role in (Role.NURSE, Role.GP, Role.RECEPTION, Role.COORDINATOR):
        account = _account(made, role)
        window.switch_user()
        window.lock_screen.username.setText(account.username)
        window.lock_screen.password.setText(made.password)
        with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
            window.lock_screen.try_unlock()  # the password is checked on a worker
        assert window.state.actor.username == account.username
        screen = window.screen_widget("patients")
        qtbot.waitUntil(lambda s=screen: not s.searching)
        fresh = MainWindow(
            AppState(made.workspace, window.state.actor, settings.load(made.workspace)),
            settings_path=tmp_path / f"fresh-{role.value}.ini",
        )
        qtbot.addWidget(fresh)
        fresh.show()
        qtbot.waitUntil(lambda f=fresh: not f.screen_widget("patients").searching)
        assert _view_of_patients(window) == _view_of_patients(fresh), role
        assert window.current_screen() == window.page_keys[0] == "patients"
        # The empty box's clear button fades out as it does after typing and deleting.
        qtbot.waitUntil(lambda s=screen: _clear_button(s.search).property("opacity") == 0.0)
        assert not _clear_button(screen.search).isVisible()
        # The next user changes the view too, for the one after them.
        screen.attention_button.click()
        header = screen.view.horizontalHeader()
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # date of birth, newest first
        qtbot.keyClicks(screen.search, "b")
        qtbot.waitUntil(lambda s=screen: _clear_button(s.search).property("opacity") == 1.0)
        window.show_screen(window.page_keys[-1])
        fresh.close()


def test_a_modal_dialog_open_at_a_lock_is_cancelled_not_left_behind(qtbot, window, made):
    dialog = AddUserDialog(window.state, window)
    qtbot.addWidget(dialog)
    QTimer.singleShot(0, window.lock)  # the idle lock fires while the dialog waits for input
    assert dialog.exec() == QDialog.DialogCode.Rejected
    assert window.is_locked and not dialog.isVisible()
    window.lock_screen.password.setText(made.password)
    with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
        window.lock_screen.try_unlock()
    assert not window.is_locked
    assert not dialog.isVisible(), "its caller took the lock as Cancel: it must not reappear"


def test_back_from_switch_user_keeps_the_session(qtbot, window, made):
    record = _open_record(qtbot, window)
    window.switch_user()
    window.lock_screen.back_button.click()
    assert not window.lock_screen.switching
    assert window.lock_screen.username.text() == "admin"
    window.lock_screen.password.setText(made.password)
    with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
        window.lock_screen.try_unlock()
    assert record.isVisible(), "a stray click on Switch user loses nothing"


@pytest.mark.parametrize("chooses", [True, False], ids=["chooses", "leaves"])
def test_switch_user_applies_the_forced_password_change(qtbot, window, made, chooses):
    ws = made.workspace
    nurse = _account(made, Role.NURSE)
    accounts.reset_password(
        ws, window.state.actor, accounts.find_user_id(ws, nurse.username), TEMPORARY
    )
    current_field_shown: list[bool] = []
    step = _choose_password(current_field_shown) if chooses else (lambda d: d.reject())
    driver = ModalDriver({ChangePasswordDialog: step})
    try:
        window.switch_user()
        window.lock_screen.username.setText(nurse.username)
        window.lock_screen.password.setText(TEMPORARY)
        with qtbot.waitSignal(window.lock_screen.check_finished, timeout=10_000):
            window.lock_screen.try_unlock()
    finally:
        driver.stop()
    assert driver.seen == ["ChangePasswordDialog"], "switching user is a sign-in like any other"
    if chooses:
        assert current_field_shown == [False]
        assert window.state.actor.username == nurse.username and not window.is_locked
        accounts.authenticate(ws, nurse.username, NEW_PASSWORD)
    else:
        assert window.is_locked and window.state.actor.username == "admin"
        assert "choose your own" in window.lock_screen.error.text()


def test_quit_from_a_record_window_closes_every_window(qtbot, window):
    record = _open_record(qtbot, window)
    qtbot.keyClick(record, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not record.isVisible() and not window.isVisible()


def test_a_screen_that_fails_to_build_says_why_and_the_rest_works(qtbot, made, tmp_path):
    def refuses(_ctx):
        raise PermissionDeniedError("practice nurse", "see this screen")

    specs = (SCREENS[0], ScreenSpec("boom", "Boom", refuses, None, "Ctrl+9", "admin", "Fails."))
    ws = made.workspace
    nurse = accounts.authenticate(ws, _account(made, Role.NURSE).username, made.password)
    win = MainWindow(
        AppState(ws, nurse, settings.load(ws)), settings_path=tmp_path / "u.ini", screens=specs
    )
    qtbot.addWidget(win)
    win.show_screen("boom")
    texts = " ".join(w.text() for w in win.pages.currentWidget().findChildren(QLabel))
    assert "could not be opened" in texts and "cannot see this screen" in texts
    win.show_screen("patients")
    assert win.current_screen() == "patients"


def test_a_new_staff_account_starts_with_the_least_privileged_role(qtbot, window):
    dialog = AddUserDialog(window.state, window)
    qtbot.addWidget(dialog)
    fewest = min(len(p) for p in ROLE_PERMISSIONS.values())
    assert len(ROLE_PERMISSIONS[dialog.role.currentData()]) == fewest
    assert dialog.role.currentData() == Role.RECEPTION
