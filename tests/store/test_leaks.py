"""Nothing leaks: a database error forced through the real services, the CLI and a worker
carries no name, date of birth or Medicare number in its text, on stderr, or in any file."""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
import traceback
from datetime import date
from pathlib import Path

import pytest

from carecoord_desktop import scrub
from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.patients import imports as patient_import
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from tests_support import ADMIN_PASSWORD

GIVEN, FAMILY = "Zebedina", "Quackenbush"
DOB = date(1947, 5, 23)
MEDICARE = "2123456701"
SECRETS = (GIVEN, FAMILY, "1947-05-23", MEDICARE, b"Quackenbush".hex())
DRAFT = PatientDraft(given_name=GIVEN, family_name=FAMILY, date_of_birth=DOB,
                     medicare_number=MEDICARE)  # fmt: skip


def _install_trigger(ws, table: str, body: str) -> None:
    with ws.raw_connection() as conn:
        conn.execute(f"CREATE TRIGGER leak_probe BEFORE INSERT ON {table} BEGIN {body}; END")
        conn.commit()


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into: {text[:400]}"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("SELECT RAISE(ABORT, 'refused')", "IntegrityError"),
        ("INSERT INTO no_such_table VALUES (1)", "OperationalError"),
    ],
)
def test_a_database_error_through_the_service_carries_no_patient_data(ws, admin, body, kind):
    _install_trigger(ws, "patient", body)
    with pytest.raises(Exception) as caught:
        create_patient(ws, admin, DRAFT)
    exc = caught.value
    assert type(exc).__name__ == kind
    # What Python would print (message, chain, frames) and what SQLAlchemy puts in str().
    _assert_clean(str(exc))
    _assert_clean("".join(traceback.format_exception(exc)))
    # The plain message says what to do and names no value either.
    user = scrub.as_user_error(exc)
    assert isinstance(user, CareCoordError) and "try again" in str(user).lower()
    _assert_clean(str(user))


def test_the_scrubbed_report_masks_values_python_errors_repeat():
    try:
        {}[f"{GIVEN} {FAMILY}"]
    except KeyError as exc:
        report = scrub.scrubbed_report(exc)
    assert "KeyError" in report and "test_leaks.py" in report
    _assert_clean(report)
    text = (
        "(sqlite3.IntegrityError) UNIQUE constraint failed: patient.practice_id\n"
        f"[SQL: INSERT INTO patient (given_name) VALUES (?)]\n[parameters: ('{GIVEN}', "
        f"'{DOB.isoformat()}', {MEDICARE}, 'x@y.example')]"
    )
    cleaned = scrub.scrub_text(text)
    _assert_clean(cleaned)
    assert "UNIQUE constraint failed: patient.practice_id" in cleaned


def test_the_log_filter_scrubs_records_and_their_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(scrub.ScrubFilter())
    logger = logging.getLogger("carecoord_desktop.test_leaks")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"bad row {GIVEN!r} born {DOB:%d/%m/%Y} card {MEDICARE}")
        except ValueError:
            logger.exception("import failed for %s", FAMILY)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "import failed" in written and "ValueError" in written
    _assert_clean(written)
    assert "23/05/1947" not in written


def test_the_cli_turns_an_unexpected_error_into_words_and_exit_code_2(new_practice, run):
    ws = new_practice.workspace
    _install_trigger(ws, "staff_user", "SELECT RAISE(ABORT, 'refused')")
    folder = ws.folder
    ws.close()
    code, out, err = run(
        "--workspace", str(folder), "users", "add", FAMILY.lower(), "--full-name",
        f"{GIVEN} {FAMILY}", "--role", "nurse", "--as", "admin", "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n{GIVEN} has a long password\n",
    )  # fmt: skip
    assert code == 2
    assert "Traceback" not in err and "[parameters" not in err
    assert "was not saved" in err and "Try again" in err
    for secret in (GIVEN, "has a long password", "$argon2"):
        assert secret not in err + out


def _files_under(root: Path, since: float, skip: set[Path]) -> list[Path]:
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            try:
                st = p.stat()
            except OSError:
                continue
            # Other programs' big files in the shared temp folder are not ours to read.
            if p not in skip and p.is_file() and st.st_mtime >= since and st.st_size < 2**27:
                found.append(p)
    return found


def test_no_file_in_the_workspace_or_temp_holds_the_name_after_failed_operations(
    ws, admin, tmp_path, capfd
):
    since = Path(tmp_path).stat().st_mtime - 1
    source = tmp_path / "to-import.csv"  # the user's own file: it holds the name, of course
    source.write_text(f"Surname,Given,DOB\n{FAMILY},Bea,01/02/1950\n", encoding="utf-8")
    # One that works, then the bad operations: a forced IntegrityError on a create and on a
    # CSV import, and an OperationalError, each turned into the user's message.
    create_patient(ws, admin, DRAFT)
    _install_trigger(ws, "patient", "SELECT RAISE(ABORT, 'refused')")
    plan = patient_import.validate(
        ws, admin, source, patient_import.guess_mapping(["Surname", "Given", "DOB"])
    )
    with pytest.raises(Exception) as caught:
        patient_import.import_rows(ws, admin, plan)
    scrub.as_user_error(caught.value)
    for year in (1961, 1962):  # not duplicates of the first: the insert itself must fail
        other = PatientDraft(given_name=GIVEN, family_name=f"{FAMILY}-Jones",
                             date_of_birth=date(year, 1, 2))  # fmt: skip
        with pytest.raises(Exception) as caught:
            create_patient(ws, admin, other)
        assert type(caught.value).__name__ == "IntegrityError"
        scrub.as_user_error(caught.value)
    ws.engine.dispose()  # let SQLite write what it holds
    needles = [s.encode(enc) for s in (GIVEN, FAMILY) for enc in ("utf-8", "utf-16-le")]
    skip = {source}
    files = _files_under(ws.folder, 0, skip) + _files_under(
        Path(tempfile.gettempdir()), since, skip
    )
    assert any(p.suffix == ".db" for p in files), [p.name for p in files]
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for needle in needles:
            assert needle not in data, f"{needle!r} found in {path}"
    out, err = capfd.readouterr()
    _assert_clean(out + err)


def test_excepthooks_log_scrubbed_and_tell_the_user(monkeypatch):
    told: list[str] = []
    stream = io.StringIO()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    import threading

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(scrub.log, "handlers", [])
    scrub.configure_logging(stream)
    scrub.install_excepthooks(on_main_thread_error=told.append)
    try:
        raise RuntimeError(f"row ({GIVEN!r}, {MEDICARE})")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    thread = threading.Thread(target=lambda: {}[FAMILY], name="worker-1")
    thread.start()
    thread.join()
    written = stream.getvalue()
    assert "RuntimeError" in written and "worker-1" in written and "KeyError" in written
    _assert_clean(written)
    assert told and "try again" in told[0].lower()
    _assert_clean(told[0])
