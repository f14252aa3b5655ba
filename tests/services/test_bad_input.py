"""Bad text gets a clear answer naming the field and is never stored: control characters,
line breaks in one-line fields and broken Unicode, through the service API, the record's
lists, the CSV import and staff accounts; a typed-in password is never stored as a user name."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import LoginFailedError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit
from carecoord_desktop.services.patients import imports as patient_import
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.record import (
    PatientDraft,
    create_patient,
    get_record,
    update_patient,
)
from carecoord_desktop.services.patients.rules import text_problem
from carecoord_desktop.services.patients.types import CareTeamDraft

BAD = {
    "NUL": "Ann\x00e",
    "ESC": "Ann\x1b[31me",
    "BEL": "Ann\x07e",
    "backspace": "Ann\x08e",
    "newline": "Ann\ne",
    "carriage return": "Ann\re",
    "tab": "Ann\te",
    "bidi override": "Ann\u202ee",
    "zero-width space": "Ann\u200be",
    "line separator": "Ann\u2028e",
    "lone surrogate": "Ann\ud800e",
}
ONE_LINE_FIELDS = {
    "given_name": "given name",
    "family_name": "family name",
    "preferred_name": "preferred name",
    "previous_names": "previous names",
    "preferred_language": "preferred language",
    "acd_location": "place the advance care directive is kept",
}
BASE = PatientDraft(given_name="Ann", family_name="Lee", date_of_birth=date(1950, 2, 3))


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _count(ws, table="patient") -> int:
    with ws.raw_connection() as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("what", BAD)
@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
def test_one_line_fields_refuse_control_characters_naming_the_field(ws, admin, field, what):
    draft = PatientDraft(**{**BASE.__dict__, field: BAD[what]})
    with pytest.raises(ValidationError) as caught:
        create_patient(ws, admin, draft)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"The {ONE_LINE_FIELDS[field]} ")
    assert "position 4" in str(caught.value)
    assert _count(ws) == 0


def test_multi_line_fields_keep_line_breaks_and_tabs_but_not_other_controls(ws, admin):
    note = "Lives with daughter.\n\tStairs only;\r\nlift broken"
    rec = create_patient(
        ws, admin, PatientDraft(**{**BASE.__dict__, "housing": note, "address": "1 Main St\nTown"})
    ).value
    assert get_record(ws, admin, rec.id).housing == note
    for what in ("NUL", "ESC", "BEL", "backspace", "bidi override", "lone surrogate"):
        draft = PatientDraft(**{**BASE.__dict__, "address": "1 Main" + BAD[what]})
        with pytest.raises(ValidationError) as caught:
            update_patient(ws, admin, rec.id, draft)
        assert caught.value.field == "address" and "address" in str(caught.value)
    assert get_record(ws, admin, rec.id).address == "1 Main St\nTown"


def test_phone_email_and_the_records_lists_use_the_same_rule(ws, admin):
    for field in ("phone", "email"):
        with pytest.raises(ValidationError) as caught:
            create_patient(ws, admin, PatientDraft(**{**BASE.__dict__, field: "04\x1b12"}))
        assert caught.value.field == field and "control character" in str(caught.value)
    rec = create_patient(ws, admin, BASE).value
    with pytest.raises(ValidationError) as caught:
        patient_lists.add_care_team_member(
            ws, admin, rec.id, CareTeamDraft(name="Dr \x1b[2JWho", role="podiatrist")
        )
    assert caught.value.field == "name"
    assert _count(ws, "care_team_member") == 0


def test_ordinary_names_from_every_script_pass():
    for name in ("Zoë O'Brien-Smith", "Nguyễn Thị Lan", "محمد", "李小龙", "Ngāti", "می‌خواهم"):
        assert text_problem(name, "name") is None, name


def test_the_csv_import_rejects_the_same_characters_with_the_line(ws, admin, tmp_path):
    source = tmp_path / "hostile.csv"
    source.write_text(
        "Surname,First name,DOB\n"
        "Lee,Ann\x1b[31m,01/02/1950\n"
        "Lee,Bea\x07,02/02/1950\n"
        '"Lee\nSwallowed",Cat,03/02/1950\n'
        "Lee,Dee\x08,04/02/1950\n"
        "Lee,Eve,05/02/1950\n",
        encoding="utf-8",
    )
    mapping = patient_import.guess_mapping(patient_import.read_csv(source).headers)
    plan = patient_import.validate(ws, admin, source, mapping)
    assert plan.accepted_count == 1
    reasons = {r.line: r.reasons for r in plan.rejected}
    assert set(reasons) == {2, 3, 4, 6}
    assert "given name contains an invisible control character (U+001B" in reasons[2][0]
    assert "U+0007" in reasons[3][0]
    assert "family name must be on one line" in reasons[4][0]
    assert "U+0008" in reasons[6][0]
    patient_import.import_rows(ws, admin, plan, all_or_nothing=False)
    assert _count(ws) == 1


def test_staff_names_refuse_control_characters(ws, admin):
    for full_name in ("Nurse \x1b]0;pwned\x07", "Line\nBreak", "Bad \ud800"):
        with pytest.raises(ValidationError) as caught:
            accounts.add_user(ws, admin, username="n.one", full_name=full_name,
                              role=Role.NURSE, password="a long enough phrase")  # fmt: skip
        assert caught.value.field == "full_name"
    for username in ("n\x1bone", "n.one\x00", "n.\u202eone"):
        with pytest.raises(ValidationError) as caught:
            accounts.add_user(ws, admin, username=username, full_name="N One",
                              role=Role.NURSE, password="a long enough phrase")  # fmt: skip
        assert caught.value.field == "username"
    with pytest.raises(ValidationError) as caught:
        accounts.add_user(ws, admin, username="n.one", full_name="N One",
                          role=Role.NURSE, password="broken \ud800 phrase")  # fmt: skip
    assert caught.value.field == "password"
    row = accounts.add_user(ws, admin, username="n.one", full_name="N One", role=Role.NURSE,
                            password="a long enough phrase").value  # fmt: skip
    with pytest.raises(ValidationError):
        accounts.update_user(ws, admin, row.id, full_name="N \x1b One")
    assert {u.full_name for u in accounts.list_users(ws, admin)} == {"Alex Admin", "N One"}


def test_broken_unicode_at_sign_in_is_a_failed_sign_in_not_a_crash(ws):
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, "admin\ud800", "whatever it is")
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, "admin", "broken \ud800")
    assert accounts.find_user_id(ws, "ad\udc00min") is None


def test_a_password_typed_as_the_user_name_is_never_stored(ws, admin):
    typed = "Tr0ub4dor&3 horse"
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, typed, "")
    rows, _total = audit.list_events(ws, admin, limit=50)
    failed = [r for r in rows if r.action == "failed_login"]
    assert failed and failed[0].actor_name == "unknown user"
    for r in rows:
        assert typed.lower() not in f"{r.actor_name} {r.detail}".lower()
    with ws.raw_connection() as conn:
        stored = " ".join(
            str(v) for row in conn.execute("SELECT * FROM audit_event").fetchall() for v in row
        )
    assert typed.lower() not in stored.lower()


def test_broken_unicode_that_reaches_a_query_is_a_plain_refusal_not_a_crash(ws, admin):
    # The audit screen's "who" filter is free text with no field rule of its own: the store
    # turns the driver's UnicodeEncodeError into a message.
    with pytest.raises(ValidationError, match="broken character"):
        audit.list_events(ws, admin, actor_text="adm\ud800")


def test_cli_audit_list_shows_unknown_user_not_the_typed_password(
    new_practice, monkeypatch, capsys
):
    import io

    from carecoord_desktop import cli
    from tests_support import ADMIN_PASSWORD

    typed = "Tr0ub4dor&3 horse"
    with pytest.raises(LoginFailedError):
        accounts.authenticate(new_practice.workspace, typed, "x")
    folder = new_practice.workspace.folder
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    code = cli.main(["--workspace", str(folder), "audit", "list", "--as", "admin",
                     "--password-stdin"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == 0 and "unknown user" in out
    assert typed.lower() not in out.lower()


@pytest.mark.parametrize("multiline", [False, True])
def test_the_fast_check_lets_through_nothing_the_worded_check_refuses(multiline):
    from carecoord_desktop.services.patients import rules as patient_rules

    pattern = patient_rules._SUSPECT_MULTI_LINE if multiline else patient_rules._SUSPECT_ONE_LINE
    passed = "".join(ch for ch in map(chr, range(0x110000)) if not pattern.search(ch))
    assert len(passed) > 1_000_000
    assert patient_rules.worded_problem(passed, "x", multiline=multiline) is None
