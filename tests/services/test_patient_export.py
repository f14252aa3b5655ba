"""The export of the shown list: the data in full, never the screen's display text."""

from __future__ import annotations

import csv
from datetime import date

from carecoord_desktop.services.patients import (
    export as patient_export,
)
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.record import create_patient
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.patients.types import ConditionDraft, PatientDraft


def _read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_writes_every_active_condition_and_the_risk_score(ws, admin, tmp_path):
    record = create_patient(
        ws,
        admin,
        PatientDraft(
            given_name="Marguerite",
            family_name="Oyelaran",
            date_of_birth=date(1961, 5, 17),
            medicare_number="2123456701",
        ),
    ).value
    for display, code, status in (
        ("Heart failure", "84114007", "active"),
        ("Chronic kidney disease", "709044004", "active"),
        ("Gout, tophaceous", None, "active"),  # a comma in a name: the separator is ";"
        ("Asthma", "195967001", "resolved"),
    ):
        patient_lists.add_condition(
            ws,
            admin,
            record.id,
            ConditionDraft(
                display=display,
                code_system="http://snomed.info/sct" if code else None,
                code=code,
                status=status,
                chronic=True,
            ),
        )
    shown = registry.fetch_rows(ws, admin, [record.id])[record.id]
    assert shown.conditions_summary == "Heart failure, Chronic kidney disease +1"  # the screen

    out = tmp_path / "list.csv"
    assert patient_export.export_list(ws, admin, PatientFilter(text="oyelaran"), path=out) == 1
    [row] = _read(out)
    assert row["Active conditions"] == "Heart failure; Chronic kidney disease; Gout, tophaceous"
    assert row["Condition codes"] == "84114007; 709044004"
    assert "+1" not in row["Active conditions"]
    assert row["Medicare number"] == "2123456701"  # the number, not "2123 45670 1"
    assert row["Date of birth"] == "1961-05-17"
    # Heart failure 1 + kidney disease 2 (Charlson) + 3 conditions 1 = 4: medium.
    assert (row["Risk tier"], row["Risk score"], row["Active medicines"]) == ("medium", "4", "0")


def test_export_of_a_filtered_list_says_which_filters_in_the_audit(ws, admin, tmp_path):
    detail = patient_export.describe(PatientFilter(recently_discharged_days=7), "name", False)
    assert detail == "discharged in the last 7 days, sort name"
    assert (
        patient_export.describe(PatientFilter(), "risk", True) == "whole register, sort risk desc"
    )
