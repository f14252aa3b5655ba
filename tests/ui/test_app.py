"""`carecoord-desktop --demo` end to end: demo created on a worker, sign-in, main window."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from carecoord_desktop import app as app_module
from carecoord_desktop.services.demo import DEMO_PASSWORD
from carecoord_desktop.ui.shell.dialogs import LoginDialog
from carecoord_desktop.ui.shell.main_window import MainWindow


def _poll(check, interval_ms: int = 50) -> QTimer:
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(check)
    timer.start()
    return timer


def test_demo_opens_on_the_main_window_and_cleans_up(qtbot, tmp_path, monkeypatch):
    seen: dict[str, object] = {}
    monkeypatch.setattr(app_module.tempfile, "mkdtemp", lambda prefix="": str(tmp_path / "d"))

    def drive():
        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog) and "login" not in seen:
            seen["login"] = True
            seen["hint"] = " ".join(
                w.text()
                for w in modal.findChildren(type(modal.error))
                if w.objectName() == "demoBanner"
            )
            modal.password.setText(DEMO_PASSWORD)
            modal._sign_in()
            return
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if windows and "window" not in seen:
            win = windows[0]
            seen["window"] = type(win).__name__  # not the window: main() must be free to drop it
            seen["title"] = win.windowTitle()
            seen["demo_ws"] = win.state.ws.is_demo
            seen["user"] = win.user_label.text()
            win.close()

    timer = _poll(drive)
    code = app_module.main(["--demo", "--patients", "40"])
    timer.stop()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):  # closed by the test; main() leaves it to exit
            widget.deleteLater()
    assert code == 0
    assert "DEMO" in seen["title"]
    assert seen["demo_ws"] is True
    assert "administrator" in seen["user"]
    assert DEMO_PASSWORD in seen["hint"]
    assert not (tmp_path / "d").exists(), "the throwaway demo folder is removed on exit"


def test_sigterm_closes_the_app_cleanly_and_removes_the_demo_folder(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "carecoord_desktop", "--demo", "--patients", "20",
         "--report-sign-in"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()  # blocks until the app is waiting at the sign-in window
        assert "sign-in window shown" in line, proc.stderr.read()
        assert list(tmp_path.glob("carecoord-demo-*/workspace/workspace.json"))
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, proc.stderr.read()
    assert not list(tmp_path.glob("carecoord-demo-*")), "the throwaway demo folder is removed"


def test_version_prints_without_a_display(tmp_path):
    """The frozen build's smoke check runs `--version` where there is no screen at all."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "carecoord_desktop", "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"carecoord-desktop {app_module.__version__}"


def test_smoke_test_flag_stops_at_the_sign_in_window(qtbot, tmp_path, monkeypatch, capsys):
    """tools/smoke_frozen.sh relies on --smoke-test reaching the real sign-in dialog, then
    quitting with 0 and removing the throwaway demo."""
    monkeypatch.setattr(app_module.tempfile, "mkdtemp", lambda prefix="": str(tmp_path / "d"))
    shown: list[str] = []
    real_init = LoginDialog.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        shown.append(self.windowTitle())

    monkeypatch.setattr(LoginDialog, "__init__", spy)
    left_open: list[bool] = []

    def close_a_stuck_dialog():  # a broken hook fails the test instead of hanging it
        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog):
            left_open.append(True)
            modal.reject()

    timer = _poll(close_a_stuck_dialog, interval_ms=3000)
    code = app_module.main(["--demo", "--patients", "10", "--smoke-test"])
    timer.stop()
    assert not left_open, "--smoke-test did not close the sign-in window itself"
    out = capsys.readouterr().out
    assert code == 0
    assert shown and shown[0].startswith("Sign in")
    assert "smoke-test: sign-in window shown after" in out
    assert not (tmp_path / "d").exists()


# -- first run on a computer with no keystore CareCoord trusts ---------------------------------
def _no_keystore():
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # what a headless box offers: refused by the allowlist


def _fill_details(page, username: str = "r.lee") -> None:
    page.practice.setText("Hillside Medical")
    page.full_name.setText("Robin Lee")
    page.username.setText(username)
    page.password.setText("a long enough pass")
    page.again.setText("a long enough pass")


def test_first_run_without_a_keystore_sets_up_recovery_key_only(qtbot, tmp_path, monkeypatch):
    """The whole path through the real app: the wizard offers the recovery-key-only mode, the
    admin signs in, and the next start unlocks with the recovery key."""
    from functools import partial

    from carecoord_desktop.services import workspaces
    from carecoord_desktop.ui.shell.dialogs import RecoveryKeyDialog
    from carecoord_desktop.ui.shell.first_run import FirstRunWizard
    from tests_support import TEST_SCRYPT_N

    _no_keystore()
    monkeypatch.setattr(
        workspaces, "create_practice", partial(workspaces.create_practice, scrypt_n=TEST_SCRYPT_N)
    )
    folder = tmp_path / "practice"
    seen: dict[str, object] = {}

    def drive():
        modal = QApplication.activeModalWidget()
        if isinstance(modal, FirstRunWizard) and "key" not in seen:
            page = modal.details_page
            seen["keystore_offered"] = page.use_keystore.isEnabled()
            seen["recovery_only"] = page.recovery_only.isChecked()
            _fill_details(page)
            modal.next()
            seen["banner"] = not modal.recovery_page.every_start.isHidden()
            seen["key"] = modal.created.recovery_key.formatted()
            modal.recovery_page.confirm.setChecked(True)
            modal.accept()
        elif isinstance(modal, RecoveryKeyDialog) and "unlock_reason" not in seen:
            seen["unlock_reason"] = modal.findChildren(type(modal.error))[0].text()
            seen["remember_offered"] = modal.remember.isEnabled()
            modal.key.setText(str(seen["key"]))
            modal._try()
        elif isinstance(modal, LoginDialog):
            seen.setdefault("logins", []).append(modal.username.text())
            modal.reject()

    timer = _poll(drive)
    assert app_module.main(["--workspace", str(folder)]) == 0
    assert seen["keystore_offered"] is False and seen["recovery_only"] is True
    assert seen["banner"] is True
    assert workspaces.exists(folder)
    assert app_module.main(["--workspace", str(folder)]) == 0  # the next start
    timer.stop()
    assert "recovery key each time" in str(seen["unlock_reason"])
    assert seen["remember_offered"] is False
    assert seen["logins"] == ["r.lee", ""]


def test_first_run_keystore_refusal_leaves_nothing_and_offers_the_other_way(
    qtbot, tmp_path, memory_keyring
):
    import keyring.errors

    from carecoord_desktop.services import workspaces
    from carecoord_desktop.ui.shell.first_run import FirstRunWizard
    from tests_support import TEST_SCRYPT_N

    def refuse(*_args):
        raise keyring.errors.PasswordSetError("locked")

    memory_keyring.set_password = refuse  # a locked keychain
    folder = tmp_path / "practice"
    wiz = FirstRunWizard(
        lambda **d: workspaces.create_practice(folder, scrypt_n=TEST_SCRYPT_N, **d)
    )
    qtbot.addWidget(wiz)
    wiz.show()
    assert wiz.details_page.use_keystore.isChecked()
    _fill_details(wiz.details_page, username="Robin Lee!")
    wiz.next()  # a mistake of the user's is not answered with advice about keystores
    assert "user name" in wiz.details_page.error.text()
    assert "recovery key" not in wiz.details_page.error.text()
    _fill_details(wiz.details_page)
    wiz.next()
    assert wiz.currentPage() is wiz.details_page
    assert "refused" in wiz.details_page.error.text()
    assert "Ask for the recovery key each time" in wiz.details_page.error.text()
    assert not folder.exists(), "a failed setup leaves nothing behind"
    wiz.details_page.recovery_only.setChecked(True)
    wiz.next()
    assert wiz.currentPage() is wiz.recovery_page
    assert workspaces.exists(folder)
    wiz.recovery_page.confirm.setChecked(True)
    wiz.accept()
    wiz.created.workspace.close()


def test_closing_the_wizard_before_the_key_is_stored_removes_the_new_workspace(
    qtbot, tmp_path, memory_keyring
):
    from PySide6.QtWidgets import QMessageBox

    from carecoord_desktop.services import workspaces
    from carecoord_desktop.ui.shell.first_run import FirstRunWizard
    from tests_support import TEST_SCRYPT_N

    folder = tmp_path / "practice"
    wiz = FirstRunWizard(
        lambda **d: workspaces.create_practice(folder, scrypt_n=TEST_SCRYPT_N, **d)
    )
    qtbot.addWidget(wiz)
    wiz.show()
    _fill_details(wiz.details_page)
    wiz.next()
    assert workspaces.exists(folder) and memory_keyring.secrets
    answers = ["Go back", "Remove it and stop"]
    defaults: list[str] = []

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and answers:
            defaults.append(box.defaultButton().text())
            wanted = answers.pop(0)
            next(b for b in box.buttons() if b.text() == wanted).click()

    timer = _poll(answer)
    wiz.reject()  # Escape: "Go back" keeps everything
    assert wiz.isVisible() and workspaces.exists(folder)
    wiz.reject()  # again: remove it
    timer.stop()
    assert defaults == ["Go back", "Go back"], "the safe answer is the default"
    assert not wiz.isVisible()
    assert wiz.created is None
    assert not folder.exists()
    assert not memory_keyring.secrets, "the removed workspace's key is not left in the keystore"


def test_a_stale_keystore_key_is_replaced_through_the_recovery_key_dialog(
    qtbot, new_practice, memory_keyring
):
    """'Unlock with the recovery key' must be something the app then lets you do."""
    from PySide6.QtWidgets import QMessageBox

    from carecoord_desktop.services import workspaces
    from carecoord_desktop.store.keys import DataKey
    from carecoord_desktop.ui.shell.dialogs import RecoveryKeyDialog

    ws = new_practice.workspace
    folder, key = ws.folder, new_practice.recovery_key.formatted()
    ws.close()
    ((entry, _),) = memory_keyring.secrets.items()
    memory_keyring.secrets[entry] = DataKey.generate().hex()  # another workspace's key
    seen: dict[str, str] = {}

    def drive():
        modal = QApplication.activeModalWidget()
        if isinstance(modal, RecoveryKeyDialog) and "reason" not in seen:
            seen["reason"] = modal.findChildren(type(modal.error))[0].text()
            modal.key.setText(key)
            modal.remember.setChecked(True)
            modal._try()
        elif isinstance(modal, LoginDialog):
            seen["login"] = modal.windowTitle()
            modal.reject()
        elif isinstance(modal, QMessageBox):  # a dead end: the app gave up
            seen["gave_up"] = modal.text()
            modal.close()

    timer = _poll(drive)
    app_module.main(["--workspace", str(folder)])
    timer.stop()
    assert "gave_up" not in seen, seen.get("gave_up")
    assert "another workspace" in seen["reason"]
    assert seen["login"].startswith("Sign in")
    workspaces.open_workspace(folder).close()  # the keystore holds the right key again
