"""A backup killed half-way leaves its .partial file and SQLite journal; the next backup or
open removes them (never one that another process is writing at that moment)."""

from __future__ import annotations

from datetime import date

from tests.services.writers import Writer

from carecoord_desktop.services import workspaces
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store.workspace import Workspace


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


def _killed_backup(ws, admin) -> list[str]:
    for i in range(150):
        draft = PatientDraft(
            given_name=f"Left{i}", family_name="Over", date_of_birth=date(1950, 2, 1 + i % 28)
        )
        patients.create_patient(ws, admin, draft, confirm_duplicates=True)
    child = Writer(ws, "backup_killed")
    assert child.proc.wait(timeout=120) == -9, child.proc.stdout.read()
    left = _leftovers(ws.backup_dir)
    assert any(n.endswith(".ccbackup.partial") for n in left), left
    assert any(n.endswith(".ccbackup.partial-journal") for n in left), left
    return left


def test_next_backup_removes_what_a_killed_backup_left(ws, admin):
    _killed_backup(ws, admin)
    result = workspaces.backup_now(ws, admin)
    assert _leftovers(ws.backup_dir) == []
    assert workspaces.list_backups(ws) == [result.path]


def test_next_open_removes_what_a_killed_backup_left(ws, admin):
    _killed_backup(ws, admin)
    ws.close()
    workspaces.open_workspace(ws.folder).close()
    assert _leftovers(ws.backup_dir) == []


def test_a_backup_being_written_is_not_cleaned_away(ws, admin):
    _killed_backup(ws, admin)
    # While a writer holds the backup lock (another process mid-backup), open leaves the files.
    with backups._writing(ws):
        other = Workspace.open(ws.folder)
        assert backups.remove_partials(other) == []
        other.close()
        assert _leftovers(ws.backup_dir) != []
    assert backups.remove_partials(ws) != []
