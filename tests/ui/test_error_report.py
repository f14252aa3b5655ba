"""Unplanned errors in the GUI: a worker's reaches the screen in words, an uncaught one is
logged scrubbed and shown once in a message box; neither prints the row it failed on."""

from __future__ import annotations

import sys
import threading
from datetime import date

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop import scrub
from carecoord_desktop.scrub import UnexpectedError
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from carecoord_desktop.ui.shell import error_report
from carecoord_desktop.ui.shell.workers import start_with_progress

NAME = "Quackenbush"
DRAFT = PatientDraft(given_name="Zebedina", family_name=NAME, date_of_birth=date(1947, 5, 23),
                     medicare_number="2123456701")  # fmt: skip


@pytest.fixture
def refusing_ws(ws):
    with ws.raw_connection() as conn:
        conn.execute(
            "CREATE TRIGGER probe BEFORE INSERT ON patient BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
        conn.commit()
    return ws


def test_a_worker_error_reaches_the_caller_in_words(qtbot, refusing_ws, admin, capfd, caplog):
    failures: list[Exception] = []
    job = start_with_progress(
        None, "Saving…", create_patient, refusing_ws, admin, DRAFT,
        on_done=lambda _r: None, on_failed=failures.append,
    )  # fmt: skip
    with qtbot.waitSignal(job.failed):
        pass
    [error] = failures
    assert isinstance(error, UnexpectedError)
    assert "was not saved" in str(error)
    assert error.__cause__ is None and error.__context__ is None
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    # The log's report names the failure and where in our code, and no value.
    assert "IntegrityError" in caplog.text and "services/patients/record.py" in caplog.text
    for secret in (NAME, "Zebedina", "1947-05-23", "2123456701"):
        assert secret not in out + err + str(error) + caplog.text


def test_gui_hooks_show_one_plain_box_and_log_scrubbed(qtbot, monkeypatch, capfd):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(scrub.log, "handlers", [])
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    error_report.install_gui_hooks()
    try:
        try:
            raise ValueError(f"could not parse {NAME!r}")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        qWarning(f"QFont: cannot render '{NAME}'")
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)
    assert len(shown) == 1 and "try again" in shown[0].lower() and NAME not in shown[0]
    _out, err = capfd.readouterr()
    assert "ValueError" in err and "Qt: QFont" in err
    assert NAME not in err and "Traceback" not in err
