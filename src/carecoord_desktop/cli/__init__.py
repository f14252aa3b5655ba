"""The `carecoord` command: the services without Qt, for setup, scripts and the server cupboard.

Every feature adds its commands from its own module with `register(sub)` (and, for documents,
`register_print(psub)`, see `printing.py`); list the module in FEATURES. The options every command
takes, safe printing and signing in with --as are in `common.py`.
"""

from __future__ import annotations

import argparse
import os
import sys

from carecoord_desktop import APP_NAME, __version__
from carecoord_desktop.cli import (
    admin,
    careplan_documents,
    careplans,
    conference_documents,
    conferences,
    medicines,
    printing,
    referrals,
    tasks,
)
from carecoord_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    STDIN_ORDER,
    Secrets,
    global_options,
    printable,
    say,
)
from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.scrub import UnexpectedError, describe
from carecoord_desktop.services import workspaces

# One line per feature, in the order its commands are listed in --help.
FEATURES = [
    admin,
    careplans,
    careplan_documents,
    medicines,
    tasks,
    referrals,
    conferences,
    conference_documents,
]

__all__ = ["EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "build_parser", "main", "printable", "say"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="carecoord",
        description=f"{APP_NAME} {__version__}: the workspace and its records from scripts.",
        epilog="Options shown here may also follow the command. " + STDIN_ORDER,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    global_options(p, top=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for feature in FEATURES:
        feature.register(sub)
    printing.register(sub, [f.register_print for f in FEATURES if hasattr(f, "register_print")])
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.as_user and not args.acts_as:
        parser.error(f"`{args.command}` does not act as a staff member: leave out --as.")
    workspaces.identify_as("carecoord CLI")
    try:
        return args.func(args, Secrets(args))
    except CareCoordError as exc:
        say(f"carecoord: {exc}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        say(err=True)
        say("Stopped; nothing half-done was saved.", err=True)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`carecoord … | head`): the command itself finished, say nothing.
        # Python's own advice: point stdout at devnull so the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # never a raw traceback: it can carry the row it failed on
        say(f"carecoord: {UnexpectedError(exc)}", err=True)
        say(f"  details for support: {describe(exc)}", err=True)
        return EXIT_USAGE
