"""Runs the GUI like `python -m carecoord_desktop`, printing one line when the sign-in shows.

The test that sends SIGTERM waits for that line instead of guessing how long start-up takes.
"""

from __future__ import annotations

import sys

from carecoord_desktop import app
from carecoord_desktop.ui.dialogs import LoginDialog

SHOWN = "sign-in dialog shown"
_show_event = LoginDialog.showEvent


def _announce(self, event) -> None:
    _show_event(self, event)
    print(SHOWN, flush=True)


LoginDialog.showEvent = _announce

if __name__ == "__main__":
    raise SystemExit(app.main(sys.argv[1:]))
