"""The `carecoord` command driven in-process, secrets through stdin as a script would."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop import cli
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import workspaces
from tests_support import ADMIN_PASSWORD


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
    from carecoord_desktop.services.context import Actor
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients import register as registry
    from carecoord_desktop.services.patients.register import PatientFilter

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


# -- global options either side of the command ------------------------------------------------
def _demo_key(out: str) -> str:
    return out.split("Demo recovery key (the demo key is not kept in any keystore): ")[1].split()[0]


@pytest.mark.parametrize("before", [False, True], ids=["after-command", "before-command"])
def test_demo_takes_workspace_either_side_of_the_command(run, tmp_path, before):
    target = tmp_path / "demo-ws"
    where = ["--workspace", str(target)]
    argv = [*where, "demo", "--patients", "50"] if before else ["demo", *where, "--patients", "50"]
    code, out, err = run(*argv)
    assert code == 0, err
    assert workspaces.exists(target)
    # The demo key lives nowhere: reopen with the printed recovery key, options after the command.
    code, out, err = run(
        "check", "--workspace", str(target), "--recovery-key-stdin", stdin=_demo_key(out) + "\n"
    )
    assert code == 0, err
    assert "patient=50," in out


def test_init_and_users_take_global_options_after_the_command(run, tmp_path):
    target = tmp_path / "ws"
    code, out, err = run(
        "init", "--practice", "Bayview Clinic", "--admin", "admin", "--admin-name", "Alex Admin",
        "--password-stdin", "--workspace", str(target),
        stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert workspaces.exists(target)
    code, out, err = run(
        "--as", "admin", "--password-stdin", "users", "list", "--workspace", str(target),
        stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "admin" in out and "administrator" in out


def test_as_is_refused_where_it_means_nothing(run, folder):
    with pytest.raises(SystemExit) as stop:
        run("--workspace", str(folder), "check", "--as", "admin")
    assert stop.value.code == 2


def test_the_console_script_accepts_workspace_after_the_command(tmp_path):
    import os
    import subprocess
    import sys

    target = tmp_path / "sub-ws"
    done = subprocess.run(
        [sys.executable, "-c", "from carecoord_desktop.cli import main; raise SystemExit(main())",
         "demo", "--patients", "50", "--workspace", str(target)],
        capture_output=True, text=True, timeout=240, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert workspaces.exists(target)



def test_output_cut_short_by_the_reader_is_not_reported_as_a_failure(tmp_path):
    """`carecoord demo … | head -1`: the demo is made; a reader that stops early is no error."""
    import os
    import subprocess
    import sys

    target = tmp_path / "piped-ws"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from carecoord_desktop.cli import main; raise SystemExit(main())",
         "demo", "--patients", "5", "--workspace", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    proc.stdout.readline()  # like `head -1`: one line, then the reader is gone
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=240) == 0, stderr
    assert "unexpected" not in stderr and "BrokenPipe" not in stderr
    assert workspaces.exists(target)

# -- a computer with no keystore CareCoord trusts ----------------------------------------------
@pytest.fixture
def no_keystore():
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # what a headless box offers: refused by the allowlist
    assert not workspaces.keystore_available()


def _init(run, target, *extra, stdin=ADMIN_PASSWORD + "\n"):
    return run(
        "--workspace", str(target), "init", "--practice", "Bayview Clinic", "--admin", "admin",
        "--admin-name", "Alex Admin", "--password-stdin", *extra, stdin=stdin,
    )  # fmt: skip


def test_init_without_keystore_says_no_keystore_and_leaves_nothing(run, tmp_path, no_keystore):
    target = tmp_path / "new"
    code, _, err = _init(run, target)
    assert code == 2
    assert "--no-keystore" in err and "Nothing was created" in err
    assert not target.exists()
    # A folder the user chose keeps what was in it, and only that.
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / "notes.txt").write_text("mine")
    assert _init(run, chosen)[0] == 2
    assert [p.name for p in chosen.iterdir()] == ["notes.txt"]


def test_init_no_keystore_then_every_command_takes_the_recovery_key(run, tmp_path, no_keystore):
    target = tmp_path / "ws"
    code, out, err = _init(run, target, "--no-keystore")
    assert code == 0, err
    key = out.split("practice safe):")[1].split()[0]
    assert "--recovery-key-stdin" in out
    code, out, err = run("--workspace", str(target), "check")
    assert code == 2
    assert "--recovery-key-stdin" in err and "first line of standard input" in err
    code, out, err = run(
        "users", "list", "--as", "admin", "--password-stdin", "--recovery-key-stdin",
        "--workspace", str(target), stdin=f"{key}\n{ADMIN_PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err
    assert "administrator" in out
    code, out, err = run(
        "users", "list", "--as", "admin", "--password-stdin", "--recovery-key-stdin",
        "--workspace", str(target), stdin=f"{key}\n",
    )  # fmt: skip
    assert code == 2
    assert "line 2 of standard input" in err and "recovery key" in err


def test_remember_key_says_when_nothing_could_be_stored(run, tmp_path, no_keystore):
    target = tmp_path / "ws"
    key = _init(run, target, "--no-keystore")[1].split("practice safe):")[1].split()[0]
    code, _, err = run(
        "--workspace", str(target), "--recovery-key-stdin", "check", "--remember-key",
        stdin=key + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "the key was NOT stored" in err


def test_remember_key_stores_it_where_a_keystore_exists(run, folder, memory_keyring):
    memory_keyring.secrets.clear()
    # The recovery key of `folder` is not kept by the fixture: make a fresh one to know it.
    target = folder.parent / "ws2"
    code, out, _ = _init(run, target)
    kit_key = out.split("practice safe):")[1].split()[0]
    memory_keyring.secrets.clear()
    code, out, err = run(
        "check", "--recovery-key-stdin", "--remember-key", "--workspace", str(target),
        stdin=kit_key + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "now stored in this computer's keystore" in err
    code, out, err = run("check", "--workspace", str(target))
    assert code == 0, err


def test_init_leaves_nothing_when_the_keystore_refuses_the_key(run, tmp_path, memory_keyring):
    import keyring.errors

    def refuse(*_args):
        raise keyring.errors.PasswordSetError("locked")

    memory_keyring.set_password = refuse
    target = tmp_path / "new" / "practice" / "ws"  # folders that init has to make
    code, out, err = _init(run, target)
    assert code == 2
    assert "refused" in err and "--no-keystore" in err
    assert "RECOVERY KEY" not in out
    assert not (tmp_path / "new").exists()


# -- stored text is printed with its control characters escaped --------------------------------
def test_printable_escapes_every_control_character():
    assert cli.printable("Ann\x1b]0;owned\x07 Lee") == "Ann\\x1b]0;owned\\x07 Lee"
    assert cli.printable("a\nb\rc\x00\x7f\x9b") == "a\\x0ab\\x0dc\\x00\\x7f\\x9b"
    assert cli.printable("evil\u202etxt.exe\u2066") == "evil\\u202etxt.exe\\u2066"
    assert cli.printable("lone \ud800") == "lone \\ud800"
    assert cli.printable("Zoë Ngā Nguyễn 李") == "Zoë Ngā Nguyễn 李"


def test_users_and_audit_lists_escape_stored_names(run, folder):
    from carecoord_desktop.services import accounts

    hostile = "Eve \x1b[2J\x1b]0;pwned\x07Smith"
    ws = workspaces.open_workspace(folder)
    admin = accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
    accounts.add_user(
        ws, admin, username="eve", full_name="Eve Smith", role=Role.NURSE,
        password="temporary pass 1", must_change_password=False,
    )  # fmt: skip
    with ws.raw_connection() as conn:  # as an older version (or a tamperer) may have stored it
        conn.execute("UPDATE staff_user SET full_name = ? WHERE username = 'eve'", (hostile,))
        conn.commit()
    accounts.authenticate(ws, "eve", "temporary pass 1")  # the audit log records her name
    ws.close()
    for argv in (["users", "list"], ["audit", "list"]):
        code, out, err = run(
            "--workspace", str(folder), *argv, "--as", "admin", "--password-stdin",
            stdin=ADMIN_PASSWORD + "\n",
        )  # fmt: skip
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out, argv
        assert "Eve \\x1b[2J\\x1b]0;pwned\\x07Smith" in out, argv


def test_every_print_of_the_cli_goes_through_say():
    """A new command that prints stored text with print() would bypass the escaping."""
    import ast
    import inspect

    offenders: list[str] = []

    class Finder(ast.NodeVisitor):
        where = "<module>"

        def visit_FunctionDef(self, node):
            outer, self.where = self.where, node.name
            self.generic_visit(node)
            self.where = outer

        def visit_Call(self, node):
            is_print = isinstance(node.func, ast.Name) and node.func.id == "print"
            # say() itself, and the progress counter (numbers only), may print.
            if is_print and node.args and self.where not in ("say", "progress"):
                offenders.append(f"{self.where}:{node.lineno}")
            self.generic_visit(node)

    Finder().visit(ast.parse(inspect.getsource(cli)))
    assert offenders == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"not a backup, a note\n" * 3, "not a whole number of database pages"),
        (b"%PDF-1.7\n" + b"x" * 8183, "PDF document"),
        (b"minutes of the practice meeting. " * 248 + b"end.....", "not encrypted data"),
    ],
    ids=["short-text", "pdf", "page-sized-text"],
)
def test_restore_of_a_file_that_is_no_database_says_so(run, folder, tmp_path, content, why):
    source = tmp_path / "chosen.ccbackup"
    source.write_bytes(content)
    code, _, err = run("--workspace", str(folder), "restore", str(source), "--yes")
    assert code == 2
    assert "not a database file at all" in err and why in err
    assert "another workspace" not in err


def test_restore_of_another_workspaces_backup_says_another_workspace(run, folder, tmp_path):
    other = tmp_path / "other"
    code, _, err = _init(run, other)
    assert code == 0, err
    run("--workspace", str(other), "backup")
    foreign = sorted((other / "backups").glob("*.ccbackup"))[-1]
    code, _, err = run("--workspace", str(folder), "restore", str(foreign), "--yes")
    assert code == 2
    assert "another workspace" in err and "not a database file" not in err


def test_recovery_key_line_means_the_same_where_the_keystore_has_the_key(run, tmp_path):
    """A script written for a box without a keystore keeps working where the key is stored."""
    target = tmp_path / "ws"
    code, out, err = _init(run, target)
    assert code == 0, err
    key = out.split("practice safe):")[1].split()[0]
    code, out, err = run(
        "users", "list", "--workspace", str(target), "--as", "admin", "--recovery-key-stdin",
        "--password-stdin", stdin=f"{key}\n{ADMIN_PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err
    assert "administrator" in out


def test_a_stale_keystore_key_is_overruled_by_the_recovery_key(run, tmp_path, memory_keyring):
    import json

    target = tmp_path / "ws"
    key = _init(run, target)[1].split("practice safe):")[1].split()[0]
    assert _init(run, tmp_path / "other")[0] == 0
    ids = {
        name: json.loads((tmp_path / name / "workspace.json").read_text())["workspace_id"]
        for name in ("ws", "other")
    }
    stored = {ws_id: (service, ws_id) for service, ws_id in memory_keyring.secrets}
    # The keystore now holds the other workspace's key under this one's id: a stale key.
    memory_keyring.secrets[stored[ids["ws"]]] = memory_keyring.secrets[stored[ids["other"]]]
    code, _, err = run("check", "--workspace", str(target))
    assert code == 2
    assert "another workspace" in err and "--recovery-key-stdin" in err
    code, _, err = run(
        "check", "--workspace", str(target), "--recovery-key-stdin", "--remember-key",
        stdin=key + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "now stored" in err
    assert run("check", "--workspace", str(target))[0] == 0
