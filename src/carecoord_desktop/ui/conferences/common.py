"""What every page of the conference window is given, and what it gives back.

The window (window.py) builds one page per entry of its PAGES list; each page is
`Page(ctx: ConferenceContext, parent=None)` with `show_record(rec: ConferenceRecord)`, called
with the conference as it stands after every load and every write. A page writes through a
service, passes the `Changed[ConferenceRecord]` it got to `ctx.written(result)` (which
publishes the changes to the rest of the app and shows the new record on every page), and asks
for `ctx.reload()` when it wrote something whose result is not the record (a decision, minutes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.shell.state import AppState


@dataclass
class ConferenceContext:
    state: AppState  # ws and actor as they stand now: state.ws, state.actor
    conference_id: int
    window: QWidget  # the conference window (dialogs' parent)
    # Show this record on every page and publish its changes (set by the window).
    written: Callable[[Changed[ConferenceRecord]], None]
    reload: Callable[[], None]  # read the conference again on a worker, then show it
    go_to_page: Callable[[str], None]  # "details", "agenda", "meeting", "summary"
