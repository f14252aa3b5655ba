"""What every `carecoord` command shares: safe printing, secrets from a prompt or stdin,
opening the workspace, signing in with --as, and the options every command takes.

Secrets (passwords, recovery keys) are read with getpass or, for scripts, one line each from
standard input with --password-stdin / --recovery-key-stdin; never from argv or the environment.
Output never contains keys (the recovery key is printed once, by `init`/`demo`). Everything
printed goes through `say`, which escapes control characters: stored names and typed user names
can hold terminal escape sequences.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from carecoord_desktop.config import resolve_workspace_dir
from carecoord_desktop.errors import (
    KeyNotInKeystoreError,
    KeystoreUnavailableError,
    ValidationError,
    WorkspaceError,
    WrongKeyError,
)
from carecoord_desktop.services import accounts, signed_in, workspaces
from carecoord_desktop.services.context import Actor

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

STDIN_ORDER = (
    "Standard input holds one secret per line, in this order: the recovery key (with "
    "--recovery-key-stdin), then the password of the --as user, then any new password the "
    "command sets (with --password-stdin)."
)
SCRIPT_RECOVERY_HINT = (
    "In a script, add --recovery-key-stdin and send the recovery key as the first line of "
    "standard input. " + STDIN_ORDER
)

# C0 and C1 controls, DEL, lone surrogates, and the Unicode marks that reorder or break lines
# ("Trojan source"): none may reach a terminal as they are.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: object) -> str:
    """`text` with every control character shown as an escape (ESC -> \\x1b), nothing removed."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}",
        str(text),
    )


def say(text: object = "", *, err: bool = False) -> None:
    """Print one line of output (stderr with `err`); every print of the CLI goes through here."""
    print(printable(text), file=sys.stderr if err else sys.stdout)


class Secrets:
    """Reads secrets from a terminal prompt, or in order from stdin lines for scripts."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lines_read = 0

    def _line(self, what: str) -> str:
        line = sys.stdin.readline()
        self.lines_read += 1
        if not line:
            raise ValidationError(
                f"Expected {what} on line {self.lines_read} of standard input, but the input "
                f"ended. {STDIN_ORDER}"
            )
        return line.rstrip("\r\n")

    def recovery_key(self, reason: str = "") -> str:
        if self.args.recovery_key_stdin:
            return self._line("the recovery key")
        if not reason and workspaces.keystore_available():
            reason = str(KeyNotInKeystoreError())
        elif not reason:
            reason = (
                "This computer has no keystore CareCoord trusts, so this workspace is unlocked "
                "with the recovery key from the practice safe each time."
            )
        if not sys.stdin.isatty():
            raise WorkspaceError(f"{reason} {SCRIPT_RECOVERY_HINT}")
        say(reason, err=True)
        return getpass.getpass("Recovery key (from the recovery kit in the practice safe): ")

    def password(self, prompt: str) -> str:
        if self.args.password_stdin:
            return self._line("the password of the --as user")
        return getpass.getpass(prompt)

    def new_password(self, who: str) -> str:
        if self.args.password_stdin:
            return self._line(f"the new password for {who}")
        first = getpass.getpass(printable(f"New password for {who}: "))
        if getpass.getpass("Type it again: ") != first:
            raise ValidationError("The two passwords differ; nothing was changed.")
        return first


def open_workspace(args: argparse.Namespace, secrets: Secrets):
    """The workspace of --workspace, unlocked from the keystore or with the recovery key."""
    folder = resolve_workspace_dir(args.workspace)
    # With --recovery-key-stdin line 1 is always the key, needed or not: a script's lines mean
    # the same on a computer whose keystore holds the key.
    given = secrets.recovery_key() if args.recovery_key_stdin else None
    try:
        ws = workspaces.open_workspace(folder)
    except (KeyNotInKeystoreError, WrongKeyError) as exc:
        # A keystore key that does not open this database (another workspace's) may be stale:
        # the recovery key decides.
        reason = str(exc) if isinstance(exc, WrongKeyError) else ""
        key = given or secrets.recovery_key(reason)
        ws = workspaces.open_workspace(folder, recovery_key=key)
        if args.remember_key:
            remember(ws)
        return ws
    if args.remember_key:
        say(
            "--remember-key: this computer's keystore already holds the key; nothing stored.",
            err=True,
        )
    return ws


def remember(ws) -> None:
    try:
        where = workspaces.remember_key(ws)
    except KeystoreUnavailableError as exc:
        say(f"carecoord: --remember-key: the key was NOT stored. {exc}", err=True)
        return
    say(f"The workspace key is now stored in this computer's keystore ({where}).", err=True)


def sign_in(ws, args: argparse.Namespace, secrets: Secrets) -> Actor:
    if not args.as_user:
        raise ValidationError("Say which staff member is acting with --as USERNAME.")
    actor = accounts.authenticate(
        ws, args.as_user, secrets.password(printable(f"Password for {args.as_user}: "))
    )
    signed_in.require_own_password(actor)  # a temporary password is changed in the app first
    return actor


@contextmanager
def acting(args: argparse.Namespace, secrets: Secrets) -> Iterator[tuple[object, Actor]]:
    """The open workspace and the signed-in --as user for a command that touches patient data;
    the workspace is closed however the command ends."""
    ws = open_workspace(args, secrets)
    try:
        yield ws, sign_in(ws, args, secrets)
    finally:
        ws.close()


def write_output(path: str, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all: a temporary file beside it, then a rename, so
    a failed or stopped command never leaves half a document with a real name."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise ValidationError(f"The folder for {path} does not exist.")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".carecoord-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# -- options -----------------------------------------------------------------------------------
def global_options(
    parser: argparse.ArgumentParser, *, top: bool, acts_as: bool = True, passwords: bool = True
) -> None:
    """The options every command takes, before or after its name (`carecoord demo --workspace
    D` and `carecoord --workspace D demo`). Below the top they default to SUPPRESS, so a value
    given before the sub-command is not reset by the sub-command's own default."""

    def default(value):
        return value if top else argparse.SUPPRESS

    parser.add_argument(
        "--workspace",
        metavar="DIR",
        default=default(None),
        help="workspace folder (default: $CARECOORD_WORKSPACE or the user data folder)",
    )
    parser.add_argument(
        "--recovery-key-stdin",
        action="store_true",
        default=default(False),
        help="read the recovery key from the first line of stdin (used if the keystore has none)",
    )
    parser.add_argument(
        "--remember-key",
        action="store_true",
        default=default(False),
        help="after unlocking with the recovery key, store the key in the keystore",
    )
    if not acts_as:
        if passwords:
            password_option(parser, default(False))
        return
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        default=default(None),
        help="the staff member doing this (every command that reads or changes patient data)",
    )
    password_option(parser, default(False))


def password_option(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=default,
        help="read passwords from stdin lines: the --as user's, then any new one",
    )


def command(sub, name: str, helptext: str, func, *, acts_as=False, passwords=False):
    s = sub.add_parser(name, help=helptext, description=helptext)
    global_options(s, top=False, acts_as=acts_as, passwords=passwords or acts_as)
    s.set_defaults(func=func, acts_as=acts_as)
    return s
