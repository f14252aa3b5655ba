"""Add, change, stop and restart one medicine: the record's form dialog (form_kit), each with its
reason, checked at the field; the service's refusals are shown at the field they name."""

from __future__ import annotations

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import TIMES_OF_DAY, MedicineDraft, MedicineRow
from carecoord_desktop.ui.widgets.form_kit import Field, ItemFormDialog

_DETAILS = [
    Field("written", "As written", required=True,
          hint="The whole line as prescribed, e.g. “metformin 500mg 1 tab bd with meals”. "
               "Fields left as they are are read from it."),
    Field("strength", "Strength", hint="e.g. 500 mg"),
    Field("dose", "Dose", hint="per dose, e.g. 1 tablet, 2 puffs"),
    Field("route", "Route", hint="e.g. oral, inhaled"),
    Field("frequency", "Frequency", hint="e.g. bd, nocte, prn"),
    Field("times_of_day", "Times of day", hint="any of: morning, midday, evening, night"),
    Field("indication", "Indication", hint="what it is for"),
    Field("prescriber", "Prescriber"),
    Field("started", "Started", "date"),
    Field("notes", "Notes", "long"),
]  # fmt: skip
_DRAFT_FIELDS = [f.name for f in _DETAILS]


def _times(text: str) -> tuple[str, ...]:
    words = [w.strip().lower() for w in text.replace(";", ",").split(",") if w.strip()]
    wrong = [w for w in words if w not in TIMES_OF_DAY]
    if wrong:
        raise ValidationError(
            f"“{wrong[0]}” is not a time of day: use morning, midday, evening or night, "
            "separated by commas.",
            field="times_of_day",
        )
    return tuple(dict.fromkeys(words))


def initial_of(m: MedicineRow) -> dict:
    return {
        "written": m.written, "strength": m.strength or "", "dose": m.dose or "",
        "route": m.route or "", "frequency": m.frequency or "",
        "times_of_day": ", ".join(m.times_of_day), "indication": m.indication or "",
        "prescriber": m.prescriber or "", "started": m.started, "notes": m.notes or "",
    }  # fmt: skip


def draft_of(values: dict, initial: dict | None = None) -> MedicineDraft:
    """The draft to send: a field still as it opened is left to be read from the line as
    written (so changing "40mg" to "80mg" in the line changes the strength too)."""
    initial = initial or {}
    given: dict = {}
    for name in _DRAFT_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        if name != "written" and (value in ("", None) or value == initial.get(name)):
            continue
        given[name] = _times(value) if name == "times_of_day" else value
    return MedicineDraft(**given)


def add_dialog(state, patient_id: int, parent) -> ItemFormDialog:
    specs = [*_DETAILS, Field("reason", "Why it is added", "long")]

    def save(values: dict):
        draft = draft_of(values)
        return state.publish(
            meds.add_medicine(state.ws, state.actor, patient_id, draft,
                              reason=values["reason"].strip() or None)
        )  # fmt: skip

    return ItemFormDialog("Add a medicine", specs, save, parent=parent)


def change_dialog(state, medicine: MedicineRow, parent) -> ItemFormDialog:
    specs = [*_DETAILS, Field("reason", "Why it is changed", "long", required=True)]
    initial = initial_of(medicine)

    def save(values: dict):
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is changed.", field="reason")
        draft = draft_of(values, initial)
        return state.publish(
            meds.change_medicine(state.ws, state.actor, medicine.id, draft,
                                 version=medicine.version, reason=reason)
        )  # fmt: skip

    return ItemFormDialog(f"Change {medicine.name}", specs, save, initial, parent=parent)


def stop_dialog(state, medicine: MedicineRow, parent) -> ItemFormDialog:
    specs = [
        Field("reason", "Why it is stopped", "long", required=True,
              hint="e.g. “ceased by the hospital: acute kidney injury”"),
        Field("on", "Stopped on", "date", hint="today when left empty"),
    ]  # fmt: skip

    def save(values: dict):
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is stopped.", field="reason")
        return state.publish(
            meds.stop_medicine(state.ws, state.actor, medicine.id, reason=reason,
                               version=medicine.version, on=values["on"])
        )  # fmt: skip

    return ItemFormDialog(f"Stop {medicine.name}", specs, save, parent=parent)


def restart_dialog(state, medicine: MedicineRow, parent) -> ItemFormDialog:
    specs = [Field("reason", "Why it is restarted", "long", required=True)]

    def save(values: dict):
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is restarted.", field="reason")
        return state.publish(
            meds.restart_medicine(state.ws, state.actor, medicine.id, reason=reason,
                                  version=medicine.version)
        )  # fmt: skip

    return ItemFormDialog(f"Restart {medicine.name}", specs, save, parent=parent)
