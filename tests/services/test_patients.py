"""The patient record on a real encrypted workspace: validation, duplicates, edits, archive,
merge, the record's lists, roles, and the audit trail behind every view and change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from alembic import command

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.patient import AcdStatus, ContactMethod, HospitalEventKind
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit, csv_reading
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.record import PatientDraft, PossibleDuplicateError
from carecoord_desktop.services.patients.rules import typed_date
from carecoord_desktop.services.patients.types import (
    AllergyDraft,
    CareTeamDraft,
    ConditionDraft,
    ContactDraft,
    HospitalEventDraft,
)
from carecoord_desktop.store import migrate, search_sql
from carecoord_desktop.store.workspace import Workspace
from tests_support import staff

GOOD_MEDICARE = "2123 45670 1"  # check digit 0 over 2123 4567
OTHER_MEDICARE = "3123456712"
DRAFT = PatientDraft(
    given_name="Zoë",
    family_name="O'Brien",
    date_of_birth=date(1948, 3, 7),
    medicare_number=GOOD_MEDICARE,
    phone="0491 570 006",
    email="zoe@example.com",
)


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def last_id(ws: Workspace) -> int:
    with ws.raw_connection() as conn:
        return conn.execute("SELECT COALESCE(max(id), 0) FROM audit_event").fetchone()[0]


def events(ws: Workspace, since: int = 0) -> list[tuple]:
    """(action, patient_id, record_type, record_id, detail) after audit row `since`."""
    with ws.raw_connection() as conn:
        rows = conn.execute(
            "SELECT action, patient_id, record_type, record_id, detail FROM audit_event "
            "WHERE id > ? ORDER BY id",
            (since,),
        ).fetchall()
    return [tuple(r) for r in rows]


def patient_count(ws: Workspace) -> int:
    with ws.raw_connection() as conn:
        return conn.execute("SELECT count(*) FROM patient").fetchone()[0]


# -- validation ----------------------------------------------------------------------------------
def test_medicare_check_digit():
    assert patients.medicare_valid("2123456701")
    assert patients.medicare_valid(GOOD_MEDICARE)
    assert patients.medicare_valid("21234567011")  # with the reference number (IRN)
    assert patients.medicare_valid(OTHER_MEDICARE)
    assert not patients.medicare_valid("2123456711")  # wrong check digit
    assert not patients.medicare_valid("212345670")  # too short
    assert not patients.medicare_valid("212345670112")  # too long
    assert not patients.medicare_valid("21234x6701")


TOO_OLD = date.today().replace(year=date.today().year - 121)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_name": "  "}, "given_name"),
        ({"family_name": ""}, "family_name"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"date_of_birth": date.today() + timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth"),
        ({"date_of_birth": TOO_OLD}, "date_of_birth"),
        ({"medicare_number": "2123 45671 1"}, "medicare_number"),
        ({"medicare_number": "1234"}, "medicare_number"),
        ({"practice_id": "X123"}, "practice_id"),
        ({"practice_id": "P12345"}, "practice_id"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+44 20 7946 0000"}, "phone"),
        ({"email": "zoe.example.com"}, "email"),
        ({"acd_date": date.today() + timedelta(days=3)}, "acd_date"),
        ({"housing": "x" * 501}, "housing"),
        ({"family_name": "x" * 81}, "family_name"),
        ({"coordinator_id": 9999}, "coordinator_id"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(ws, admin, changes, field):
    before, mark = patient_count(ws), last_id(ws)
    with pytest.raises(ValidationError) as caught:
        patients.create_patient(ws, admin, PatientDraft(**{**DRAFT.__dict__, **changes}))
    assert caught.value.field == field
    assert str(caught.value)
    assert patient_count(ws) == before
    assert events(ws, mark) == []


def test_create_assigns_practice_id_normalises_and_audits(ws, admin):
    mark = last_id(ws)
    rec = patients.create_patient(
        ws,
        admin,
        PatientDraft(
            **{
                **DRAFT.__dict__,
                "phone": "+61 491 570 006",
                "acd_status": AcdStatus.DOCUMENTED,
                "acd_date": date(2024, 5, 1),
                "acd_location": "copy in the kitchen drawer",
                "preferred_language": "Greek",
                "interpreter_needed": True,
                "housing": "rents a unit, stairs",
            }
        ),
    ).value
    assert rec.practice_id == "P000001"
    assert rec.medicare_number == "2123456701"
    assert rec.display_name == "O'BRIEN, Zoë"
    assert rec.interpreter_needed and rec.acd_status == AcdStatus.DOCUMENTED
    assert rec.risk_tier in registry.RISK_TIERS
    second = patients.create_patient(
        ws, admin, PatientDraft("Sam", "Lee", date(1960, 1, 2), practice_id="p000042")
    ).value
    assert second.practice_id == "P000042"
    third = patients.create_patient(ws, admin, PatientDraft("Ann", "Lee", date(1961, 1, 2))).value
    assert third.practice_id == "P000043"
    assert events(ws, mark)[0] == ("create", rec.id, "patient", str(rec.id), "created record")
    with pytest.raises(ValidationError) as caught:
        patients.create_patient(
            ws, admin, PatientDraft("Bo", "Ng", date(1970, 1, 1), practice_id="P000042")
        )
    assert caught.value.field == "practice_id"


# -- duplicates ----------------------------------------------------------------------------------
def test_duplicate_by_name_and_dob_is_shown_before_saving(ws, admin):
    first = patients.create_patient(ws, admin, DRAFT).value
    again = PatientDraft("zoe", "o'brien", date(1948, 3, 7))  # case and accents folded
    before, mark = patient_count(ws), last_id(ws)
    with pytest.raises(PossibleDuplicateError) as caught:
        patients.create_patient(ws, admin, again)
    assert events(ws, mark) == [
        (
            "view",
            None,
            "patient_duplicates",
            None,
            f"duplicate check: 1 candidate(s) (records {first.id})",
        )
    ]
    assert [(c.id, c.reason) for c in caught.value.candidates] == [
        (first.id, "same name and date of birth")
    ]
    assert caught.value.candidates[0].practice_id == first.practice_id
    assert patient_count(ws) == before
    assert patients.find_duplicates(ws, admin, again) == caught.value.candidates
    assert patients.find_duplicates(ws, admin, again, exclude_id=first.id) == []
    saved = patients.create_patient(ws, admin, again, confirm_duplicates=True).value
    assert saved.id != first.id and patient_count(ws) == before + 1


def test_duplicate_by_medicare_number(ws, admin):
    first = patients.create_patient(ws, admin, DRAFT).value
    other = PatientDraft("Pat", "Other", date(1990, 1, 1), medicare_number="2123456701")
    with pytest.raises(PossibleDuplicateError) as caught:
        patients.create_patient(ws, admin, other)
    assert [(c.id, c.reason) for c in caught.value.candidates] == [
        (first.id, "same Medicare number")
    ]
    assert patients.create_patient(ws, admin, other, confirm_duplicates=True).value.id != first.id


def test_family_members_on_one_medicare_card_are_not_duplicates(ws, admin):
    patients.create_patient(
        ws, admin, PatientDraft(**{**DRAFT.__dict__, "medicare_number": "21234567011"})
    )
    child = PatientDraft("Mia", "O'Brien", date(2015, 6, 1), medicare_number="21234567012")
    assert patients.find_duplicates(ws, admin, child) == []


def test_duplicate_by_practice_id_is_found(ws, admin):
    first = patients.create_patient(ws, admin, DRAFT).value
    found = patients.find_duplicates(
        ws, admin, PatientDraft("X", "Y", date(2000, 1, 1), practice_id=first.practice_id)
    )
    assert [(c.id, c.reason) for c in found] == [(first.id, "same practice ID")]


# -- view, update, archive -----------------------------------------------------------------------
def test_every_view_is_audited_with_the_patient_id(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    for who in (admin, reception):
        mark = last_id(ws)
        assert patients.get_record(ws, who, rec.id).id == rec.id
        assert events(ws, mark) == [("view", rec.id, "patient", str(rec.id), "opened record")]


def test_update_audits_changed_field_names_never_values(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    mark = last_id(ws)
    draft = patients.PatientDraft.from_record(rec)
    new = patients.update_patient(
        ws,
        admin,
        rec.id,
        PatientDraft(**{**draft.__dict__, "phone": "0491 570 156", "finances": "pension only"}),
    ).value
    assert new.phone == "0491 570 156" and new.finances == "pension only"
    assert new.practice_id == rec.practice_id
    ((action, pid, _, _, detail),) = events(ws, mark)
    assert (action, pid, detail) == ("update", rec.id, "changed: phone, finances")
    assert "0491" not in detail and "pension" not in detail
    mark = last_id(ws)
    patients.update_patient(ws, admin, rec.id, patients.PatientDraft.from_record(new))
    assert events(ws, mark) == []  # nothing changed, nothing written


def test_update_checks_duplicates_when_identity_changes(ws, admin):
    first = patients.create_patient(ws, admin, DRAFT).value
    second = patients.create_patient(ws, admin, PatientDraft("Sam", "Lee", date(1960, 1, 2))).value
    draft = PatientDraft("Zoe", "OBrien", date(1960, 1, 2), medicare_number=GOOD_MEDICARE)
    with pytest.raises(PossibleDuplicateError) as caught:
        patients.update_patient(ws, admin, second.id, draft)
    assert [c.id for c in caught.value.candidates] == [first.id]
    assert patients.get_record(ws, admin, second.id).family_name == "Lee"
    saved = patients.update_patient(ws, admin, second.id, draft, confirm_duplicates=True).value
    assert saved.family_name == "OBrien"


def test_archive_keeps_everything_and_marks_it(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    patient_lists.add_condition(ws, admin, rec.id, ConditionDraft("Heart failure"))
    with pytest.raises(ValidationError, match="reason") as caught:
        patients.archive_patient(ws, admin, rec.id, "  ")
    assert caught.value.field == "reason" and not patients.get_record(ws, admin, rec.id).archived
    mark = last_id(ws)
    archived = patients.archive_patient(ws, admin, rec.id, "Moved to Perth").value
    assert archived.archived and archived.archived_at is not None
    assert archived.archive_reason == "Moved to Perth"
    # The reason is patient information: the audit says one was given, not what it was.
    assert events(ws, mark) == [
        ("update", rec.id, "patient", str(rec.id), "archived (reason recorded)")
    ]
    full = patients.get_record(ws, admin, rec.id)
    assert full.archived and [c.display for c in full.conditions] == ["Heart failure"]
    assert full.given_name == "Zoë" and full.medicare_number == "2123456701"
    with pytest.raises(ValidationError, match="unarchive"):
        patients.update_patient(ws, admin, rec.id, PatientDraft.from_record(full))
    listed = patients.list_archived(ws, admin)
    assert [(a.id, a.practice_id, a.reason, a.merged_into) for a in listed] == [
        (rec.id, rec.practice_id, "Moved to Perth", None)
    ]
    assert events(ws, last_id(ws) - 1)[-1][2:] == (
        "patient_list",
        None,
        "archived patients listed: 1",
    )
    back = patients.unarchive_patient(ws, admin, rec.id).value
    assert not back.archived and back.archive_reason is None
    assert patients.list_archived(ws, admin) == []
    assert registry.query_ids(ws, admin, registry.PatientFilter()) == [rec.id]


# -- the record's lists --------------------------------------------------------------------------
def test_lists_are_validated_and_audited_with_record_ids(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    mark = last_id(ws)
    cond = patient_lists.add_condition(
        ws,
        admin,
        rec.id,
        ConditionDraft("Type 2 diabetes", "http://snomed.info/sct", "44054006", date(2010, 1, 1)),
    ).value
    allergy = patient_lists.add_allergy(
        ws, admin, rec.id, AllergyDraft("Penicillin", "Rash", "mild")
    ).value
    contact = patient_lists.add_contact(
        ws, admin, rec.id, ContactDraft("Kim O'Brien", "daughter", "0491 570 157", None, True)
    ).value
    member = patient_lists.add_care_team_member(
        ws,
        admin,
        rec.id,
        CareTeamDraft(
            "Dr Jo Patel",
            "cardiologist",
            organisation="City Heart",
            email="jo@example.org",
            preferred_contact=ContactMethod.EMAIL,
        ),
    ).value
    event = patient_lists.add_hospital_event(
        ws,
        admin,
        rec.id,
        HospitalEventDraft(HospitalEventKind.ADMISSION, date(2025, 1, 3), date(2025, 1, 9)),
    ).value
    full = patients.get_record(ws, admin, rec.id)
    assert [c.id for c in full.conditions] == [cond.id]
    assert full.allergies == [allergy] and full.contacts == [contact]
    assert full.care_team == [member] and full.hospital_events == [event]
    assert [(e[0], e[1], e[2], e[3]) for e in events(ws, mark)[:5]] == [
        ("create", rec.id, "condition", str(cond.id)),
        ("create", rec.id, "allergy", str(allergy.id)),
        ("create", rec.id, "patient_contact", str(contact.id)),
        ("create", rec.id, "care_team_member", str(member.id)),
        ("create", rec.id, "hospital_event", str(event.id)),
    ]
    mark = last_id(ws)
    resolved = ConditionDraft(
        "Type 2 diabetes", "http://snomed.info/sct", "44054006", date(2010, 1, 1), "resolved"
    )
    changed = patient_lists.update_condition(ws, admin, cond.id, resolved).value
    assert changed.status == "resolved"
    patient_lists.remove_allergy(ws, admin, allergy.id)
    assert events(ws, mark) == [
        ("update", rec.id, "condition", str(cond.id), "changed: status"),
        ("delete", rec.id, "allergy", str(allergy.id), "removed allergy"),
    ]

    bad = [
        (
            lambda: patient_lists.add_condition(ws, admin, rec.id, ConditionDraft(" ")).value,
            "display",
        ),
        (
            lambda: (
                patient_lists.add_condition(
                    ws, admin, rec.id, ConditionDraft("Asthma", onset=date(1940, 1, 1))
                ).value
            ),
            "onset",
        ),
        (
            lambda: (
                patient_lists.add_condition(
                    ws, admin, rec.id, ConditionDraft("Asthma", status="cured")
                ).value
            ),
            "status",
        ),
        (
            lambda: (
                patient_lists.add_condition(
                    ws, admin, rec.id, ConditionDraft("Asthma", code="1")
                ).value
            ),
            "code_system",
        ),
        (lambda: patient_lists.add_allergy(ws, admin, rec.id, AllergyDraft("")).value, "substance"),
        (
            lambda: (
                patient_lists.add_allergy(
                    ws, admin, rec.id, AllergyDraft("Latex", None, "awful")
                ).value
            ),
            "severity",
        ),
        (
            lambda: (
                patient_lists.add_care_team_member(
                    ws, admin, rec.id, CareTeamDraft("Al", "podiatrist")
                ).value
            ),
            "phone",
        ),
        (
            lambda: (
                patient_lists.add_hospital_event(
                    ws,
                    admin,
                    rec.id,
                    HospitalEventDraft(
                        HospitalEventKind.ED_VISIT, date(2025, 2, 5), date(2025, 2, 1)
                    ),
                ).value
            ),
            "end_date",
        ),
        (
            lambda: (
                patient_lists.add_hospital_event(
                    ws,
                    admin,
                    rec.id,
                    HospitalEventDraft(
                        HospitalEventKind.ED_VISIT, date.today() + timedelta(days=1)
                    ),
                ).value
            ),
            "start_date",
        ),
        (
            lambda: (
                patient_lists.add_contact(ws, admin, rec.id, ContactDraft("A", phone="1")).value
            ),
            "phone",
        ),
    ]
    mark = last_id(ws)
    for call, field in bad:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.field == field
    assert events(ws, mark) == []


def test_reception_edits_demographics_and_contacts_but_not_clinical_lists(ws, admin):
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    rec = patients.create_patient(ws, reception, DRAFT).value
    patient_lists.add_contact(ws, reception, rec.id, ContactDraft("Kim", "daughter", is_carer=True))
    mark = last_id(ws)
    with pytest.raises(PermissionDeniedError):
        patient_lists.add_condition(ws, reception, rec.id, ConditionDraft("Asthma"))
    with pytest.raises(PermissionDeniedError):
        patient_lists.add_allergy(ws, reception, rec.id, AllergyDraft("Latex"))
    with pytest.raises(PermissionDeniedError):
        patient_lists.add_hospital_event(
            ws, reception, rec.id, HospitalEventDraft(HospitalEventKind.ED_VISIT, date(2025, 1, 1))
        )
    assert events(ws, mark) == []
    nurse = staff(ws, admin, Role.NURSE, "nina")
    assert patient_lists.add_condition(ws, nurse, rec.id, ConditionDraft("Asthma")).value.id


# -- merge ---------------------------------------------------------------------------------------
def test_merge_moves_everything_keeps_both_names_and_is_audited(ws, admin):
    keep = patients.create_patient(ws, admin, DRAFT).value
    gone = patients.create_patient(
        ws,
        admin,
        PatientDraft(
            "Zoe",
            "Wexlerby",
            date(1948, 3, 7),
            medicare_number=OTHER_MEDICARE,
            address="1 Example St",
            housing="lives with son",
        ),
    ).value
    patient_lists.add_condition(ws, admin, keep.id, ConditionDraft("Asthma"))
    patient_lists.add_condition(ws, admin, gone.id, ConditionDraft("Heart failure"))
    patient_lists.add_allergy(ws, admin, gone.id, AllergyDraft("Latex"))
    patient_lists.add_contact(ws, admin, gone.id, ContactDraft("Kim", "daughter"))
    patient_lists.add_care_team_member(
        ws, admin, gone.id, CareTeamDraft("Al", "podiatrist", phone="0391234567")
    )
    patient_lists.add_hospital_event(
        ws, admin, gone.id, HospitalEventDraft(HospitalEventKind.ED_VISIT, date(2025, 1, 1))
    )
    mark = last_id(ws)
    merged = patients.merge_patients(ws, admin, keep.id, gone.id).value
    written = events(ws, mark)
    assert sorted(c.display for c in merged.conditions) == ["Asthma", "Heart failure"]
    assert [a.substance for a in merged.allergies] == ["Latex"]
    assert len(merged.contacts) == len(merged.care_team) == len(merged.hospital_events) == 1
    assert merged.previous_names == "Zoe Wexlerby"
    assert gone.practice_id in merged.previous_identifiers
    assert "3123456712" in merged.previous_identifiers
    assert merged.medicare_number == "2123456701"  # the kept record's own stays
    assert merged.address == "1 Example St" and merged.housing == "lives with son"
    old = patients.get_record(ws, admin, gone.id)
    assert old.archived and old.merged_into_id == keep.id
    assert old.conditions == [] and old.allergies == []
    assert {e[1] for e in written} == {keep.id, gone.id}
    assert all(e[0] == "update" for e in written)
    assert "Wexlerby" not in " ".join(e[4] for e in written)
    # both names find the kept record; the merged-away one is archived (hidden from the list)
    flt = registry.PatientFilter
    assert registry.query_ids(ws, admin, flt(text="wexlerby")) == [keep.id]
    assert registry.query_ids(ws, admin, flt(text="o'brien")) == [keep.id]
    with pytest.raises(ValidationError):
        patients.merge_patients(ws, admin, keep.id, keep.id)
    with pytest.raises(ValidationError):
        patients.merge_patients(ws, admin, keep.id, gone.id)
    with pytest.raises(ValidationError, match="merged"):
        patients.unarchive_patient(ws, admin, gone.id)
    assert audit.verify_chain(ws).ok


@pytest.mark.parametrize(
    ("name", "value"),
    [("functional_status", "Needs help with stairs"), ("housing", "Boarding house"),
     ("transport", "No car"), ("finances", "Pension only"), ("social_isolation", "Alone"),
     ("acd_status", AcdStatus.DOCUMENTED), ("acd_date", date(2024, 3, 1)),
     ("acd_location", "Top drawer")],
)  # fmt: skip
def test_reception_cannot_set_clinical_details_in_the_patients_details(ws, admin, name, value):
    """QA 74_rec_summary.png: reception saved functional status, social needs and the ACD."""
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    rec = patients.create_patient(ws, reception, DRAFT).value  # demographics: allowed
    draft = PatientDraft.from_record(rec)
    mark = last_id(ws)
    with pytest.raises(PermissionDeniedError, match="advance care directive"):
        patients.update_patient(ws, reception, rec.id, replace(draft, **{name: value}))
    with pytest.raises(PermissionDeniedError, match="social needs"):
        new = replace(DRAFT, given_name="Ann", **{name: value})
        patients.create_patient(ws, reception, new, confirm_duplicates=True)
    assert events(ws, mark) == []
    assert getattr(patients.get_record(ws, admin, rec.id), name) != value
    nurse = staff(ws, admin, Role.NURSE, "nina")
    assert getattr(patients.update_patient(ws, nurse, rec.id, replace(draft, **{name: value}))
                   .value, name) == value  # fmt: skip
    # What a nurse recorded does not stop reception changing the phone number.
    fresh = PatientDraft.from_record(patients.get_record(ws, reception, rec.id))
    updated = patients.update_patient(ws, reception, rec.id, replace(fresh, phone="0400 000 111"))
    assert updated.value.phone == "0400 000 111" and getattr(updated.value, name) == value


def test_merge_needs_clinical_rights(ws, admin):
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    a = patients.create_patient(ws, admin, DRAFT).value
    b = patients.create_patient(ws, admin, PatientDraft("Sam", "Lee", date(1960, 1, 2))).value
    with pytest.raises(PermissionDeniedError):
        patients.merge_patients(ws, reception, a.id, b.id)


def test_previous_names_are_searchable_and_the_chain_verifies(ws, admin):
    rec = patients.create_patient(
        ws, admin, PatientDraft(**{**DRAFT.__dict__, "previous_names": "Zoe Smith-Jones"})
    ).value
    flt = registry.PatientFilter
    assert registry.query_ids(ws, admin, flt(text="smith-jones")) == [rec.id]
    assert registry.query_ids(ws, admin, flt(text="smithjones")) == [rec.id]
    patients.update_patient(
        ws, admin, rec.id, PatientDraft(**{**DRAFT.__dict__, "previous_names": "Zoe Quill"})
    )
    assert registry.query_ids(ws, admin, flt(text="quill")) == [rec.id]
    assert registry.query_ids(ws, admin, flt(text="smith")) == []
    report = audit.verify_chain(ws)
    assert report.ok and report.rows > 0


def _fts(ws: Workspace) -> tuple[list, list]:
    with ws.raw_connection() as conn:
        fts = conn.execute(
            "SELECT rowid, names, idents, dob FROM patient_fts ORDER BY 1"
        ).fetchall()
        tri = conn.execute("SELECT rowid, names FROM patient_trigram ORDER BY 1").fetchall()
    return fts, tri


def test_search_sql_reindex_reproduces_what_the_triggers_built(ws, admin):
    patients.create_patient(
        ws, admin, PatientDraft(**{**DRAFT.__dict__, "previous_names": "Zoe Smith-Jones"})
    )
    patients.create_patient(ws, admin, PatientDraft("Sam", "Lee", date(1960, 1, 2)))
    before = _fts(ws)
    assert before[0][0][1].endswith(" Zoe Smith-Jones Zoe SmithJones")
    with ws.engine.begin() as conn:
        for sql in search_sql.reindex_statements():
            conn.exec_driver_sql(sql)
    assert _fts(ws) == before
    registry.rebuild_search_index(ws)  # the register's rebuild uses the same builders
    assert _fts(ws) == before


def test_migration_0004_downgrades_and_upgrades_with_data(ws, admin):
    rec = patients.create_patient(
        ws, admin, PatientDraft(**{**DRAFT.__dict__, "previous_names": "Zoe Quill"})
    ).value
    patient_lists.add_contact(ws, admin, rec.id, ContactDraft("Kim", "daughter"))
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0003")
    with ws.raw_connection() as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(patient)")}
    assert "previous_names" not in columns and "merged_into_id" not in columns
    assert registry.query_ids(ws, admin, registry.PatientFilter(text="quill")) == []
    assert registry.query_ids(ws, admin, registry.PatientFilter(text="o'brien")) == [rec.id]
    migrate.upgrade(ws.engine)
    assert migrate.current_revision(ws.engine) == migrate.head_revision()
    again = patients.get_record(ws, admin, rec.id)
    assert again.given_name == "Zoë" and again.previous_names is None
    assert again.acd_status == AcdStatus.NONE and not again.interpreter_needed


# -- plain messages, allergy status, the date rule -------------------------------------------
@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2123456711", "The check digit does not match"),
        ("212345670", "has 9 digits"),
        ("1123456701", "starts with 2, 3, 4, 5 or 6"),
        ("2123-456701", "only digits"),
    ],
)
def test_medicare_messages_say_what_is_wrong_in_plain_words(ws, admin, typed, says):
    with pytest.raises(ValidationError) as caught:
        patients.create_patient(
            ws, admin, PatientDraft(**{**DRAFT.__dict__, "medicare_number": typed})
        )
    assert caught.value.field == "medicare_number" and says in str(caught.value)


def test_no_known_allergies_is_a_recorded_clinical_statement(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    assert rec.allergy_status == "not_recorded" and rec.allergies == []
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    with pytest.raises(PermissionDeniedError):
        patients.record_no_known_allergies(ws, reception, rec.id)
    nurse = staff(ws, admin, Role.NURSE, "nina")
    mark = last_id(ws)
    assert (
        patients.record_no_known_allergies(ws, nurse, rec.id).value.allergy_status == "none_known"
    )
    assert events(ws, mark) == [
        ("update", rec.id, "patient", str(rec.id), "recorded: no known allergies")
    ]
    # A listed allergy ends the statement; while one is listed it cannot be made again.
    patient_lists.add_allergy(ws, nurse, rec.id, AllergyDraft("Latex", "rash", "mild"))
    assert patients.get_record(ws, nurse, rec.id).allergy_status == "not_recorded"
    with pytest.raises(ValidationError, match="Allergies are listed"):
        patients.record_no_known_allergies(ws, nurse, rec.id)
    withdrawn = patients.record_no_known_allergies(ws, nurse, rec.id, none_known=False).value
    assert withdrawn.allergy_status == "not_recorded"


def test_migration_0006_adds_allergy_status_and_archive_reason_to_existing_data(ws, admin):
    rec = patients.create_patient(ws, admin, DRAFT).value
    patients.record_no_known_allergies(ws, admin, rec.id)
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0005")
    with ws.raw_connection() as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(patient)")}
    assert not {"allergy_status", "archive_reason"} & columns
    migrate.upgrade(ws.engine)
    again = patients.get_record(ws, admin, rec.id)
    assert again.allergy_status == "not_recorded" and again.given_name == "Zoë"
    assert patients.archive_patient(ws, admin, rec.id, "Died").value.archive_reason == "Died"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("22/07/1951", date(1951, 7, 22)),
        ("2/7/1951", date(1951, 7, 2)),
        ("02/07/1951", date(1951, 7, 2)),
        ("1951-07-22", date(1951, 7, 22)),
        (" 29/02/2000 ", date(2000, 2, 29)),
        ("", None),
    ],
)
def test_a_typed_date_is_read_exactly_as_written(typed, read):
    assert typed_date(typed, "date_of_birth", "date of birth") == read


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31/02/1950", "31/02/1950 is not a real date: February 1950 has 28 days."),
        ("29/02/1900", "February 1900 has 28 days"),
        ("15/13/1950", "There is no month 13"),
        ("22/07/51", "Type the year of the date of birth in full"),
        ("22 July 1951", "Type the date of birth as day/month/year, for example 22/07/1951."),
        ("1951-02-30", "February 1951 has 28 days"),
    ],
)
def test_a_date_that_is_not_one_is_refused_in_plain_words(typed, says):
    with pytest.raises(ValidationError) as caught:
        typed_date(typed, "date_of_birth", "date of birth")
    assert caught.value.field == "date_of_birth" and says in str(caught.value)
    # The CSV import reads with the same rule: what the form refuses, it refuses too.
    if "year" not in says or "full" not in says:
        assert csv_reading.parse_date(typed, "dmy", date.today()) is None
        assert csv_reading.parse_date(typed, "ymd", date.today()) is None


def test_a_required_date_left_empty_asks_for_it():
    with pytest.raises(ValidationError, match="Enter the date of birth as day/month/year"):
        typed_date("  ", "date_of_birth", "date of birth", required=True)
    # Only the import reads two-digit years (files from other systems): the latest not ahead.
    assert csv_reading.parse_date("22/07/51", "dmy", date(2026, 1, 1)) == date(1951, 7, 22)
    assert csv_reading.parse_date("22/07/25", "dmy", date(2026, 1, 1)) == date(2025, 7, 22)
