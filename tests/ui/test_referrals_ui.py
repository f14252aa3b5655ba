"""The record window's Referrals tab and the Referrals & resources screen, with real widgets on a
real encrypted workspace: a referral made, sent and printed through the preview (the print in
the sharing record), the directory searched, filtered and imported with its report, and the
practice's open referrals with the overdue one first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.patients import lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, ConditionDraft, PatientDraft
from carecoord_desktop.services.referrals import directory, letters
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft, ResourceDraft
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.referrals.dialogs import ReferralDialog
from carecoord_desktop.ui.referrals.screen import ReferralsScreen
from carecoord_desktop.ui.shell.screens import SCREENS, record_sections
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Harold", family_name="Moss", date_of_birth=date(1951, 2, 3))
    pid = patients.create_patient(ws, admin, draft).value.id
    lists.add_condition(ws, admin, pid, ConditionDraft("Type 2 diabetes mellitus"))
    lists.add_care_team_member(
        ws, admin, pid,
        CareTeamDraft(name="Dr Lena Ortiz", role="Podiatrist", phone="(03) 5550 1234"),
    )  # fmt: skip
    for name, cat, area in (
        ("Riverbend Ride Along", "transport", "Riverbend"),
        ("Hilltop Meals on Wheels", "meals", "Hilltop"),
        ("Steady Steps Falls Prevention", "exercise", "Hilltop"),
    ):
        directory.add_resource(ws, admin, ResourceDraft(name=name, category=cat, area=area,
                                                        phone="(03) 5550 7000"))  # fmt: skip
    return pid


def _state(ws, actor) -> AppState:
    return AppState(ws, actor, settings.load(ws))


def _record(qtbot, state, pid):
    dialog = PatientRecordDialog(state, pid, sections=record_sections())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, dialog.pages["referrals"]


def test_the_record_tab_makes_sends_and_prints_a_referral(qtbot, qtmodeltester, ws, admin, pid):
    coord = staff(ws, admin, Role.COORDINATOR, "casey.ward")
    state = _state(ws, coord)
    dialog, tab = _record(qtbot, state, pid)
    assert "Referrals" in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tab.model.rowCount() == 0 and not tab.step_button.isEnabled()

    new = tab.new_referral()
    assert isinstance(new, ReferralDialog) and new.to_team.isChecked()
    new.accept()  # no reason yet: refused, stays open, says why
    assert new.isVisible() and "reason" in new.error.text()
    new.reason.setPlainText("Painful corns; cannot cut his nails safely")
    new.urgency.setCurrentIndex(new.urgency.findData("soon"))
    with qtbot.waitSignal(state.changes_published):
        new.accept()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.row_at(0).status == "draft" and tab.steps_model.rowCount() == 1
    qtmodeltester.check(tab.model)

    step = tab.next_step()
    step.status.setCurrentIndex(step.status.findData("sent"))
    step.via.setCurrentIndex(step.via.findData("fax"))
    step.on.edit.setText((date.today() - timedelta(days=12)).strftime("%d/%m/%Y"))
    step.accept()
    qtbot.waitUntil(lambda: tab.model.row_at(0).status == "sent")
    row = tab.model.row_at(0)
    assert row.overdue and "12 days — overdue" in tab.model.data(tab.model.index(0, 4))
    assert "waiting too long" in tab.summary.text()

    preview = tab.print_letter()
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.pdf is not None or preview.error.isVisible(), timeout=20000)
    assert preview.pdf is not None, preview.error.text()
    assert letters.shares_for(ws, coord, pid) == []  # a preview is not a share
    preview.document_printed.emit(1)
    qtbot.waitUntil(lambda: tab.shares_model.rowCount() == 1)
    assert tab.shares_model.row_at(0).method == "printed"
    preview.close()

    link = tab.link_service()
    qtbot.keyClicks(link.search, "meals")
    qtbot.waitUntil(lambda: link.services.count() == 1)
    link.notes.setText("Lunch on weekdays")
    with qtbot.waitSignal(state.changes_published):
        link.accept()
    qtbot.waitUntil(lambda: tab.links_model.rowCount() == 1)
    assert tab.links_model.row_at(0)["resource"]["name"] == "Hilltop Meals on Wheels"
    assert tab.isAncestorOf(tab.links)  # laid out on the tab, not only filled
    qtmodeltester.check(tab.links_model)
    dialog.resize(1200, 800)
    dialog.tabs.setCurrentWidget(tab)
    qtbot.wait(10)
    save_shot(dialog, "record-referrals-tab.png")


def test_reception_sees_the_tab_but_neither_writes_nor_prints_referrals(qtbot, ws, admin, pid):
    member = refs.recipients(ws, admin, pid)[0].id
    refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "Feet"))
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    _dialog, tab = _record(qtbot, _state(ws, desk), pid)
    assert tab.model.rowCount() == 1
    assert not tab.new_button.isEnabled() and not tab.print_button.isEnabled()
    assert tab.step_button.isEnabled()  # the answers: reception takes the phone call


def test_the_screen_searches_filters_and_imports_the_directory(qtbot, qtmodeltester, ws, admin,
                                                               pid, tmp_path):  # fmt: skip
    spec = next(s for s in SCREENS if s.key == "conferences")
    assert (spec.title, spec.shortcut) == ("Outside providers", "Ctrl+5")
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    opened: list[int] = []
    screen = ReferralsScreen(_state(ws, desk), opened.append)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    assert screen.resources.rowCount() == 3
    qtmodeltester.check(screen.resources)
    qtbot.keyClicks(screen.search, "hiltop")  # a typo still finds the area
    qtbot.waitUntil(lambda: screen.resources.rowCount() == 2)
    screen.category.setCurrentIndex(screen.category.findData("meals"))
    qtbot.waitUntil(lambda: screen.resources.rowCount() == 1)
    assert screen.resources.row_at(0).name == "Hilltop Meals on Wheels"
    screen.search.clear()
    screen.category.setCurrentIndex(0)
    qtbot.waitUntil(lambda: screen.resources.rowCount() == 3)

    csv = tmp_path / "council.csv"
    csv.write_text(
        "Name,Category,Phone,Suburb,Eligibility\n"
        "Carers' Corner,Carers support,(03) 5550 7001,Riverbend,Unpaid carers\n"
        "Riverbend Ride Along,Transport,(03) 5550 7002,Riverbend,\n"
        "Sunny Dance Club,Dancing,,Hilltop,\n",
        encoding="utf-8",
    )
    screen.import_file(csv)
    qtbot.waitUntil(lambda: getattr(screen, "last_report", None) is not None, timeout=20000)
    text = screen.last_report.text.toPlainText()
    assert "3 rows read: 1 service added; 2 rows refused." in text
    assert "Line 3: Riverbend Ride Along — already in the directory" in text
    assert "Line 4: Sunny Dance Club — choose a category" in text
    qtbot.waitUntil(lambda: screen.resources.rowCount() == 4)
    save_shot(screen.last_report, "import-report.png")
    screen.last_report.close()

    screen.resource_table.selectRow(0)
    edit = screen.edit_resource(screen.current_resource())
    edit.fields["hours"].setText("Mon-Fri 9-5")
    edit.accept()
    qtbot.waitUntil(lambda: any(r.hours == "Mon-Fri 9-5" for r in screen.resources.rows))


def test_the_screen_lists_open_referrals_overdue_first_and_opens_the_record(qtbot, ws, admin, pid):
    member = refs.recipients(ws, admin, pid)[0].id
    recent = refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "A")).value
    refs.send_referral(ws, admin, recent, via="fax", on=date.today() - timedelta(days=2))
    late = refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "B")).value
    refs.send_referral(ws, admin, late, via="post", on=date.today() - timedelta(days=15))
    refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "C"))
    gp = staff(ws, admin, Role.GP, "gail.gp")
    opened: list[int] = []
    state = _state(ws, gp)
    screen = ReferralsScreen(state, opened.append)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    assert [r.id for r in screen.open_model.rows][:2] == [late, recent]
    assert "1 waiting too long" in screen.open_label.text()
    refs_row = screen.open_model.row_at(0)
    with qtbot.waitSignal(state.changes_published):
        state.publish(refs.record_step(ws, gp, late, "acknowledged", version=refs_row.version))
    qtbot.waitUntil(lambda: "waiting too long" not in screen.open_label.text())
    screen.open_table.doubleClicked.emit(screen.open_model.index(0, 0))
    assert opened == [pid]
    save_shot(screen, "referrals-screen.png")
