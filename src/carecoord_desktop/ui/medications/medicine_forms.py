"""Add, change, stop and restart one medicine: the record's form dialog (form_kit), each with its
reason, checked at the field; the service's refusals are shown at the field they name.

The write runs on the thread pool with the form's buttons off (a second Enter or click cannot
write twice, and the window keeps answering); a refusal leaves the form open as typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import TIMES_OF_DAY, MedicineDraft, MedicineRow
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.form_kit import Field, ItemFormDialog
from carecoord_desktop.ui.widgets.messages import show_error

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


# A form's `prepare(values)` checks what it can at the field on the GUI thread and gives the
# service call to run on a worker: (service function, its arguments after ws and actor, keywords).
Prepared = tuple[Callable, tuple, dict]


class MedicineFormDialog(ItemFormDialog):
    """ItemFormDialog whose save runs on the pool: Save and Cancel are off while it runs."""

    write_failed = Signal(str)

    def __init__(
        self,
        state,
        title: str,
        specs: Sequence[Field],
        prepare: Callable[[dict], Prepared],
        initial: dict | None = None,
        parent=None,
    ) -> None:
        super().__init__(title, specs, self._not_used, initial, parent=parent)
        self.state, self.prepare = state, prepare
        self.busy = False

    @staticmethod
    def _not_used(_values: dict) -> None:
        raise AssertionError("MedicineFormDialog saves through prepare()")

    def save(self) -> None:
        if self.busy:
            return  # the write is under way: a second Enter or click does not send another
        self.form.clear_problems()
        self.error.hide()
        try:
            fn, args, kwargs = self.prepare(self.form.values())
        except CareCoordError as exc:
            self._refused(exc)
            return
        self._set_busy(True)
        start_job(self, fn, self.state.ws, self.state.actor, *args,
                  on_done=self._saved, on_failed=self._refused, **kwargs)  # fmt: skip

    def reject(self) -> None:
        if not self.busy:  # closing mid-write would leave the user not knowing if it saved
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def _saved(self, result) -> None:
        self._set_busy(False)
        self.result_value = self.state.publish(result)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._set_busy(False)
        if not self.form.show_problem(getattr(exc, "field", None), str(exc)):
            show_error(self.error, exc)
        self.write_failed.emit(str(exc))


def add_dialog(state, patient_id: int, parent) -> MedicineFormDialog:
    specs = [*_DETAILS, Field("reason", "Why it is added", "long")]

    def prepare(values: dict) -> Prepared:
        draft = draft_of(values)
        return meds.add_medicine, (patient_id, draft), {"reason": values["reason"].strip() or None}

    return MedicineFormDialog(state, "Add a medicine", specs, prepare, parent=parent)


def change_dialog(state, medicine: MedicineRow, parent) -> MedicineFormDialog:
    specs = [*_DETAILS, Field("reason", "Why it is changed", "long", required=True)]
    initial = initial_of(medicine)

    def prepare(values: dict) -> Prepared:
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is changed.", field="reason")
        draft = draft_of(values, initial)
        return meds.change_medicine, (medicine.id, draft), {
            "version": medicine.version, "reason": reason
        }  # fmt: skip

    return MedicineFormDialog(
        state, f"Change {medicine.name}", specs, prepare, initial, parent=parent
    )


def stop_dialog(state, medicine: MedicineRow, parent) -> MedicineFormDialog:
    specs = [
        Field("reason", "Why it is stopped", "long", required=True,
              hint="e.g. “ceased by the hospital: acute kidney injury”"),
        Field("on", "Stopped on", "date", hint="today when left empty"),
    ]  # fmt: skip

    def prepare(values: dict) -> Prepared:
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is stopped.", field="reason")
        return meds.stop_medicine, (medicine.id,), {
            "reason": reason, "version": medicine.version, "on": values["on"]
        }  # fmt: skip

    return MedicineFormDialog(state, f"Stop {medicine.name}", specs, prepare, parent=parent)


def restart_dialog(state, medicine: MedicineRow, parent) -> MedicineFormDialog:
    specs = [Field("reason", "Why it is restarted", "long", required=True)]

    def prepare(values: dict) -> Prepared:
        reason = values["reason"].strip()
        if not reason:
            raise ValidationError("Say why the medicine is restarted.", field="reason")
        return meds.restart_medicine, (medicine.id,), {
            "reason": reason, "version": medicine.version
        }  # fmt: skip

    return MedicineFormDialog(state, f"Restart {medicine.name}", specs, prepare, parent=parent)
