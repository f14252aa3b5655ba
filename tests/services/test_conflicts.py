"""Conflicts, not lost updates: a save from a form opened before someone else's save is refused.

"Two sessions" are two Workspace objects on the same folder in one process (two windows);
"two processes" are child processes (tests/services/_conflict_writer.py) with the workspace
open, as a second computer on a shared folder. In every case the first save stays intact, the
second is refused with StaleEditError naming who changed what, and nothing is silently lost.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from carecoord_desktop.errors import StaleEditError
from carecoord_desktop.models.patient import Condition
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, conflicts, settings
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import ConditionDraft, ContactDraft, PatientDraft
from carecoord_desktop.store import keystore
from carecoord_desktop.store.workspace import Workspace
from tests_support import STAFF_PASSWORD, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

CHILD = Path(__file__).with_name("_conflict_writer.py")
PHONE = "0412 345 678"


@pytest.fixture
def second(ws):
    """A second session on the same workspace folder (another window's workspace)."""
    other = Workspace.open(ws.folder, key=keystore.load_key(ws.id))
    yield other
    other.close()


@pytest.fixture
def two_staff(ws, admin):
    return staff(ws, admin, Role.NURSE, "nina.zhang"), staff(ws, admin, Role.GP, "greg.lee")


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


def _condition(ws, admin, pid, display="Asthma"):
    return patient_lists.add_condition(ws, admin, pid, ConditionDraft(display=display)).value


def _draft(row) -> ConditionDraft:
    return ConditionDraft(**{k: getattr(row, k) for k in ConditionDraft.__dataclass_fields__})


# -- two sessions --------------------------------------------------------------------------------
def test_second_patient_save_from_forms_opened_together_is_refused(ws, second, two_staff, pid):
    nurse, gp = two_staff
    in_first = patients.get_record(ws, nurse, pid)
    in_second = patients.get_record(second, gp, pid)
    patients.update_patient(
        ws, nurse, pid, replace(PatientDraft.from_record(in_first), phone=PHONE),
        version=in_first.version,
    )  # fmt: skip
    typed = replace(PatientDraft.from_record(in_second), address="1 New Street, Hobart")
    with pytest.raises(StaleEditError) as refused:
        patients.update_patient(second, gp, pid, typed, version=in_second.version)
    message = str(refused.value)
    assert message.startswith("Nina Zhang (practice nurse) changed this patient's details at ")
    assert "(phone) after you opened the form" in message
    assert "Reload to see their changes; what you typed stays on screen." in message
    assert refused.value.changed_fields == ("phone",)
    assert PHONE not in message and "Hobart" not in message  # field names only, no values
    stored = patients.get_record(ws, nurse, pid)
    assert (stored.phone, stored.address) == (PHONE, None)  # the first save is intact
    assert stored.version == in_first.version + 1
    # Reloading and saving again keeps both: nothing is lost.
    reloaded = patients.get_record(second, gp, pid)
    both = patients.update_patient(
        second, gp, pid, replace(PatientDraft.from_record(reloaded), address=typed.address),
        version=reloaded.version,
    ).value  # fmt: skip
    assert (both.phone, both.address) == (PHONE, typed.address)


def test_the_same_user_in_two_windows_is_told_it_was_them(ws, second, admin, pid):
    first = patients.get_record(ws, admin, pid)
    patients.update_patient(
        ws, admin, pid, replace(PatientDraft.from_record(first), email="ada@example.org"),
        version=first.version,
    )  # fmt: skip
    with pytest.raises(StaleEditError, match=r"^You \(in another window\) changed .*\(e-?mail\)"):
        patients.update_patient(
            second, admin, pid, PatientDraft.from_record(first), version=first.version
        )


def test_a_save_with_the_current_version_goes_through_and_moves_it_on(ws, admin, pid):
    rec = patients.get_record(ws, admin, pid)
    once = patients.update_patient(
        ws, admin, pid, replace(PatientDraft.from_record(rec), phone=PHONE), version=rec.version
    ).value
    twice = patients.update_patient(
        ws, admin, pid, replace(PatientDraft.from_record(once), phone=None), version=once.version
    ).value
    assert (rec.version, once.version, twice.version) == (1, 2, 3)
    assert twice.phone is None


def test_second_list_row_save_is_refused_and_the_first_kept(ws, second, two_staff, admin, pid):
    nurse, gp = two_staff
    row = _condition(ws, admin, pid)
    patient_lists.update_condition(
        ws, nurse, row.id, replace(_draft(row), status="resolved"), version=row.version
    )
    with pytest.raises(StaleEditError, match=r"^Nina Zhang .* changed this condition .*\(status\)"):
        patient_lists.update_condition(
            second, gp, row.id, replace(_draft(row), display="Severe asthma"), version=row.version
        )
    with pytest.raises(StaleEditError):  # a removal from the stale list is refused too
        patient_lists.remove_condition(second, gp, row.id, version=row.version)
    (kept,) = patients.get_record(ws, admin, pid).conditions
    assert (kept.display, kept.status, kept.version) == ("Asthma", "resolved", row.version + 1)


def test_editing_a_row_someone_removed_says_it_was_removed(ws, second, two_staff, admin, pid):
    nurse, gp = two_staff
    contact = patient_lists.add_contact(ws, admin, pid, ContactDraft(name="Ben Quill")).value
    patient_lists.remove_contact(ws, nurse, contact.id, version=contact.version)
    with pytest.raises(StaleEditError) as refused:
        patient_lists.update_contact(
            second, gp, contact.id, ContactDraft(name="Benjamin Quill"), version=contact.version
        )
    assert refused.value.removed
    assert str(refused.value).startswith("Nina Zhang (practice nurse) removed this contact at ")
    assert patients.get_record(ws, admin, pid).contacts == []  # not brought back by the edit


def test_a_row_changed_between_read_and_write_is_refused_in_sql(ws, second, admin, pid):
    """The ORM's compare-and-set ("... AND version = :seen"), past the early version check:
    a session that read the row before another one saved it updates 0 rows."""
    row = _condition(ws, admin, pid)
    target = conflicts.Target("condition", row.id, "this condition")
    with ws.session() as session:
        stale = session.get(Condition, row.id)
        patient_lists.update_condition(
            second, admin, row.id, replace(_draft(row), onset=date(2020, 1, 1)),
            version=row.version,
        )  # fmt: skip
        stale.display = "Overwritten"
        session.add(stale)
        with (
            pytest.raises(StaleEditError, match=r"changed this condition .*\(onset\)"),
            conflicts.refused_if_stale(ws, admin, target),
        ):
            session.commit()
    (kept,) = patients.get_record(ws, admin, pid).conditions
    assert (kept.display, kept.onset) == ("Asthma", date(2020, 1, 1))


# -- bulk updates move the version on ------------------------------------------------------------
def test_a_merge_makes_open_edits_of_the_moved_rows_stale(ws, admin, pid):
    twin = PatientDraft(given_name="Ada", family_name="Quil", date_of_birth=date(1948, 3, 9))
    other = patients.create_patient(ws, admin, twin, confirm_duplicates=True).value.id
    row = _condition(ws, admin, other, "Gout")
    before = patients.get_record(ws, admin, pid)
    patients.merge_patients(ws, admin, pid, other)
    with pytest.raises(StaleEditError, match="changed this condition"):
        patient_lists.update_condition(ws, admin, row.id, _draft(row), version=row.version)
    with pytest.raises(StaleEditError, match="merged in another record"):
        patients.update_patient(
            ws, admin, pid, PatientDraft.from_record(before), version=before.version
        )
    with ws.session() as session:
        moved = session.execute(text("SELECT patient_id, version FROM condition")).one()
    assert tuple(moved) == (pid, row.version + 1)


def test_archiving_makes_an_open_details_form_stale(ws, admin, pid):
    opened = patients.get_record(ws, admin, pid)
    patients.archive_patient(ws, admin, pid, "moved away")
    patients.unarchive_patient(ws, admin, pid)
    unarchived = r"changed this patient's details .*\(unarchived a patient record\)"
    with pytest.raises(StaleEditError, match=unarchived):
        patients.update_patient(
            ws, admin, pid, PatientDraft.from_record(opened), version=opened.version
        )


def test_adding_an_allergy_that_ends_no_known_allergies_is_named(ws, second, two_staff, pid):
    from carecoord_desktop.services.patients.types import AllergyDraft

    _nurse, gp = two_staff
    patients.record_no_known_allergies(ws, gp, pid)
    opened = patients.get_record(second, gp, pid)
    patient_lists.add_allergy(ws, gp, pid, AllergyDraft(substance="Penicillin"))
    added = r"changed this patient's details .*\(added an allergy\)"
    with pytest.raises(StaleEditError, match=added):
        patients.update_patient(
            second, gp, pid, PatientDraft.from_record(opened), version=opened.version
        )
    assert patients.get_record(ws, gp, pid).allergy_status == "not_recorded"


# -- staff accounts and practice settings --------------------------------------------------------
def test_second_account_edit_is_refused_but_a_sign_in_does_not_make_it_stale(ws, second, admin):
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    other_admin = staff(ws, admin, Role.ADMIN, "ann.admin")
    (row,) = [u for u in accounts.list_users(ws, admin) if u.id == nurse.user_id]
    accounts.authenticate(second, "nina.zhang", STAFF_PASSWORD)  # sign-in bookkeeping only
    accounts.update_user(ws, admin, row.id, role=Role.COORDINATOR, version=row.version)
    with pytest.raises(StaleEditError, match=r"^Alex Admin .* changed this account .*role changed"):
        accounts.update_user(second, other_admin, row.id, active=False, version=row.version)
    (kept,) = [u for u in accounts.list_users(ws, admin) if u.id == nurse.user_id]
    assert (kept.role, kept.active, kept.version) == (Role.COORDINATOR, True, row.version + 1)


def test_second_settings_save_is_refused_and_the_first_kept(ws, second, admin):
    opened = settings.load(ws)
    settings.update(ws, admin, idle_lock_minutes=7, version=opened.version)
    with pytest.raises(StaleEditError, match=r"changed the practice settings .*screen lock"):
        settings.update(second, admin, practice_name="Other name", version=opened.version)
    now = settings.load(second)
    assert (now.practice_name, now.idle_lock_minutes) == (opened.practice_name, 7)
    again = settings.update(second, admin, backups_kept=9, version=now.version).value
    assert (again.idle_lock_minutes, again.backups_kept) == (7, 9)


# -- two processes -------------------------------------------------------------------------------
class Child:
    """A second app's edit form in another process: it opens the record, then saves on "go"."""

    def __init__(self, ws, **job) -> None:
        key = keystore.load_key(ws.id)
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        job = {"folder": str(ws.folder), "key": key.hex(), "password": STAFF_PASSWORD, **job}
        self.send(json.dumps(job))
        self.opened = self.result()

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def result(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended: {self.proc.stderr.read()[-2000:]}")
        return json.loads(line)

    def save(self) -> dict:
        self.send("go")
        out = self.result()
        self.proc.stdin.close()
        assert self.proc.wait(timeout=120) == 0
        return out


def test_a_second_process_saving_after_this_one_is_refused(ws, two_staff, pid):
    nurse, _gp = two_staff
    child = Child(ws, kind="patient", patient_id=pid, username="greg.lee",
                  values={"address": "9 Other Road"})  # fmt: skip
    opened = patients.get_record(ws, nurse, pid)
    assert child.opened == {"version": opened.version}
    patients.update_patient(
        ws, nurse, pid, replace(PatientDraft.from_record(opened), phone=PHONE),
        version=opened.version,
    )  # fmt: skip
    result = child.save()
    assert result["refused"] == "StaleEditError"
    assert result["message"].startswith("Nina Zhang (practice nurse) changed this patient's")
    assert "(phone)" in result["message"]
    stored = patients.get_record(ws, nurse, pid)
    assert (stored.phone, stored.address) == (PHONE, None)


def test_this_process_saving_after_a_second_one_is_refused(ws, two_staff, admin, pid):
    nurse, _gp = two_staff
    row = _condition(ws, admin, pid)
    child = Child(ws, kind="condition", id=row.id, patient_id=pid, username="greg.lee",
                  values={"status": "inactive"})  # fmt: skip
    assert child.save() == {"saved": row.version + 1}
    with pytest.raises(StaleEditError, match=r"^Greg Lee \(GP\) changed this condition .*status"):
        patient_lists.update_condition(
            ws, nurse, row.id, replace(_draft(row), display="Asthma, mild"), version=row.version
        )
    (kept,) = patients.get_record(ws, admin, pid).conditions
    assert (kept.display, kept.status) == ("Asthma", "inactive")


def test_two_processes_saving_at_once_one_saves_and_the_other_is_refused(ws, two_staff, pid):
    children = [
        Child(ws, kind="patient", patient_id=pid, username=name, values=values)
        for name, values in (
            ("nina.zhang", {"phone": PHONE}),
            ("greg.lee", {"address": "9 Other Road"}),
        )
    ]
    for child in children:
        child.send("go")  # both released before either answers
    results = [child.result() for child in children]
    for child in children:
        child.proc.stdin.close()
        assert child.proc.wait(timeout=120) == 0
    saved = [r for r in results if "saved" in r]
    refused = [r for r in results if "refused" in r]
    assert len(saved) == 1 and [r["refused"] for r in refused] == ["StaleEditError"]
    stored = patients.get_record(ws, two_staff[0], pid)
    winner = results.index(saved[0])
    assert (stored.phone, stored.address) == ((PHONE, None), (None, "9 Other Road"))[winner]
    assert stored.version == 2


# -- the migration -------------------------------------------------------------------------------
def test_migration_0008_gives_existing_rows_version_1_and_keeps_the_triggers(ws, admin, pid):
    from alembic import command

    from carecoord_desktop.store import migrate

    _condition(ws, admin, pid)

    def triggers():
        with ws.session() as session:
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            return session.execute(text(sql)).all()

    before = triggers()
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0007")
    with ws.session() as session:
        columns = {r[1] for r in session.execute(text("PRAGMA table_info(patient)"))}
    assert "version" not in columns
    migrate.upgrade(ws.engine)
    assert triggers() == before
    rec = patients.get_record(ws, admin, pid)
    assert (rec.version, rec.conditions[0].version) == (1, 1)
    saved = patients.update_patient(
        ws, admin, pid, replace(PatientDraft.from_record(rec), family_name="Quillon"), version=1
    ).value
    assert saved.version == 2
    with ws.session() as session:  # the spelling index's trigger still follows name changes
        words = session.execute(
            text("SELECT names FROM patient_name_words WHERE patient_name_words MATCH 'quillon'")
        ).all()
    assert len(words) == 1


# -- every role that edits ------------------------------------------------------------------------
EDITORS = [Role.RECEPTION, Role.COORDINATOR, Role.NURSE, Role.GP, Role.ADMIN]


@pytest.mark.parametrize("role", EDITORS)
def test_every_role_that_edits_details_meets_the_conflict(ws, second, admin, pid, role):
    editor = staff(ws, admin, role, "the.editor")
    opened = patients.get_record(second, editor, pid)
    contact = patient_lists.add_contact(ws, editor, pid, ContactDraft(name="Ben Quill")).value
    patients.update_patient(
        ws, admin, pid, replace(PatientDraft.from_record(opened), phone=PHONE),
        version=opened.version,
    )  # fmt: skip
    patient_lists.update_contact(
        ws, admin, contact.id, ContactDraft(name="Ben Quill", phone=PHONE), version=contact.version
    )
    with pytest.raises(StaleEditError, match=r"^Alex Admin \(administrator\) changed"):
        patients.update_patient(
            second, editor, pid, PatientDraft.from_record(opened), version=opened.version
        )
    with pytest.raises(StaleEditError, match=r"changed this contact .*\(phone\)"):
        patient_lists.update_contact(
            second, editor, contact.id, ContactDraft(name="Ben"), version=contact.version
        )
    rec = patients.get_record(ws, admin, pid)
    assert (rec.phone, rec.contacts[0].name, rec.contacts[0].phone) == (PHONE, "Ben Quill", PHONE)


def test_an_allergy_added_while_the_patient_changes_is_refused_not_half_saved(
    ws, second, admin, pid, monkeypatch
):
    """Adding an allergy writes the patient row too (it ends "no known allergies"): another
    save of the patient between the read and the write is not overwritten."""
    from carecoord_desktop.services.patients.types import AllergyDraft

    patients.record_no_known_allergies(ws, admin, pid)
    real = patient_lists.editable_patient

    def another_save_meanwhile(session, patient_id):
        patient = real(session, patient_id)
        rec = patients.get_record(second, admin, pid)
        patients.update_patient(
            second, admin, pid, replace(PatientDraft.from_record(rec), phone=PHONE),
            version=rec.version,
        )  # fmt: skip
        return patient

    monkeypatch.setattr(patient_lists, "editable_patient", another_save_meanwhile)
    with pytest.raises(StaleEditError, match=r"changed this patient's details .*\(phone\)"):
        patient_lists.add_allergy(ws, admin, pid, AllergyDraft(substance="Penicillin"))
    monkeypatch.undo()
    rec = patients.get_record(ws, admin, pid)
    assert (rec.phone, rec.allergies, rec.allergy_status) == (PHONE, [], "none_known")


def test_a_password_change_while_an_administrator_edits_the_account_is_refused(
    ws, second, admin, monkeypatch
):
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    real = accounts.hash_password

    def admin_resets_meanwhile(password: str) -> str:
        monkeypatch.setattr(accounts, "hash_password", real)  # once: the reset hashes too
        accounts.reset_password(second, admin, nurse.user_id, "temporary phrase 42")
        return real(password)

    monkeypatch.setattr(accounts, "hash_password", admin_resets_meanwhile)
    with pytest.raises(StaleEditError, match=r"^Alex Admin .* changed your account .*password re"):
        accounts.change_password(ws, nurse, STAFF_PASSWORD, "my own new phrase 7")
    monkeypatch.undo()
    # The administrator's temporary password holds; the user's change was not half applied.
    assert accounts.authenticate(ws, "nina.zhang", "temporary phrase 42").user_id == nurse.user_id
