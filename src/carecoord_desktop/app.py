"""Composition root for the GUI: find or create the workspace, unlock it, sign in, open the shell.

carecoord-desktop [--workspace DIR] [--demo [--patients N]]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from carecoord_desktop import APP_NAME, __version__
from carecoord_desktop.config import resolve_workspace_dir
from carecoord_desktop.errors import CareCoordError, KeyNotInKeystoreError, WrongKeyError
from carecoord_desktop.services import demo, settings, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.ui.resources import app_icon, stylesheet
from carecoord_desktop.ui.shell.dialogs import LoginDialog, RecoveryKeyDialog
from carecoord_desktop.ui.shell.error_report import install_gui_hooks
from carecoord_desktop.ui.shell.first_run import FirstRunWizard
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import run_modal


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="carecoord-desktop", description=f"{APP_NAME} {__version__}")
    p.add_argument("--workspace", metavar="DIR", help="workspace folder")
    p.add_argument(
        "--demo", action="store_true", help="open a throwaway demo practice with synthetic patients"
    )
    p.add_argument("--patients", type=int, default=500, help="demo patients (up to 100,000)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # For tools/smoke_frozen.sh and tests: say on stdout when the sign-in window is shown;
    # --smoke-test then also quits, so the real start-up can be checked without a person.
    p.add_argument("--report-sign-in", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


class _SmokeTest(QObject):
    """Prints how long start-up took when the sign-in window is shown; quits then if asked."""

    def __init__(self, app: QApplication, started: float, *, quit_there: bool) -> None:
        super().__init__(app)
        self.started = started
        self.quit_there = quit_there
        app.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # Qt override
        if event.type() == QEvent.Type.Show and isinstance(obj, LoginDialog):
            # Report from inside the dialog's own event loop (a timer runs only there), so a
            # SIGTERM sent on reading the line finds the dialog waiting for input.
            QTimer.singleShot(0, lambda: self._report(obj))
        return False

    def _report(self, dialog: LoginDialog) -> None:
        seconds = time.perf_counter() - self.started
        print(f"smoke-test: sign-in window shown after {seconds:.2f} s", flush=True)
        if self.quit_there:
            dialog.reject()


def quit_on_signals(app: QApplication) -> Callable[[], None]:
    """SIGTERM (logout, shutdown) and Ctrl+C quit through Qt, so `finally` blocks run: the
    workspace closes cleanly and a throwaway demo folder is removed."""

    def reject_dialogs() -> None:
        for widget in app.topLevelWidgets():  # modal dialogs run event loops of their own
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    def request_quit(*_args) -> None:
        app.setProperty("quitRequested", True)  # main() stops between steps
        app.quit()
        # The handler can run while a dialog is being shown, before its exec() loop starts: a
        # reject then is lost and the app hangs. Queued, it runs inside that loop.
        QTimer.singleShot(0, reject_dialogs)

    previous = {sig: signal.signal(sig, request_quit) for sig in (signal.SIGTERM, signal.SIGINT)}
    # Python runs signal handlers between bytecodes; a timer lets it in while Qt waits.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)

    def restore() -> None:
        ticker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def quit_requested() -> bool:
    app = QApplication.instance()
    return bool(app and app.property("quitRequested"))


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("CareCoord")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setStyleSheet(stylesheet())
    return app


def fail(message: str, parent: QWidget | None = None) -> int:
    QMessageBox.critical(parent, APP_NAME, message)
    return 1


NO_KEYSTORE_UNLOCK = (
    "This computer has no secure keystore that CareCoord trusts, so the practice database is "
    "unlocked with its recovery key each time CareCoord starts. Type the key from the recovery "
    "kit."
)


def unlock_workspace(folder: Path, parent: QWidget | None = None):
    """Open with the keystore's key, or ask for the recovery key. None if the user gave up."""
    try:
        return run_modal(
            parent, "Opening the practice workspace…", workspaces.open_workspace, folder
        )
    except (KeyNotInKeystoreError, WrongKeyError) as exc:  # no key here, or a stale one
        keystore = workspaces.keystore_available()
        dialog = RecoveryKeyDialog(
            lambda key, remember: workspaces.open_workspace(
                folder, recovery_key=key, remember_key=remember
            ),
            reason=str(exc) if keystore else NO_KEYSTORE_UNLOCK,
            keystore_available=keystore,
            parent=parent,
        )
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None


def _warm_up() -> None:
    """While the sign-in window waits for a password: load what the first screens need that
    is slow to import (the holiday calendars behind every task countdown: ~200 ms)."""
    # A warm-up that fails costs only the time it would have saved.
    with contextlib.suppress(Exception):
        from carecoord_desktop.services.tasks import calendar

        calendar.warm_up()


def sign_in(ws, practice_name: str, *, username: str = "", hint: str = "") -> Actor | None:
    """The sign-in dialog; a forced password change happens inside it (`start_sign_in`, the one
    rule every way in follows, the lock screen's too)."""
    threading.Thread(target=_warm_up, name="carecoord-warm-up", daemon=True).start()
    dialog = LoginDialog(ws, practice_name=practice_name, username=username, hint=hint)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor


def open_main_window(ws, actor: Actor) -> MainWindow:
    state = AppState(ws, actor, settings.load(ws))
    window = MainWindow(state)
    window.show()
    return window


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv if argv is not None else sys.argv[1:])
    workspaces.identify_as("CareCoord app")
    app = make_app()
    install_gui_hooks()
    app.setProperty("quitRequested", False)  # a quit asked of an earlier run (tests) is done
    hook = None
    if args.smoke_test or args.report_sign_in:
        hook = _SmokeTest(app, started, quit_there=args.smoke_test)
    restore_signals = quit_on_signals(app)
    throwaway: Path | None = None
    username, hint = "", ""
    try:
        if args.demo:
            if args.workspace:
                folder = Path(args.workspace)
            else:
                throwaway = Path(tempfile.mkdtemp(prefix="carecoord-demo-"))
                folder = throwaway / "workspace"
            made = run_modal(
                None,
                f"Creating a demo practice with {args.patients:,} synthetic patients…",
                demo.create_demo_workspace,
                folder,
                patients=args.patients,
                with_progress=True,
            )
            if quit_requested():
                return 0
            ws = made.workspace
            username = made.accounts[0].username
            hint = (
                "Demo workspace: every account's password is "
                f"“{made.password}”. Accounts: "
                + ", ".join(f"{a.username} ({a.role.label})" for a in made.accounts)
            )
        else:
            folder = resolve_workspace_dir(args.workspace)
            if not workspaces.exists(folder):
                wizard = FirstRunWizard(
                    lambda **d: workspaces.create_practice(folder, **d),
                    keystore_available=workspaces.keystore_available(),
                )
                if wizard.exec() != QDialog.DialogCode.Accepted or wizard.created is None:
                    return 0
                ws, username = wizard.created.workspace, wizard.created.admin.username
            else:
                ws = unlock_workspace(folder)
                if ws is None:
                    return 0
        practice = settings.load(ws).practice_name
        actor = None if quit_requested() else sign_in(ws, practice, username=username, hint=hint)
        if actor is None:
            ws.close()
            return 0
        window = open_main_window(ws, actor)
        code = app.exec()
        window.state.ws.close()
        return code
    except CareCoordError as exc:
        return fail(str(exc))
    finally:
        restore_signals()
        if hook is not None:
            app.removeEventFilter(hook)
        if throwaway is not None:
            # A quit during creation leaves the worker writing there: let it finish first.
            QThreadPool.globalInstance().waitForDone(120_000)
            shutil.rmtree(throwaway, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
