"""`carecoord-desktop --demo` end to end: demo created on a worker, sign-in, main window."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from carecoord_desktop import app as app_module
from carecoord_desktop.services.demo import DEMO_PASSWORD
from carecoord_desktop.ui.dialogs import LoginDialog
from carecoord_desktop.ui.main_window import MainWindow


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
    from pathlib import Path

    probe = Path(__file__).with_name("_announce_sign_in.py")
    env = {**os.environ, "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, str(probe), "--demo", "--patients", "20"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # blocks until the sign-in dialog is on screen (or exit)
        assert line.strip() == "sign-in dialog shown", proc.stderr.read()
        assert list(tmp_path.glob("carecoord-demo-*/workspace/workspace.json"))
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, proc.stderr.read()
    assert not list(tmp_path.glob("carecoord-demo-*")), "the throwaway demo folder is removed"
