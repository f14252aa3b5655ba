"""The workspace administration commands: init, demo, backup, restore, check, audit, users."""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from carecoord_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    SCRIPT_RECOVERY_HINT,
    Secrets,
    command,
    global_options,
    open_workspace,
    printable,
    say,
    sign_in,
)
from carecoord_desktop.config import resolve_workspace_dir
from carecoord_desktop.documents.recovery_kit import RecoveryKit, render_recovery_kit
from carecoord_desktop.errors import (
    KeyNotInKeystoreError,
    KeystoreUnavailableError,
    ValidationError,
)
from carecoord_desktop.models.staff import ROLE_LABELS, Role
from carecoord_desktop.services import accounts, audit_anchors, audit_view, demo, workspaces
from carecoord_desktop.services.context import Actor


def cmd_init(args, secrets: Secrets) -> int:
    folder = resolve_workspace_dir(args.workspace)
    if not args.no_keystore and not workspaces.keystore_available():
        # Said before any password is asked, so nothing is typed or created for nothing.
        raise KeystoreUnavailableError(f"{workspaces.NO_KEYSTORE_MESSAGE} {NO_KEYSTORE_HOW}")
    if args.kit and not Path(args.kit).expanduser().parent.is_dir():
        raise ValidationError(f"The folder for the recovery kit ({args.kit}) does not exist.")
    password = secrets.new_password(args.admin)
    try:
        created = workspaces.create_practice(
            folder,
            practice_name=args.practice,
            admin_username=args.admin,
            admin_full_name=args.admin_name,
            admin_password=password,
            remember_key=not args.no_keystore,
        )
    except KeystoreUnavailableError as exc:
        raise KeystoreUnavailableError(f"{exc} {NO_KEYSTORE_HOW}") from None
    key = created.recovery_key.formatted()
    say(f"Created the workspace for {args.practice} in {folder}")
    say(f"Administrator account: {created.admin.username}")
    say()
    say("RECOVERY KEY (shown once; print the kit or write it down for the practice safe):")
    say()
    say(f"    {key}")
    say()
    if args.kit:
        try:
            _write_kit(Path(args.kit).expanduser(), args.practice, created, demo=False)
            say(f"Recovery kit PDF written to {args.kit}: print it, then delete the file.")
        except OSError as exc:
            say(
                f"carecoord: the recovery kit could not be written ({exc.strerror}); the "
                "workspace was created: copy the recovery key above by hand.",
                err=True,
            )
    if args.no_keystore:
        say(
            "The key was not stored in this computer's keystore: every command and every start "
            "of the app asks for the recovery key."
        )
        say(SCRIPT_RECOVERY_HINT)
    created.workspace.close()
    return EXIT_OK


NO_KEYSTORE_HOW = (
    "To make a workspace that is unlocked with its recovery key each time instead (the usual "
    "choice on a server or a headless computer), run the same command with --no-keystore."
)


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


def cmd_demo(args, secrets: Secrets) -> int:
    if not 0 <= args.tasks <= 10_000:
        raise ValidationError("--tasks takes 0 to 10,000 tasks.")
    throwaway = None if args.workspace else Path(tempfile.mkdtemp(prefix="carecoord-demo-"))
    folder = Path(args.workspace).expanduser() if args.workspace else throwaway / "workspace"

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rSeeding synthetic patients: {done:,}/{total:,}", end="", file=sys.stderr)

    try:
        with workspaces.undo_on_failure(folder):  # a stopped or failed demo leaves nothing
            made = demo.create_demo_workspace(
                folder,
                patients=args.patients,
                seed=args.seed,
                progress=progress,
                options={"tasks": args.tasks},
            )
    except BaseException:
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)
        raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    made.workspace.close()
    say(f"Demo workspace (synthetic data only) with {made.patients:,} patients: {folder}")
    say(f"Every demo account's password: {made.password}")
    for acct in made.accounts:
        say(f"  {acct.username:<16} {acct.full_name:<28} {acct.role.label}")
    say(
        f"Demo recovery key (the demo key is not kept in any keystore): "
        f"{made.recovery_key.formatted()}"
    )
    say(f"Open it: carecoord-desktop --workspace {folder}   (asks for the recovery key)")
    say(f"Script it: carecoord --workspace {folder} --recovery-key-stdin check < FILE_WITH_KEY")
    return EXIT_OK


def cmd_backup(args, secrets: Secrets) -> int:
    ws = open_workspace(args, secrets)
    try:
        result = workspaces.backup_now(ws, Actor.system("cli backup"), keep=args.keep)
    finally:
        ws.close()
    say(f"Backup written and verified: {result.path}")
    say(
        f"  {sum(result.tables.values()):,} rows in {len(result.tables)} tables, "
        f"{result.size_bytes / 1e6:.1f} MB; integrity and cipher checks passed"
    )
    return EXIT_OK


def cmd_restore(args, secrets: Secrets) -> int:
    source = Path(args.file)
    folder = resolve_workspace_dir(args.workspace)
    if not args.yes:
        if not sys.stdin.isatty():
            raise ValidationError("Restoring replaces the database: confirm with --yes.")
        answer = input(
            printable(
                f"Replace the database in {folder} with {source.name}? "
                "The current one is kept. Type RESTORE to go on: "
            )
        )
        if answer.strip() != "RESTORE":
            say("Nothing was changed.")
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
        say(f"Restored {source.name}. There was no database file to keep.")
    elif kept.name.startswith("damaged-"):
        say(f"Restored {source.name}. The damaged database was kept unchanged as {kept}")
    else:
        say(f"Restored {source.name}. The replaced database was kept as {kept}")
    return EXIT_OK


def cmd_check(args, secrets: Secrets) -> int:
    ws = open_workspace(args, secrets)
    try:
        report = workspaces.check(ws, reindex=args.reindex)
    finally:
        ws.close()
    say(f"Workspace {ws.folder} (schema {report.schema_revision})")
    say(f"  tables: {', '.join(f'{k}={v:,}' for k, v in sorted(report.counts.items()))}")
    say(f"  audit log: {report.audit_rows:,} rows, compared with {report.audit_anchors} anchors")
    if report.ok:
        say(
            "OK: integrity_check, cipher_integrity_check, the audit hash chain, its anchors "
            "and its append-only triggers all pass."
        )
        say(f"  {report.audit_head}")
        if report.reindexed is not None:
            say(f"Search index and patient counters rebuilt for {report.reindexed:,} patients.")
        return EXIT_OK
    if args.reindex:
        say("The search index was NOT rebuilt: fix the problems below first.")
    say("PROBLEMS FOUND (nothing was repaired):")
    for problem in report.problems:
        say(f"  - {problem}")
    return EXIT_PROBLEM


def cmd_audit_verify(args, secrets: Secrets) -> int:
    ws = open_workspace(args, secrets)
    try:
        verdict = audit_anchors.verify_all(ws)
    finally:
        ws.close()
    if verdict.ok:
        say(
            f"Audit log intact: {verdict.rows:,} rows, hash chain verified, extends all "
            f"{verdict.anchors} anchors (checkpoint and backups), append-only triggers in place."
        )
        say(verdict.head_line)
        for note in verdict.notes:
            say(f"  note: {note}")
        return EXIT_OK
    say("AUDIT LOG TAMPERED:")
    for problem in verdict.problems:
        say(f"  - {problem}")
    return EXIT_PROBLEM


def cmd_audit_list(args, secrets: Secrets) -> int:
    ws = open_workspace(args, secrets)
    try:
        actor = sign_in(ws, args, secrets)
        query = audit_view.AuditQuery(action=args.action)
        page = audit_view.list_page(ws, actor, query, limit=args.limit)
    finally:
        ws.close()
    for line in page.lines:
        say(audit_view.text_line(line))
    say(audit_view.summary(page))
    return EXIT_OK


def cmd_users(args, secrets: Secrets) -> int:
    ws = open_workspace(args, secrets)
    try:
        actor = sign_in(ws, args, secrets)
        if args.users_cmd == "list":
            for u in accounts.list_users(ws, actor):
                state = "disabled" if not u.active else ("LOCKED" if u.locked else "active")
                say(f"{u.username:<20} {u.full_name:<30} {u.role.label:<18} {state}")
            return EXIT_OK
        if args.users_cmd == "add":
            row = accounts.add_user(
                ws,
                actor,
                username=args.username,
                full_name=args.full_name,
                role=Role(args.role),
                password=secrets.new_password(args.username),
            ).value
            say(
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
        say(f"{args.username}: {args.users_cmd} done.")
        return EXIT_OK
    finally:
        ws.close()


def register(sub) -> None:
    """Add this module's commands to the top-level sub-command group."""

    s = command(
        sub, "init", "create a practice workspace and its first administrator", cmd_init,
        passwords=True,
    )  # fmt: skip
    s.add_argument("--practice", required=True, help="practice name")
    s.add_argument("--admin", required=True, help="administrator user name, e.g. j.smith")
    s.add_argument("--admin-name", required=True, help="administrator's full name")
    s.add_argument("--kit", metavar="PDF", help="also write the printable recovery kit here")
    s.add_argument(
        "--no-keystore",
        action="store_true",
        help="recovery-key-only: do not store the key in the OS keystore; every open asks for "
        "the recovery key (for computers without a trusted keystore, such as servers)",
    )

    s = command(sub, "demo", "create a throwaway demo workspace with synthetic patients", cmd_demo)
    s.add_argument("--patients", type=int, default=500, help="how many (1 to 100,000)")
    s.add_argument("--seed", type=int, default=None, help="random seed for reproducible data")
    s.add_argument("--tasks", type=int, default=160, help="tasks on the board (0 to 10,000)")

    s = command(sub, "backup", "write an encrypted, verified backup", cmd_backup)
    s.add_argument("--keep", type=int, default=None, help="routine backups to keep")

    s = command(
        sub, "restore", "replace the database with a backup (keeps the current)", cmd_restore
    )
    s.add_argument("file")
    s.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    s = command(sub, "check", "integrity, cipher integrity, schema and audit chain", cmd_check)
    s.add_argument(
        "--reindex",
        action="store_true",
        help="then rebuild the patient search index and counters from the records",
    )

    s = sub.add_parser("audit", help="the audit log")
    global_options(s, top=False)
    asub = s.add_subparsers(dest="audit_cmd", required=True, metavar="verify|list")
    command(asub, "verify", "verify the audit log's hash chain", cmd_audit_verify)
    a = command(
        asub, "list", "list recent audit events (administrators)", cmd_audit_list, acts_as=True
    )
    a.add_argument("--action")
    a.add_argument("--limit", type=int, default=50)

    s = sub.add_parser("users", help="staff accounts (administrators)")
    global_options(s, top=False)
    usub = s.add_subparsers(dest="users_cmd", required=True, metavar="ACTION")
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
        u = command(usub, name, helptext, cmd_users, acts_as=True)
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
