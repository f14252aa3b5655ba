"""Slow work runs on workers: list blocks and sorts, password checks, CSV reading, restore.

Each test checks where the work ran (a worker thread, not the GUI's) and what the user sees
meanwhile (placeholders, the old order, disabled buttons), then waits for the answer by signal.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services import accounts, demo, settings, workspaces
from carecoord_desktop.services.patients import imports as import_service
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.patients import list_model as patient_list_model
from carecoord_desktop.ui.patients.import_dialog import PatientImportDialog
from carecoord_desktop.ui.patients.list_model import DOB, LOADING, NAME, PatientListModel
from carecoord_desktop.ui.shell.dialogs import ChangePasswordDialog, LoginDialog
from carecoord_desktop.ui.shell.state import AppState
from tests_support import ADMIN_PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _off_main_thread(monkeypatch, module, name: str) -> list[bool]:
    """Wrap module.name so each call records whether it ran off the GUI thread."""
    main = threading.main_thread()
    calls: list[bool] = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append(threading.current_thread() is not main)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


@pytest.fixture
def state(demo_copy):
    ws = demo_copy(100, 5).workspace
    actor = accounts.authenticate(ws, "admin", demo.DEMO_PASSWORD)
    yield AppState(ws, actor, settings.load(ws))
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def model(qtbot, state):
    made = PatientListModel(state)
    with qtbot.waitSignal(made.query_finished):
        made.refresh()
    yield made
    qtbot.waitUntil(lambda: not made.fetching and not made.querying)


def test_the_list_shows_placeholders_then_the_rows_from_a_worker(qtbot, model, monkeypatch):
    fetched_off_thread = _off_main_thread(monkeypatch, registry, "fetch_rows")
    first = model.index(0, NAME)
    assert model.data(first) == LOADING and model.data(model.index(0, DOB)) is None
    with qtbot.waitSignal(model.dataChanged) as landed:
        pass
    top, bottom = landed.args[:2]
    assert (top.row(), bottom.row()) == (0, model.rowCount() - 1)  # one block: every row
    row = registry.fetch_rows(model.state.ws, model.state.actor, [model.ids[0]])[model.ids[0]]
    assert model.data(first) == row.display_name
    assert fetched_off_thread[0] is True


def test_a_sort_keeps_the_old_order_until_the_new_arrives_and_a_stale_one_is_dropped(
    qtbot, model, monkeypatch
):
    release = threading.Event()
    real = patient_list_model._query

    def slow_first(*args):
        if args[-1] == first_generation:  # the first sort's query waits to be overtaken
            assert release.wait(30)
        return real(*args)

    monkeypatch.setattr(patient_list_model, "_query", slow_first)
    by_name = list(model.ids)
    first_generation = model._query_generation + 1
    model.sort(DOB, Qt.SortOrder.AscendingOrder)
    stale = model._query_job
    assert model.querying and model.ids == by_name, "the old order stays until the new one"
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.sort(NAME, Qt.SortOrder.DescendingOrder)
    newest = registry.query_ids(
        model.state.ws, model.state.actor, PatientFilter(), sort="name", descending=True
    )
    assert model.ids == newest
    release.set()
    with qtbot.waitSignal(stale.finished, timeout=10_000):
        pass
    assert model.ids == newest, "the overtaken sort's answer is dropped"
    assert (model.sort_key, model.descending) == ("name", True)


def test_a_block_fetched_for_an_order_no_longer_shown_is_dropped(qtbot, model):
    model.data(model.index(0, NAME))  # block 0 of the name order is being fetched
    job = next(iter(model._pending.values()))
    model.set_ids(list(reversed(model.ids)))  # another order arrives meanwhile
    if not job.cancelled:
        with qtbot.waitSignal(job.finished, timeout=10_000):
            pass
    assert not model.is_loaded(0), "rows for the old order must not show in the new one"
    assert model.data(model.index(0, NAME)) == LOADING


def test_a_restore_suspends_the_list_until_the_new_workspace_is_in(qtbot, model, state):
    state.close_workspace_use()
    assert model.data(model.index(0, NAME)) == LOADING
    assert not model.fetching, "nothing queries the workspace being replaced"
    model.refresh()
    assert not model.querying
    state.replace_workspace(state.ws)
    with qtbot.waitSignal(model.block_loaded, timeout=10_000):
        model.data(model.index(0, NAME))


def test_sign_in_checks_the_password_on_a_worker_with_the_buttons_disabled(qtbot, ws, monkeypatch):
    checked_off_thread = _off_main_thread(monkeypatch, accounts, "authenticate")
    dialog = LoginDialog(ws, practice_name="Riverside Family Practice", username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("not my password")
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000) as wrong:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.checking and not dialog.buttons.isEnabled()
        assert not dialog.password.isEnabled()
        dialog.reject()  # Escape while checking: the dialog waits for the answer
        assert dialog.isVisible()
    assert wrong.args == [False] and "not right" in dialog.error.text()
    assert dialog.buttons.isEnabled() and dialog.actor is None
    dialog.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000) as right:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert right.args == [True] and dialog.actor.username == "admin"
    assert dialog.result() == dialog.DialogCode.Accepted
    assert checked_off_thread == [True, True]


def test_changing_a_password_hashes_it_on_a_worker(qtbot, ws, admin, monkeypatch):
    hashed_off_thread = _off_main_thread(monkeypatch, accounts, "change_password")
    dialog = ChangePasswordDialog(ws, admin)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current.setText("not my password")
    dialog.new.setText("a brand new phrase 7")
    dialog.again.setText("a brand new phrase 7")
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000) as refused:
        dialog._save()
        assert not dialog.buttons.isEnabled() and not dialog.new.isEnabled()
    assert refused.args == [False] and dialog.error.isVisible()
    dialog.current.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000) as saved:
        dialog._save()
    assert saved.args == [True] and dialog.result() == dialog.DialogCode.Accepted
    assert hashed_off_thread == [True, True]
    assert accounts.authenticate(ws, "admin", "a brand new phrase 7").username == "admin"


def test_the_import_reads_the_csv_on_a_worker(qtbot, ws, admin, monkeypatch):
    read_off_thread = _off_main_thread(monkeypatch, import_service, "read_csv")
    dialog = PatientImportDialog(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.step_done, timeout=30_000) as read:
        dialog.load_file(FIXTURES / "patients_good.csv")
        assert dialog.combos["family_name"].count() == 0, "nothing shown before it is read"
    assert read.args == [True] and read_off_thread == [True]
    assert dialog.combos["family_name"].currentData() is not None


def _main_window(qtbot, ws, admin, tmp_path, monkeypatch):
    from carecoord_desktop.ui.shell.main_window import MainWindow

    boxes: list[tuple[str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox, kind, lambda *a, _k=kind, **kw: boxes.append((_k, a[2])) or 0
        )
    window = MainWindow(AppState(ws, admin, settings.load(ws)), settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(window)
    window.show()
    backup = workspaces.backup_now(ws, admin).path
    patient = create_patient(
        ws,
        admin,
        PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1950, 1, 2)),
    ).value
    return window, boxes, backup, patient


def test_a_restore_closes_the_record_windows_before_the_swap(
    qtbot, ws, admin, tmp_path, monkeypatch
):
    window, boxes, backup, patient = _main_window(qtbot, ws, admin, tmp_path, monkeypatch)
    record = window.screen_widget("patients").open_record(patient.id)
    qtbot.waitExposed(record)
    open_at_swap: list[bool] = []
    # A closed record window is deleted (the opener lets it go): ask the opener, not the window.
    window.state.workspace_closing.connect(
        lambda: open_at_swap.append(bool(window.opener.open_windows()))
    )
    job = window.restore_backup(backup)
    assert open_at_swap == [False], "every window let go of the old workspace first"
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert boxes[-1][0] == "information" and window.state.ws is not ws
    assert window.opener.window_for(patient.id) is None
    window.state.ws.close()


def test_a_restore_is_refused_while_a_record_has_an_edit_open(
    qtbot, ws, admin, tmp_path, monkeypatch
):
    window, boxes, backup, patient = _main_window(qtbot, ws, admin, tmp_path, monkeypatch)
    record = window.screen_widget("patients").open_record(patient.id)
    record.edit_details()
    assert window.restore_backup(backup) is None
    kind, text = boxes[-1]
    assert kind == "warning" and "not saved" in text and "not changed" in text
    assert record.isVisible() and window.state.ws is ws
    assert registry.query_ids(ws, admin, PatientFilter(text="quill")), "nothing was restored"
    record.close()


def test_a_read_running_when_the_restore_starts_ends_before_the_swap(
    qtbot, ws, admin, tmp_path, monkeypatch
):
    from carecoord_desktop.ui.shell import workers
    from carecoord_desktop.ui.shell.workers import start_job

    window, _boxes, backup, _patient = _main_window(qtbot, ws, admin, tmp_path, monkeypatch)
    order: list[str] = []
    release = threading.Event()
    real_restore = workspaces.restore

    def slow_read():
        assert release.wait(30)
        order.append("read ended")

    def restore(*args):
        order.append("swap")
        return real_restore(*args)

    monkeypatch.setattr(workspaces, "restore", restore)
    reader = start_job(window, slow_read)
    qtbot.waitUntil(lambda: reader.task.started)
    job = window.restore_backup(backup)
    qtbot.waitUntil(lambda: workers._running.waiting == 1, timeout=10_000)
    assert order == [], "the swap waits for the read"
    release.set()
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert order == ["read ended", "swap"]
    window.state.ws.close()


def test_the_first_page_paints_at_once_and_its_block_grows_with_the_whole_list(qtbot, model):
    """The first page's rows are there as soon as it is shown (not queued behind the full
    query); when the whole list arrives, the rows past the first page are fetched, never read
    past the end of the first page's short block."""
    ids = list(model.ids)
    first_page = ids[:60]
    model.set_ids(first_page, model.filter, partial=True)
    assert model.data(model.index(0, NAME)) not in (None, LOADING)
    assert model.data(model.index(59, NAME)) not in (None, LOADING)
    model.complete_ids(ids, model.filter)
    assert model.rowCount() == len(ids) > 60
    assert model.data(model.index(60, NAME)) == LOADING  # asked for, not an IndexError
    qtbot.waitUntil(lambda: model.data(model.index(60, NAME)) not in (None, LOADING))
    row = registry.fetch_rows(model.state.ws, model.state.actor, [ids[60]])[ids[60]]
    assert model.data(model.index(60, NAME)) == row.display_name
