"""The directory's CSV import (good rows in, bad rows reported with their line and why, nothing
half-imported) and the referral letter read back as text, with every print in the sharing
record and the audit log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from tests.documents.pdf_text import pages

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.patient import Medication
from carecoord_desktop.models.referral import CommunityResource
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services.patients import lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import (
    AllergyDraft,
    CareTeamDraft,
    ConditionDraft,
    PatientDraft,
)
from carecoord_desktop.services.referrals import directory, importing, letters
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft
from tests_support import staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HEADER = "Service name,Type,Phone,Suburb,Eligibility,Hours,Cost,Email\n"
GOOD = (
    'Riverbend Ride Along,Transport,(03) 5550 0101,Riverbend,"Over 65, no longer driving",'
    "Mon-Fri 8-4,Gold coin,rides@example.org\n"
    "Hilltop Meals,meals,(03) 5550 0102,Hilltop,Anyone at home after hospital,Daily,$9 a meal,\n"
)
BAD = (
    ",Transport,(03) 5550 0103,Riverbend,,,,\n"  # line 4: no name
    "Sunny Dance Club,Dancing,(03) 5550 0104,Hilltop,,,,\n"  # line 5: no such category
    "Hilltop Meals,Meals,(03) 5550 0105,hilltop,,,,\n"  # line 6: line 3 again
    "Carer Cafe,Carers support,(03) 5550 0106,Riverbend,,,,carers at example.org\n"  # line 7
)


def _csv(tmp_path, text: str, name: str = "services.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _names(ws) -> list[str]:
    with ws.session() as session:
        return sorted(r.name for r in session.exec(select(CommunityResource)))


def test_good_rows_go_in_and_each_bad_row_is_reported_with_its_line_and_reason(ws, admin, tmp_path):
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    report = importing.import_resources(ws, desk, _csv(tmp_path, HEADER + GOOD + BAD)).value
    assert _names(ws) == ["Hilltop Meals", "Riverbend Ride Along"]
    assert report.rows == 6 and len(report.added) == 2
    refused = {r.line: r.reason for r in report.refused}
    assert sorted(refused) == [4, 5, 6, 7]
    assert "name" in refused[4]
    assert "category" in refused[5] and "Carers' support" in refused[5]
    assert refused[6] == "the same service as line 3 of this file"
    assert "email" in refused[7]
    assert report.summary() == "2 services added; 4 rows refused."
    ride = directory.search_resources(ws, desk, "ride")[0]
    assert (ride.eligibility, ride.area, ride.category) == (
        "Over 65, no longer driving", "Riverbend", "transport"
    )  # fmt: skip

    again = importing.import_resources(ws, desk, _csv(tmp_path, HEADER + GOOD)).value
    assert again.added == [] and {r.reason for r in again.refused} == {"already in the directory"}
    assert _names(ws) == ["Hilltop Meals", "Riverbend Ride Along"]


def test_a_failure_part_way_adds_nothing(ws, admin, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record_many", broken)
    with pytest.raises(OSError):
        importing.import_resources(ws, admin, _csv(tmp_path, HEADER + GOOD))
    assert _names(ws) == []


def test_a_file_without_the_needed_columns_or_with_broken_rows_says_so(ws, admin, tmp_path):
    with pytest.raises(ValidationError, match="no Category column"):
        importing.import_resources(ws, admin, _csv(tmp_path, "Name,Phone\nA,1\n"))
    stray = HEADER + '"Bad Quote,Transport,1,Riverbend,,,,\n' + GOOD
    report = importing.import_resources(ws, admin, _csv(tmp_path, stray, "stray.csv")).value
    assert report.refused and "quotation mark" in report.refused[0].reason
    windows = _csv(tmp_path, HEADER + "Café Connect,Mental health,,Hilltop,,,,\n", "w.csv",
                   "cp1252")  # fmt: skip
    assert importing.import_resources(ws, admin, windows).value.added
    assert "Café Connect" in _names(ws)


def test_a_role_without_the_directory_permission_cannot_import(ws, admin, tmp_path, monkeypatch):
    from carecoord_desktop.services import permissions

    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    reduced = permissions.ROLE_PERMISSIONS[Role.RECEPTION] - {
        permissions.Permission.MANAGE_RESOURCES
    }
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.RECEPTION, reduced)
    with pytest.raises(PermissionDeniedError):
        importing.import_resources(ws, desk, _csv(tmp_path, HEADER + GOOD))


# -- the letter ------------------------------------------------------------------------------
@pytest.fixture
def referral(ws, admin) -> tuple[int, int]:
    pid = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Harold", family_name="Moss", date_of_birth=date(1951, 2, 3),
                     medicare_number="2123 45670 1"),
    ).value.id  # fmt: skip
    for display in ("Type 2 diabetes mellitus", "Hypertension", "Osteoarthritis of knee"):
        lists.add_condition(ws, admin, pid, ConditionDraft(display))
    lists.add_allergy(ws, admin, pid, AllergyDraft("Penicillin", reaction="rash"))
    with ws.write_session() as session:  # the medicines list belongs to another feature
        session.add(Medication(patient_id=pid, name="Metformin", dose="500 mg",
                               frequency="twice a day"))  # fmt: skip
        session.add(Medication(patient_id=pid, name="Perindopril", dose="5 mg"))
        session.add(Medication(patient_id=pid, name="Old drug", status="ceased"))
        session.commit()
    member = lists.add_care_team_member(
        ws, admin, pid,
        CareTeamDraft(name="Dr Lena Ortiz", role="Podiatrist", phone="(03) 5550 1234"),
    ).value.id  # fmt: skip
    draft = ReferralDraft("provider", member, "Painful corns; cannot cut his nails", "urgent")
    rid = refs.create_referral(ws, admin, pid, draft).value
    refs.send_referral(ws, admin, rid, via="fax")
    return pid, rid


def test_the_letter_prints_the_problems_medicines_allergies_and_the_referrer(ws, admin, referral):
    pid, rid = referral
    gp = staff(ws, admin, Role.GP, "gail.gp")
    pdf, _changes = letters.render_letter(ws, gp, rid, method="fax")
    (text,) = pages(pdf)  # one page
    for words in (
        "Referral", "Dr Lena Ortiz", "Podiatrist", "Harold Moss", "Practice ID",
        "Medicare 2123456701", "Urgent (within days)", "Painful corns; cannot cut his nails",
        "Type 2 diabetes mellitus", "Hypertension", "Osteoarthritis of knee",
        "Metformin", "500 mg twice a day", "Perindopril", "Penicillin (rash",
        "Referred by Alex Admin", "by Gail Gp",
        "Signature", "Page 1 of 1",
    ):  # fmt: skip
        assert words in text, words
    assert "Old drug" not in text  # ceased medicines are not current
    (share,) = letters.shares_for(ws, gp, pid)
    assert (share.recipient, share.method, share.shared_by_name, share.record_id) == (
        "Dr Lena Ortiz", "fax", "Gail Gp", rid
    )  # fmt: skip
    with ws.session() as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.record_id == str(rid) or last.record_id == rid
    assert "corns" not in last.detail and "Penicillin" not in last.detail
    assert f"sharing record {share.id}" in last.detail


def test_a_preview_is_not_shared_until_printed_and_reception_cannot_print(ws, admin, referral):
    pid, rid = referral
    letters.render_letter(ws, admin, rid, purpose="preview")
    assert letters.shares_for(ws, admin, pid) == []
    letters.record_output(ws, admin, rid, how="printed", pages=1)
    assert [s.method for s in letters.shares_for(ws, admin, pid)] == ["printed"]
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    with pytest.raises(PermissionDeniedError):
        letters.render_letter(ws, desk, rid)
    with pytest.raises(ValidationError, match="no referral number 99"):
        letters.referral_for(ws, admin, pid, 99)
    assert letters.referral_for(ws, admin, pid, None) == rid
