"""The `carecoord` command driven in-process, secrets through stdin as a script would."""

from __future__ import annotations

import io
from datetime import date

import pytest

from carecoord_desktop import cli
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import workspaces
from tests_support import ADMIN_PASSWORD


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def folder(tmp_path, run):
    path = tmp_path / "ws"
    code, out, _ = run(
        "--workspace",
        str(path),
        "init",
        "--practice",
        "Bayview Clinic",
        "--admin",
        "admin",
        "--admin-name",
        "Alex Admin",
        "--kit",
        str(tmp_path / "kit.pdf"),
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 0, out
    assert "RECOVERY KEY" in out
    return path


def test_init_then_check_backup_and_audit_verify(folder, run, tmp_path):
    assert (tmp_path / "kit.pdf").exists()
    code, out, _ = run("--workspace", str(folder), "check")
    assert code == 0 and "OK" in out
    code, out, _ = run("--workspace", str(folder), "backup")
    assert code == 0 and "verified" in out
    code, out, _ = run("--workspace", str(folder), "audit", "verify")
    assert code == 0 and "intact" in out


def test_check_reindex_rebuilds_the_search_index(folder, run):
    from carecoord_desktop.services import patients, registry
    from carecoord_desktop.services.context import Actor
    from carecoord_desktop.services.registry import PatientFilter

    ws = workspaces.open_workspace(folder)
    admin = Actor(1, "admin", "Alex Admin", Role.ADMIN)
    patients.create_patient(
        ws,
        admin,
        patients.PatientDraft(
            given_name="Mereana", family_name="Tuhiwai", date_of_birth=date(1950, 5, 4)
        ),
    )
    with ws.raw_connection() as conn:  # a damaged index: the patient can no longer be found
        conn.execute("DELETE FROM patient_fts")
        conn.execute("DELETE FROM patient_trigram")
        conn.commit()
    assert registry.query_ids(ws, admin, PatientFilter(text="tuhi")) == []
    ws.close()
    code, out, _ = run("--workspace", str(folder), "check", "--reindex")
    assert code == 0 and "rebuilt for 1 patients" in out
    ws = workspaces.open_workspace(folder)
    assert len(registry.query_ids(ws, admin, PatientFilter(text="tuhi"))) == 1
    ws.close()


def test_init_refuses_an_existing_workspace(folder, run):
    code, _, err = run(
        "--workspace",
        str(folder),
        "init",
        "--practice",
        "Other",
        "--admin",
        "admin2",
        "--admin-name",
        "Other Admin",
        "--password-stdin",
        stdin="another long password\n",
    )
    assert code == 2
    assert "already holds a CareCoord workspace" in err


def test_users_add_list_disable_need_an_admin(folder, run):
    code, out, err = run(
        "--workspace",
        str(folder),
        "users",
        "add",
        "nurse.kim",
        "--full-name",
        "Sam Kim",
        "--role",
        "nurse",
        "--as",
        "admin",
        "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\ntemporary pass 1\n",
    )
    assert code == 0, err
    code, out, _ = run(
        "--workspace",
        str(folder),
        "users",
        "list",
        "--as",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert "nurse.kim" in out and "practice nurse" in out
    code, out, err = run(
        "--workspace",
        str(folder),
        "users",
        "list",
        "--as",
        "nurse.kim",
        "--password-stdin",
        stdin="temporary pass 1\n",
    )
    # An administrator's temporary password is refused before anything else (issue 7).
    assert code == 2 and "temporary password" in err and "nurse.kim" not in out
    code, out, err = run(
        "--workspace",
        str(folder),
        "users",
        "disable",
        "admin",
        "--as",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 2 and "only active administrator" in err
    code, out, err = run(
        "--workspace",
        str(folder),
        "users",
        "list",
        "--as",
        "admin",
        "--password-stdin",
        stdin="wrong password\n",
    )
    assert code == 2 and "not right" in err


def test_audit_verify_detects_a_tampered_row(folder, run):
    ws = workspaces.open_workspace(folder)
    with ws.raw_connection() as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET detail = 'nothing to see' WHERE id = 2")
        conn.commit()
    ws.close()
    code, out, _ = run("--workspace", str(folder), "audit", "verify")
    assert code == 1
    assert "TAMPERED" in out and "event No. 2: its content was changed" in out
    assert "trigger audit_event_no_update is missing" in out  # how the row was changed
    code, out, _ = run("--workspace", str(folder), "check")
    assert code == 1 and "event No. 2" in out


def test_no_keystore_key_needs_the_recovery_key(folder, run, memory_keyring, capsys):
    memory_keyring.secrets.clear()
    code, _, err = run("--workspace", str(folder), "check")
    assert code == 2 and "recovery key" in err.lower()
    code, _, err = run(
        "--workspace",
        str(folder),
        "--recovery-key-stdin",
        "check",
        stdin="0000-0000-0000-0000-0000-0000-0000-0000-0000\n",
    )
    assert code == 2 and ("typing mistake" in err or "does not unlock" in err)


def test_restore_with_confirmation_flag(folder, run):
    run("--workspace", str(folder), "backup")
    backup = sorted((folder / "backups").iterdir())[-1]
    code, _, err = run("--workspace", str(folder), "restore", str(backup))
    assert code == 2 and "--yes" in err
    code, out, err = run("--workspace", str(folder), "restore", str(backup), "--yes")
    assert code == 0, err
    assert "kept as" in out
    assert any("pre-restore" in p.name for p in (folder / "backups").iterdir())


def test_missing_workspace_is_a_clear_message(run, tmp_path):
    code, _, err = run("--workspace", str(tmp_path / "nowhere"), "check")
    assert code == 2 and "There is no CareCoord workspace" in err
