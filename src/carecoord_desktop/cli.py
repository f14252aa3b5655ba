"""The `carecoord` command: the services without Qt, for setup, scripts and the server cupboard.

Secrets (passwords, recovery keys) are read with getpass or, for scripts, one line each from
standard input with --password-stdin / --recovery-key-stdin; never from argv or the environment.
Output never contains patient data or keys (the recovery key is printed once, by `init`/`demo`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from carecoord_desktop import APP_NAME, __version__
from carecoord_desktop.config import resolve_workspace_dir
from carecoord_desktop.documents.recovery_kit import RecoveryKit, render_recovery_kit
from carecoord_desktop.errors import CareCoordError, KeyNotInKeystoreError, ValidationError
from carecoord_desktop.models.staff import ROLE_LABELS, Role
from carecoord_desktop.scrub import UnexpectedError, describe
from carecoord_desktop.services import (
    accounts,
    audit_anchors,
    audit_view,
    demo,
    signed_in,
    workspaces,
)
from carecoord_desktop.services.context import Actor

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class _Secrets:
    """Reads secrets from a terminal prompt, or in order from stdin lines for scripts."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    def _line(self) -> str:
        line = sys.stdin.readline()
        if not line:
            raise ValidationError("Expected a secret on standard input, but it was empty.")
        return line.rstrip("\r\n")

    def recovery_key(self) -> str:
        if getattr(self.args, "recovery_key_stdin", False):
            return self._line()
        if not sys.stdin.isatty():
            raise KeyNotInKeystoreError()
        print("This computer's keystore has no key for this workspace.", file=sys.stderr)
        return getpass.getpass("Recovery key (from the recovery kit in the practice safe): ")

    def password(self, prompt: str) -> str:
        if getattr(self.args, "password_stdin", False):
            return self._line()
        return getpass.getpass(prompt)

    def new_password(self, who: str) -> str:
        if getattr(self.args, "password_stdin", False):
            return self._line()
        first = getpass.getpass(f"New password for {who}: ")
        if getpass.getpass("Type it again: ") != first:
            raise ValidationError("The two passwords differ; nothing was changed.")
        return first


def _open(args: argparse.Namespace, secrets: _Secrets):
    folder = resolve_workspace_dir(args.workspace)
    try:
        return workspaces.open_workspace(folder)
    except KeyNotInKeystoreError:
        key = secrets.recovery_key()
        return workspaces.open_workspace(
            folder, recovery_key=key, remember_key=getattr(args, "remember_key", False)
        )


def _sign_in(ws, args: argparse.Namespace, secrets: _Secrets) -> Actor:
    if not args.as_user:
        raise ValidationError("Say which administrator is acting with --as USERNAME.")
    actor = accounts.authenticate(
        ws, args.as_user, secrets.password(f"Password for {args.as_user}: ")
    )
    signed_in.require_own_password(actor)  # a temporary password is changed in the app first
    return actor


# -- commands ----------------------------------------------------------------------------------
def cmd_init(args, secrets: _Secrets) -> int:
    folder = resolve_workspace_dir(args.workspace)
    password = secrets.new_password(args.admin)
    created = workspaces.create_practice(
        folder,
        practice_name=args.practice,
        admin_username=args.admin,
        admin_full_name=args.admin_name,
        admin_password=password,
        remember_key=not args.no_keystore,
    )
    key = created.recovery_key.formatted()
    print(f"Created the workspace for {args.practice} in {folder}")
    print(f"Administrator account: {created.admin.username}")
    print("\nRECOVERY KEY (shown once; print the kit or write it down for the practice safe):\n")
    print(f"    {key}\n")
    if args.kit:
        _write_kit(Path(args.kit), args.practice, created, demo=False)
        print(f"Recovery kit PDF written to {args.kit}: print it, then delete the file.")
    if args.no_keystore:
        print("The key was not stored in this computer's keystore: every open asks for it.")
    created.workspace.close()
    return EXIT_OK


def _write_kit(path: Path, practice: str, created, demo: bool) -> None:
    render_recovery_kit(
        RecoveryKit(
            practice_name=practice,
            workspace_id=created.workspace.id,
            created_at=datetime.now(UTC),
            recovery_key=created.recovery_key.formatted(),
            created_by=created.admin.full_name,
            is_demo=demo,
        ),
        path,
    )


def cmd_demo(args, secrets: _Secrets) -> int:
    folder = (
        Path(args.workspace)
        if args.workspace
        else Path(tempfile.mkdtemp(prefix="carecoord-demo-")) / "workspace"
    )

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rSeeding synthetic patients: {done:,}/{total:,}", end="", file=sys.stderr)

    made = demo.create_demo_workspace(
        folder, patients=args.patients, seed=args.seed, progress=progress
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    made.workspace.close()
    print(f"Demo workspace (synthetic data only) with {made.patients:,} patients: {folder}")
    print(f"Every demo account's password: {made.password}")
    for acct in made.accounts:
        print(f"  {acct.username:<16} {acct.full_name:<28} {acct.role.label}")
    print(
        f"Demo recovery key (the demo key is not kept in any keystore): "
        f"{made.recovery_key.formatted()}"
    )
    print(f"Open it: carecoord-desktop --workspace {folder}   (asks for the recovery key)")
    return EXIT_OK


def cmd_backup(args, secrets: _Secrets) -> int:
    ws = _open(args, secrets)
    try:
        result = workspaces.backup_now(ws, Actor.system("cli backup"), keep=args.keep)
    finally:
        ws.close()
    print(f"Backup written and verified: {result.path}")
    print(
        f"  {sum(result.tables.values()):,} rows in {len(result.tables)} tables, "
        f"{result.size_bytes / 1e6:.1f} MB; integrity and cipher checks passed"
    )
    return EXIT_OK


def cmd_restore(args, secrets: _Secrets) -> int:
    source = Path(args.file)
    folder = resolve_workspace_dir(args.workspace)
    if not args.yes:
        if not sys.stdin.isatty():
            raise ValidationError("Restoring replaces the database: confirm with --yes.")
        answer = input(
            f"Replace the database in {folder} with {source.name}? "
            "The current one is kept. Type RESTORE to go on: "
        )
        if answer.strip() != "RESTORE":
            print("Nothing was changed.")
            return EXIT_OK
    actor = Actor.system("cli restore")
    # The current database is not opened first: restore is what repairs a damaged one.
    try:
        restored, kept = workspaces.restore_folder(folder, actor, source)
    except KeyNotInKeystoreError:
        restored, kept = workspaces.restore_folder(
            folder,
            actor,
            source,
            recovery_key=secrets.recovery_key(),
            remember_key=getattr(args, "remember_key", False),
        )
    restored.close()
    if kept is None:
        print(f"Restored {source.name}. There was no database file to keep.")
    elif kept.name.startswith("damaged-"):
        print(f"Restored {source.name}. The damaged database was kept unchanged as {kept}")
    else:
        print(f"Restored {source.name}. The replaced database was kept as {kept}")
    return EXIT_OK


def cmd_check(args, secrets: _Secrets) -> int:
    ws = _open(args, secrets)
    try:
        report = workspaces.check(ws, reindex=args.reindex)
    finally:
        ws.close()
    print(f"Workspace {ws.folder} (schema {report.schema_revision})")
    print(f"  tables: {', '.join(f'{k}={v:,}' for k, v in sorted(report.counts.items()))}")
    print(f"  audit log: {report.audit_rows:,} rows, compared with {report.audit_anchors} anchors")
    if report.ok:
        print(
            "OK: integrity_check, cipher_integrity_check, the audit hash chain, its anchors "
            "and its append-only triggers all pass."
        )
        print(f"  {report.audit_head}")
        if report.reindexed is not None:
            print(f"Search index and patient counters rebuilt for {report.reindexed:,} patients.")
        return EXIT_OK
    if args.reindex:
        print("The search index was NOT rebuilt: fix the problems below first.")
    print("PROBLEMS FOUND (nothing was repaired):")
    for problem in report.problems:
        print(f"  - {problem}")
    return EXIT_PROBLEM


def cmd_audit_verify(args, secrets: _Secrets) -> int:
    ws = _open(args, secrets)
    try:
        verdict = audit_anchors.verify_all(ws)
    finally:
        ws.close()
    if verdict.ok:
        print(
            f"Audit log intact: {verdict.rows:,} rows, hash chain verified, extends all "
            f"{verdict.anchors} anchors (checkpoint and backups), append-only triggers in place."
        )
        print(verdict.head_line)
        for note in verdict.notes:
            print(f"  note: {note}")
        return EXIT_OK
    print("AUDIT LOG TAMPERED:")
    for problem in verdict.problems:
        print(f"  - {problem}")
    return EXIT_PROBLEM


def cmd_audit_list(args, secrets: _Secrets) -> int:
    ws = _open(args, secrets)
    try:
        actor = _sign_in(ws, args, secrets)
        query = audit_view.AuditQuery(action=args.action)
        page = audit_view.list_page(ws, actor, query, limit=args.limit)
    finally:
        ws.close()
    for line in page.lines:
        print(audit_view.text_line(line))
    print(audit_view.summary(page))
    return EXIT_OK


def cmd_users(args, secrets: _Secrets) -> int:
    ws = _open(args, secrets)
    try:
        actor = _sign_in(ws, args, secrets)
        if args.users_cmd == "list":
            for u in accounts.list_users(ws, actor):
                state = "disabled" if not u.active else ("LOCKED" if u.locked else "active")
                print(f"{u.username:<20} {u.full_name:<30} {u.role.label:<18} {state}")
            return EXIT_OK
        if args.users_cmd == "add":
            row = accounts.add_user(
                ws,
                actor,
                username=args.username,
                full_name=args.full_name,
                role=Role(args.role),
                password=secrets.new_password(args.username),
            )
            print(
                f"Added {row.username} ({row.role.label}); they choose a new password at "
                "first sign-in."
            )
            return EXIT_OK
        user_id = accounts.find_user_id(ws, args.username)
        if user_id is None:
            raise ValidationError(f"There is no user called '{args.username}'.")
        if args.users_cmd in ("disable", "enable"):
            accounts.update_user(ws, actor, user_id, active=args.users_cmd == "enable")
        elif args.users_cmd == "set-role":
            accounts.update_user(ws, actor, user_id, role=Role(args.role))
        elif args.users_cmd == "unlock":
            accounts.unlock_user(ws, actor, user_id)
        elif args.users_cmd == "reset-password":
            accounts.reset_password(ws, actor, user_id, secrets.new_password(args.username))
        print(f"{args.username}: {args.users_cmd} done.")
        return EXIT_OK
    finally:
        ws.close()


# -- parser ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="carecoord", description=f"{APP_NAME} {__version__}: workspace administration."
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $CARECOORD_WORKSPACE or the user data folder)",
    )
    p.add_argument(
        "--recovery-key-stdin",
        action="store_true",
        help="read the recovery key from the first line of standard input",
    )
    p.add_argument(
        "--remember-key",
        action="store_true",
        help="after unlocking with the recovery key, store the key in the keystore",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", help="create a practice workspace and its first administrator")
    s.add_argument("--practice", required=True, help="practice name")
    s.add_argument("--admin", required=True, help="administrator user name, e.g. j.smith")
    s.add_argument("--admin-name", required=True, help="administrator's full name")
    s.add_argument("--kit", metavar="PDF", help="also write the printable recovery kit here")
    s.add_argument(
        "--no-keystore",
        action="store_true",
        help="do not store the key in the OS keystore (every open needs the recovery key)",
    )
    s.add_argument("--password-stdin", action="store_true")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo", help="create a throwaway demo workspace with synthetic patients")
    s.add_argument("--patients", type=int, default=500, help="how many (1 to 100,000)")
    s.add_argument("--seed", type=int, default=None, help="random seed for reproducible data")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("backup", help="write an encrypted, verified backup")
    s.add_argument("--keep", type=int, default=None, help="routine backups to keep")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="replace the database with a backup (keeps the current)")
    s.add_argument("file")
    s.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("check", help="integrity, cipher integrity, schema and audit chain")
    s.add_argument(
        "--reindex",
        action="store_true",
        help="then rebuild the patient search index and counters from the records",
    )
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("audit", help="the audit log")
    asub = s.add_subparsers(dest="audit_cmd", required=True)
    a = asub.add_parser("verify", help="verify the audit log's hash chain")
    a.set_defaults(func=cmd_audit_verify)
    a = asub.add_parser("list", help="list recent audit events (administrators)")
    a.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
    a.add_argument("--action")
    a.add_argument("--limit", type=int, default=50)
    a.add_argument("--password-stdin", action="store_true")
    a.set_defaults(func=cmd_audit_list)

    s = sub.add_parser("users", help="staff accounts (administrators)")
    usub = s.add_subparsers(dest="users_cmd", required=True)
    roles = [r.value for r in Role]
    for name, helptext in [
        ("list", "list accounts"),
        ("add", "add an account"),
        ("disable", "disable an account"),
        ("enable", "enable an account"),
        ("set-role", "change an account's role"),
        ("unlock", "unlock an account after failed sign-ins"),
        ("reset-password", "set a temporary password"),
    ]:
        u = usub.add_parser(name, help=helptext)
        u.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the administrator doing this",
        )
        u.add_argument(
            "--password-stdin",
            action="store_true",
            help="read passwords from stdin lines: yours, then the new one",
        )
        if name != "list":
            u.add_argument("username")
        if name == "add":
            u.add_argument("--full-name", required=True)
        if name in ("add", "set-role"):
            u.add_argument(
                "--role",
                required=True,
                choices=roles,
                help=", ".join(f"{r}={ROLE_LABELS[Role(r)]}" for r in roles),
            )
        u.set_defaults(func=cmd_users)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    workspaces.identify_as("carecoord CLI")
    try:
        return args.func(args, _Secrets(args))
    except CareCoordError as exc:
        print(f"carecoord: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nStopped; nothing half-done was saved.", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # never a raw traceback: it can carry the row it failed on
        print(f"carecoord: {UnexpectedError(exc)}", file=sys.stderr)
        print(f"  details for support: {describe(exc)}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
