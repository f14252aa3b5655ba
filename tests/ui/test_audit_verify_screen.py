"""The admin screen's "Verify" checks the audit chain's anchors and triggers too, not only the
chain: a log whose newest rows were deleted is reported as tampered, with the rows."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services import settings, workspaces
from carecoord_desktop.ui.admin.screen import AuditTab
from carecoord_desktop.ui.shell.state import AppState


def _boxes(monkeypatch):
    shown = []
    for name in ("information", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            lambda *a, _n=name, **k: shown.append((_n, a[2])) or QMessageBox.StandardButton.Ok,
        )
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: shown.append(("information", f"{box.text()}\n{box.informativeText()}")),
    )
    return shown


def test_verify_reports_deleted_newest_rows(qtbot, ws, admin, monkeypatch):
    shown = _boxes(monkeypatch)
    workspaces.backup_now(ws, admin)
    tab = AuditTab(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(tab)
    tab.verify()
    assert shown[-1][0] == "information" and "Chain head" in shown[-1][1]
    conn = ws.connect_new()
    n = conn.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    conn.execute("DROP TRIGGER audit_event_no_delete")
    conn.execute("DELETE FROM audit_event WHERE id > ?", (n - 2,))
    conn.commit()
    conn.close()
    tab.verify()
    kind, text = shown[-1]
    assert kind == "critical"
    assert f"rows {n - 1}–{n} were deleted" in text
    assert "audit_event_no_delete is missing" in text
