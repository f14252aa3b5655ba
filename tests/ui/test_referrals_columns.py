"""The Referrals & resources screen's tables at the sizes the practice's screens have (1280x800,
1600x1000) with the demo's directory: every column is on screen (no column pushed out of sight
behind a sideways scroll), wide enough for its header, and the words of "Cost" and "Who can use
it" shown whole (wrapped, never cut)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.demo_referrals import PROVIDER_REASON, SERVICES
from carecoord_desktop.services.patients import lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, PatientDraft
from carecoord_desktop.services.referrals import directory
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft, ResourceDraft
from carecoord_desktop.ui.referrals.screen import ReferralsScreen
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.fitted_table import PADDING
from tests_support import save_shot, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _words_fit(view, column: int) -> None:
    """Every cell of `column` shows all its words: each word fits the column, and the row is
    tall enough for the lines the text wraps onto."""
    model = view.model()
    metrics = QFontMetrics(view.font())
    width = view.columnWidth(column)
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        for word in text.split():
            assert metrics.horizontalAdvance(word) + PADDING <= width, (word, width)
        # The row as tall as its wrapped lines need at the column's final width.
        assert view.rowHeight(row) >= view.sizeHintForRow(row), (text, view.rowHeight(row))


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_directory_shows_every_column_and_the_cost_whole(qtbot, ws, admin, size):
    for name, category, area, eligibility, hours, cost in SERVICES:
        directory.add_resource(ws, admin, ResourceDraft(
            name=name, category=category, area=area, phone="(03) 5550 7000",
            eligibility=eligibility, hours=hours, cost=cost,
        ))  # fmt: skip
    nurse = staff(ws, admin, Role.NURSE, "nina.flores")
    screen = ReferralsScreen(AppState(ws, nurse, settings.load(ws)), lambda _pid: None)
    qtbot.addWidget(screen)
    # The screen's share of the window: the window less the navigation bar (about 240 px).
    screen.resize(size[0] - 240, size[1] - 120)
    screen.show()
    view = screen.resource_table
    qtbot.waitUntil(lambda: screen.resources.rowCount() == len(SERVICES))
    header = view.horizontalHeader()
    titles = [screen.resources.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    cost = titles.index("Cost")
    # All of it on screen, the last column included: no sideways scroll hides "Cost".
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    assert not view.horizontalScrollBar().isVisible()
    for column in range(len(titles)):
        assert view.columnWidth(column) >= header.sectionSizeFromContents(column).width()
    _words_fit(view, cost)
    _words_fit(view, titles.index("Who can use it"))
    save_shot(screen, f"referrals-directory-{size[0]}.png")


def test_the_open_referrals_show_every_column_at_1280(qtbot, ws, admin):
    pid = patients.create_patient(ws, admin, PatientDraft(
        given_name="Dorothy", family_name="Hayes-Fitzwilliam", date_of_birth=date(1941, 5, 6),
    )).value.id  # fmt: skip
    lists.add_care_team_member(ws, admin, pid, CareTeamDraft(
        name="Dr Crystal Dimitriadis-Oyelaran", role="Endocrinologist", phone="(03) 5550 1234",
    ))  # fmt: skip
    member = refs.recipients(ws, admin, pid)[0].id
    reasons = (PROVIDER_REASON.format(role="endocrinologist"),
               "Needs grab rails in the bathroom after a fall.")  # fmt: skip
    for n in range(16):  # as many as the demo has: the list scrolls, its scroll bar shows
        made = refs.create_referral(
            ws, admin, pid, ReferralDraft("provider", member, reasons[n % 2])
        )
        refs.send_referral(ws, admin, made.value, via="fax", on=date.today() - timedelta(3 + n))
    screen = ReferralsScreen(AppState(ws, admin, settings.load(ws)), lambda _pid: None)
    qtbot.addWidget(screen)
    screen.resize(1280 - 240, 800 - 120)
    screen.show()
    view = screen.open_table
    qtbot.waitUntil(lambda: screen.open_model.rowCount() == 16)
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    for column in range(screen.open_model.columnCount()):
        assert view.columnWidth(column) >= header.sectionSizeFromContents(column).width()
    titles = [screen.open_model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(screen.open_model.columnCount())]  # fmt: skip
    for title in ("Reason", "Since", "Waiting"):
        _words_fit(view, titles.index(title))
    save_shot(screen, "referrals-open-1280.png")
