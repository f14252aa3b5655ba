""" "Verify the log" answers a practice manager in words: what was found, what it was compared
with (never "0 anchors"), and the chain head in small print, saying what it is for."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services import audit, settings, workspaces
from carecoord_desktop.ui.admin.screen import AuditTab
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot


def _verify(qtbot, ws, admin, monkeypatch, shot=None):
    shown = []

    def run(box):
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        if shot:
            box.show()
            save_shot(box, shot)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", run)
    tab = AuditTab(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(tab)
    tab.verify()
    assert len(shown) == 1
    return shown[0]


def test_first_check_without_backups_says_so_plainly(qtbot, ws, admin, monkeypatch):
    title, text, more = _verify(qtbot, ws, admin, monkeypatch, "verify_first_no_backup.png")
    rows = audit.verify_chain(ws).rows
    assert title == "Audit log intact"
    assert text.startswith(f"All {rows:,} events in the log are as they were written")
    assert "anchor" not in (text + more).lower() and " 0 " not in more
    assert "No backup holds the log yet: make one to protect it further." in more
    assert "Details for the practice record" in more and "font-size: small" in more
    # the head is below the words, with what it is for
    assert more.index("Details for the practice record") < more.index("Chain head")
    assert "if the log is ever questioned" in more


def test_with_a_checkpoint_and_a_backup_it_names_both(qtbot, ws, admin, monkeypatch):
    workspaces.backup_now(ws, admin)
    _verify(qtbot, ws, admin, monkeypatch)  # the first check seals the checkpoint
    workspaces.backup_now(ws, admin)
    _title, _text, more = _verify(qtbot, ws, admin, monkeypatch, "verify_checkpoint_backups.png")
    assert "Compared with the sealed checkpoint kept with the key file and 2 backups." in more
    assert "No backup" not in more


def test_the_who_filter_shows_its_whole_placeholder(qtbot, tmp_path):
    from carecoord_desktop.services import accounts, demo
    from carecoord_desktop.ui.admin.screen import AdminScreen
    from carecoord_desktop.ui.resources import stylesheet
    from tests_support import TEST_SCRYPT_N

    made = demo.create_demo_workspace(tmp_path / "ws", patients=200, seed=2, scrypt_n=TEST_SCRYPT_N)
    ws = made.workspace
    actor = accounts.authenticate(ws, "admin", demo.DEMO_PASSWORD)
    screen = AdminScreen(AppState(ws, actor, settings.load(ws)))
    qtbot.addWidget(screen)
    screen.setStyleSheet(stylesheet())
    screen.resize(1180, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.tabs.setCurrentWidget(screen.audit)
    qtbot.waitUntil(lambda: screen.audit.model.rowCount() > 0)
    who = screen.audit.who
    room = who.width() - 2 * who.fontMetrics().averageCharWidth() - 16  # frame, clear button
    assert who.fontMetrics().horizontalAdvance(who.placeholderText()) <= room
    save_shot(screen, "audit_log_demo.png")
    ws.close()
