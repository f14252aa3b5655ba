"""The Admin screen driven as an administrator would, and opened safely by every other role."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit, settings, workspaces
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.ui.admin.audit import COLUMNS
from carecoord_desktop.ui.admin.practice import NO_BACKUPS
from carecoord_desktop.ui.admin.screen import AdminScreen
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot, staff


@pytest.fixture
def boxes(monkeypatch):
    """Every message box is recorded (kind, title, text) and answered Cancel."""
    seen = []
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda *a, _k=kind, **kw: (
                seen.append((_k, a[1], a[2])) or QMessageBox.StandardButton.Cancel
            ),
        )
    return seen


def _screen(qtbot, ws, actor, width=1180, height=720) -> AdminScreen:
    screen = AdminScreen(AppState(ws, actor, settings.load(ws)))
    qtbot.addWidget(screen)
    screen.setStyleSheet(stylesheet())
    screen.resize(width, height)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _cells(model, row):
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _audit_tab(qtbot, screen):
    screen.tabs.setCurrentWidget(screen.audit)
    qtbot.waitUntil(lambda: screen.audit.model.rowCount() > 0)
    return screen.audit


def test_audit_rows_read_in_words_with_the_patient_practice_id_and_name(
    qtbot, qtmodeltester, ws, admin
):
    ann = patients.create_patient(
        ws, admin, PatientDraft("Ann", "Fitzgerald", date(1944, 5, 6))
    ).value
    patients.get_record(ws, admin, ann.id)
    screen = _screen(qtbot, ws, admin)
    tab = _audit_tab(qtbot, screen)
    rows = [
        dict(zip(COLUMNS, _cells(tab.model, r), strict=True)) for r in range(tab.model.rowCount())
    ]
    opened = [r for r in rows if r["What"] == "Opened a patient record"]
    assert len(opened) == 1
    assert opened[0]["Patient"] == f"{ann.practice_id} · FITZGERALD, Ann"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", opened[0]["When"])
    everything = " ".join(" ".join(r.values()) for r in rows)
    assert "_" not in everything  # no stored codes (patient_list, staff_user...)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", tab.since.text())  # the last 30 days, shown
    qtmodeltester.check(tab.model)


def test_the_count_shown_is_the_count_verify_reports(qtbot, ws, admin, boxes, monkeypatch):
    screen = _screen(qtbot, ws, admin)
    tab = _audit_tab(qtbot, screen)
    shown = int(re.search(r"The log holds ([\d,]+) event", tab.count.text())[1].replace(",", ""))
    intact = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: intact.append(box.text()))
    tab.verify_button.click()
    report = audit.verify_chain(ws)
    assert report.ok and shown == report.rows
    assert boxes == [] and len(intact) == 1
    assert f"All {shown:,} events" in intact[0]


def test_backups_show_a_no_backups_state_then_a_table(qtbot, ws, admin, boxes):
    screen = _screen(qtbot, ws, admin)
    tab = screen.practice
    screen.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 0
    assert tab.empty.isVisible() and not tab.view.isVisible()
    assert tab.empty.text() == NO_BACKUPS
    with qtbot.waitSignal(tab.backup_now().finished, timeout=30_000):
        pass
    assert tab.view.isVisible() and not tab.empty.isVisible()
    headers = [
        tab.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(tab.model.columnCount())
    ]
    assert headers == ["Made", "Size", "Kind"]
    made, size, kind = _cells(tab.model, 0)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", made)
    assert kind == "Routine backup" and re.fullmatch(r"\d+ kB|\d+\.\d MB", size)
    status = tab.backup_status.text()
    assert "checked" in status and ".ccbackup" not in status and "rows" not in status
    assert boxes == []


def test_restore_with_nothing_to_restore_says_so(qtbot, ws, admin, boxes):
    screen = _screen(qtbot, ws, admin)
    tab = screen.practice
    screen.tabs.setCurrentWidget(tab)
    tab.restore_button.click()
    assert tab.backup_error.isVisibleTo(tab)
    assert "no backup to restore" in tab.backup_error.text()
    workspaces.backup_now(ws, admin)
    tab.refresh()
    tab.view.clearSelection()
    tab.restore_button.click()
    assert "Choose the backup to restore" in tab.backup_error.text()
    assert boxes == []  # a message at the list, not a dialog
    tab.view.selectRow(0)
    with qtbot.assertNotEmitted(tab.restore_requested):
        tab.restore_button.click()  # the confirmation is answered Cancel
    assert boxes[0][0] == "warning" and "the backup of " in boxes[0][2]
    assert ".ccbackup" not in boxes[0][2]


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION])
def test_every_tab_tolerates_a_role_that_may_not_use_it(qtbot, ws, admin, boxes, role):
    someone = staff(ws, admin, role, username=f"u.{role.value}")
    screen = _screen(qtbot, ws, someone)
    for tab in (screen.users, screen.audit, screen.practice):
        screen.tabs.setCurrentWidget(tab)
        tab.refresh()
        assert tab.is_denied()
        assert f"A {role.label} account cannot" in tab.denied.text()
        assert tab.denied.isVisible()
    assert screen.users.model.rowCount() == screen.audit.model.rowCount() == 0
    screen.refresh()
    assert boxes == []


def test_the_next_user_sees_nothing_of_the_admins_lists(qtbot, ws, admin):
    nurse = staff(ws, admin, Role.NURSE, username="n.kim")
    screen = _screen(qtbot, ws, admin)
    _audit_tab(qtbot, screen)
    assert screen.users.model.rowCount() == 2
    screen.state.set_actor(nurse)
    assert screen.users.model.rowCount() == 0 and screen.audit.model.rowCount() == 0
    assert screen.practice.name.text() == ""
    assert all(t.is_denied() for t in (screen.users, screen.audit, screen.practice))


@pytest.mark.parametrize("width", [1180, 900])
def test_audit_columns_fit_their_content_and_the_window(qtbot, ws, admin, width):
    for _ in range(3):
        audit.record_now(
            ws,
            admin,
            audit.AuditAction.UPDATE,
            record_type="practice_setting",
            detail="idle_lock_minutes, backups_kept, practice_name",
        )
    screen = _screen(qtbot, ws, admin, width=width)
    tab = _audit_tab(qtbot, screen)
    view, header = tab.view, tab.view.horizontalHeader()
    qtbot.waitUntil(
        lambda: sum(header.sectionSize(c) for c in range(header.count())) == view.viewport().width()
    )
    assert not view.horizontalScrollBar().isVisible()
    details = COLUMNS.index("Details")
    for c in range(header.count()):
        if c != details and width >= 1180:
            assert header.sectionSize(c) >= view.sizeHintForColumn(c), COLUMNS[c]
    # Nothing is cut: long text wraps, and each row is tall enough for its wrapped text.
    assert view.wordWrap() and view.textElideMode() == Qt.TextElideMode.ElideNone
    metrics = view.fontMetrics()
    for r in range(tab.model.rowCount()):
        for c in range(header.count()):
            text = tab.model.index(r, c).data()
            box = QRect(0, 0, header.sectionSize(c) - 8, 10_000)
            needed = metrics.boundingRect(box, Qt.TextFlag.TextWordWrap, text).height()
            assert view.rowHeight(r) >= needed, (COLUMNS[c], text)


def test_buttons_share_one_style_by_kind(qtbot, ws, admin):
    screen = _screen(qtbot, ws, admin)
    users = screen.users
    assert users.add_button.objectName() == "primary"
    assert users.toggle_button.objectName() == "destructive"
    assert users.role_button.objectName() == "secondary"
    assert screen.practice.backup_button.objectName() == "primary"
    assert screen.practice.restore_button.objectName() == "destructive"
    assert screen.audit.verify_button.objectName() == "secondary"
    qss = stylesheet()
    for kind in ("primary", "destructive"):
        assert f"QPushButton#{kind} {{" in qss
    users.view.selectRow(0)
    row = users.selected()
    assert users.toggle_button.text() == ("Disable" if row.active else "Enable")


def test_backup_and_restore_messages_name_backups_by_when_not_by_file(
    qtbot, ws, admin, boxes, tmp_path
):
    from carecoord_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.backup_now().finished, timeout=30_000):
        pass
    assert "Backed up and checked: the backup of " in window.statusBar().currentMessage()
    path = window.screen_widget("admin").practice.model.row_at(0).path
    with qtbot.waitSignal(window.restore_backup(path).finished, timeout=30_000):
        pass
    kind, title, text = boxes[-1]
    assert (kind, title) == ("information", "Backup restored")
    assert text.startswith("Restored the backup of ") and ".ccbackup" not in text
    window.state.ws.close()


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION])
def test_the_main_window_builds_for_a_role_without_admin_rights(
    qtbot, ws, admin, boxes, tmp_path, role
):
    """The screen used to list staff accounts while being built, and the app closed."""
    from carecoord_desktop.ui.shell.main_window import MainWindow

    someone = staff(ws, admin, role, username=f"w.{role.value}")
    window = MainWindow(AppState(ws, someone, settings.load(ws)), settings_path=tmp_path / "ui")
    qtbot.addWidget(window)
    window.show()
    assert window.screen_widget("admin") is None  # a role sees only the screens it may use
    assert "admin" not in window.page_keys
    assert boxes == []


def test_dates_are_taken_exactly_as_typed_or_refused_at_the_field(qtbot, ws, admin):
    screen = _screen(qtbot, ws, admin)
    tab = _audit_tab(qtbot, screen)
    shown = tab.model.rowCount()
    today = date.today()
    for typed in ("31/02/2026", "22/07", "yesterday"):
        tab.since.setText("")
        qtbot.keyClicks(tab.since, typed)
        assert tab.period.currentText() == "Chosen dates"
        tab.apply_button.click()
        assert tab.error.isVisibleTo(tab) and f"“{typed}” is not a date" in tab.error.text()
        assert tab.since.hasFocus() or not screen.isActiveWindow()
        assert tab.model.rowCount() == shown  # nothing was listed with a guessed date
    tab.since.setText("")
    qtbot.keyClicks(tab.since, f"2/{today.month}/{today.year - 1}")
    tab.until.setText("")
    qtbot.keyClicks(tab.until, today.strftime("%Y-%m-%d"))
    tab.apply_button.click()
    assert not tab.error.isVisibleTo(tab)
    first = date(today.year - 1, today.month, 2).strftime("%d/%m/%Y")
    assert tab.model.row_at(0).details == f"from {first} to {today:%d/%m/%Y}"
    tab.period.setCurrentIndex(tab.period.findText("All time"))
    assert tab.since.text() == tab.until.text() == ""
    tab.apply_button.click()
    assert tab.model.row_at(0).details == ""
    assert tab.page.matched == tab.page.in_log


def test_every_admin_button_has_one_of_the_three_kinds(qtbot, ws, admin):
    from PySide6.QtWidgets import QPushButton

    screen = _screen(qtbot, ws, admin)
    buttons = screen.findChildren(QPushButton)
    assert len(buttons) >= 9
    assert {b.objectName() for b in buttons} <= {"primary", "secondary", "destructive"}


def test_every_admin_table_fits_its_columns_to_content_and_window(qtbot, ws, admin):
    from PySide6.QtWidgets import QTableView

    workspaces.backup_now(ws, admin)
    screen = _screen(qtbot, ws, admin)
    views = screen.findChildren(QTableView)
    assert len(views) == 3
    for tab in (screen.users, screen.audit, screen.practice):
        screen.tabs.setCurrentWidget(tab)
        tab.refresh()
        for view in tab.findChildren(QTableView):
            header = view.horizontalHeader()
            qtbot.waitUntil(
                lambda v=view, h=header: (
                    sum(h.sectionSize(c) for c in range(h.count())) == v.viewport().width()
                )
            )
            metrics = view.fontMetrics()
            model = view.model()
            for c in range(header.count()):
                widest = max(
                    metrics.horizontalAdvance(str(model.index(r, c).data() or ""))
                    for r in range(model.rowCount())
                )
                assert header.sectionSize(c) >= widest, (type(tab).__name__, c)


def test_a_backup_keeps_settings_typed_but_not_saved(qtbot, ws, admin):
    screen = _screen(qtbot, ws, admin)
    tab = screen.practice
    tab.name.setText("Riverside Family Practice & Clinic")
    with qtbot.waitSignal(tab.backup_now().finished, timeout=30_000):
        pass
    assert tab.model.rowCount() == 1
    assert tab.name.text() == "Riverside Family Practice & Clinic"


def test_verify_names_the_changed_event_by_its_number_in_the_list(qtbot, ws, admin, boxes):
    with ws.raw_connection() as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET detail = 'nothing to see' WHERE id = 2")
        conn.commit()
    screen = _screen(qtbot, ws, admin)
    tab = _audit_tab(qtbot, screen)
    assert "2" in [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    tab.verify_button.click()
    kind, title, text = boxes[-1]
    assert (kind, title) == ("critical", "Audit log changed")
    assert text.startswith("Event No. 2: its content was changed after writing.")


def test_the_practice_tab_shows_and_saves_every_practice_setting(qtbot, ws, admin):
    """Holiday region, nurses' sign-off, phone, referral chase days and care plan packs: the
    services read them, so the administrator must be able to see and change them here."""
    from carecoord_desktop.services.careplans import packs

    screen = _screen(qtbot, ws, admin, height=900)
    tab = screen.practice
    assert tab.care.widgets["holiday_region"].text() == settings.load(ws).holiday_region
    assert [k for k, c in tab.pack_boxes.items() if c.isChecked()] == ["gpccmp"]
    screen.tabs.setCurrentWidget(tab)
    save_shot(screen, "admin_practice_settings.png")
    tab.phone.setText("02 9876 5432")
    tab.care.widgets["holiday_region"].setText("au-vic")
    tab.care.widgets["nurses_sign_reconciliation"].setChecked(True)
    tab.follow_up.setValue(14)
    tab.pack_boxes["ccm"].setChecked(True)
    tab.save()
    assert tab.settings_status.text() == "Settings saved.", (
        tab.settings_error.text(),
        tab.care.problems(),
    )
    saved = settings.load(ws)
    assert (saved.practice_phone, saved.holiday_region) == ("02 9876 5432", "AU-VIC")
    assert saved.nurses_sign_reconciliation is True
    assert saved.referral_follow_up_days == 14
    assert {p.key for p in packs.chosen_packs(ws)} == {"gpccmp", "ccm"}


def test_a_wrong_holiday_region_is_refused_at_its_field(qtbot, ws, admin):
    screen = _screen(qtbot, ws, admin, height=900)
    tab = screen.practice
    tab.care.widgets["holiday_region"].setText("AU-XX")
    tab.save()
    assert "AU-NSW" in tab.care.problems()["holiday_region"]
    assert tab.care.widgets["holiday_region"].text() == "AU-XX"  # what was typed stays
    assert settings.load(ws).holiday_region == "AU-NSW"
