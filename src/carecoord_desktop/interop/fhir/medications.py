"""Reading medicines from FHIR R4 JSON: a Bundle, or one MedicationRequest / MedicationStatement.

    meds = read_medications(path.read_bytes())   # -> list[FhirMedication], in file order
    meds[0].text          "Verapamil Hydrochloride 40 MG"   (the medicine as written)
    meds[0].line          text + dosage, as a practice would write it (for parse_line)
    meds[0].codings       (("http://www.nlm.nih.gov/research/umls/rxnorm", "897718", "..."),)
    meds[0].dosage_text   "1 daily" (the dosage's own text, else built from its structure)
    meds[0].status, .active, .started, .ended, .reason, .indication, .prescriber

Pure and tolerant, as real files need: contained Medications ("#med0320") and Medications
elsewhere in the Bundle ("urn:uuid:...", "Medication/x") are followed; references to the
Practitioner who prescribed and the Condition it treats are resolved inside the Bundle when they
can be; orders without dosage keep an empty dosage. Nothing is invented: a medicine with no
text or display anywhere is still returned, as "(medicine not named in the file)".
A file that is not FHIR JSON raises FhirReadError with a message a user can act on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

MEDICINE_TYPES = ("MedicationRequest", "MedicationStatement")
UNNAMED = "(medicine not named in the file)"
# Statuses that mean the patient is no longer (or never was) taking it.
NOT_TAKING = {"stopped", "cancelled", "completed", "entered-in-error", "not-taken", "revoked"}
_PERIOD_WORDS = {
    "d": "day",
    "wk": "week",
    "mo": "month",
    "h": "hour",
    "min": "minute",
    "a": "year",
    "s": "second",
}
_GTS = {
    "QD": "daily",
    "BID": "bd",
    "TID": "tds",
    "QID": "qid",
    "AM": "mane",
    "PM": "nocte",
    "QOD": "alternate days",
    "Q4H": "q4h",
    "Q6H": "q6h",
    "Q8H": "q8h",
    "WK": "weekly",
    "HS": "nocte",
}


class FhirReadError(ValueError):
    """The data is not a FHIR R4 resource or Bundle we can read (the message says why)."""


@dataclass(frozen=True)
class FhirMedication:
    resource_type: str  # MedicationRequest | MedicationStatement
    id: str
    text: str  # the medicine as written in the file
    codings: tuple[tuple[str, str, str], ...]  # (system, code, display)
    dosage_text: str  # "" when the file gives no dosage
    status: str  # the resource's status, as given
    intent: str = ""  # MedicationRequest.intent
    started: date | None = None  # authoredOn / effective start
    ended: date | None = None  # effective end, when given
    reason: str = ""  # statusReason (why stopped, on hold, not taken)
    indication: str = ""  # reasonCode / reasonReference display
    prescriber: str = ""  # requester / informationSource display or name
    note: str = ""  # note texts joined

    @property
    def active(self) -> bool:
        """Whether the file says the patient takes it now (unknown counts as taking: safer)."""
        return self.status not in NOT_TAKING

    @property
    def line(self) -> str:
        """The medicine and its dosage as one free-text line."""
        return f"{self.text} {self.dosage_text}".strip()


def read_medications(data: bytes | str | dict) -> list[FhirMedication]:
    """Every MedicationRequest and MedicationStatement in the data, in file order."""
    doc = _load(data)
    kind = doc.get("resourceType")
    if kind == "Bundle":
        resources = [e.get("resource") for e in doc.get("entry") or [] if isinstance(e, dict)]
        index = _index(doc)
    elif kind in MEDICINE_TYPES:
        resources, index = [doc], {}
    elif isinstance(kind, str):
        raise FhirReadError(
            f"The file is a FHIR {kind}, not a medication list. Choose a Bundle, a "
            "MedicationRequest or a MedicationStatement."
        )
    else:
        raise FhirReadError("The file is JSON but not FHIR (it has no resourceType).")
    return [
        _read(r, index)
        for r in resources
        if isinstance(r, dict) and r.get("resourceType") in MEDICINE_TYPES
    ]


def _load(data: bytes | str | dict) -> dict:
    if isinstance(data, dict):
        return data
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise FhirReadError("The file is not text (UTF-8): it cannot be a FHIR JSON file.") from exc
    except json.JSONDecodeError as exc:
        raise FhirReadError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}). "
            "Export it again from the sending system as FHIR JSON."
        ) from exc
    if not isinstance(doc, dict):
        raise FhirReadError("The file is JSON but not a FHIR resource (expected an object).")
    return doc


def _index(bundle: dict) -> dict[str, dict]:
    """Bundle resources by fullUrl and by Type/id, for references."""
    out: dict[str, dict] = {}
    for entry in bundle.get("entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        res = entry["resource"]
        if entry.get("fullUrl"):
            out[entry["fullUrl"]] = res
        if res.get("resourceType") and res.get("id"):
            out[f"{res['resourceType']}/{res['id']}"] = res
    return out


def _read(res: dict, index: dict[str, dict]) -> FhirMedication:
    contained = {f"#{c.get('id')}": c for c in res.get("contained") or [] if isinstance(c, dict)}
    concept = res.get("medicationCodeableConcept")
    if not isinstance(concept, dict):
        ref = (res.get("medicationReference") or {}).get("reference", "")
        med = contained.get(ref) or index.get(ref) or {}
        concept = med.get("code") or {}
        if not concept and (res.get("medicationReference") or {}).get("display"):
            concept = {"text": res["medicationReference"]["display"]}
    codings = tuple(
        (c.get("system", ""), str(c.get("code", "")), c.get("display", ""))
        for c in concept.get("coding") or []
        if isinstance(c, dict)
    )
    text = concept.get("text") or next((d for _, _, d in codings if d), "") or UNNAMED
    is_request = res.get("resourceType") == "MedicationRequest"
    dosages = res.get("dosageInstruction" if is_request else "dosage") or []
    started, ended = _dates(res, is_request)
    return FhirMedication(
        resource_type=res["resourceType"],
        id=str(res.get("id", "")),
        text=" ".join(str(text).split()),
        codings=codings,
        dosage_text="; ".join(t for t in (_dosage(d) for d in dosages if isinstance(d, dict)) if t),
        status=str(res.get("status", "unknown")),
        intent=str(res.get("intent", "")),
        started=started,
        ended=ended,
        reason=_concepts(res.get("statusReason")),
        indication=_concepts(res.get("reasonCode"))
        or _references(res.get("reasonReference"), index),
        prescriber=_references([res.get("requester") or res.get("informationSource")], index),
        note="; ".join(
            n.get("text", "")
            for n in res.get("note") or []
            if isinstance(n, dict) and n.get("text")
        ),
    )


def _dates(res: dict, is_request: bool) -> tuple[date | None, date | None]:
    if is_request:
        validity = (res.get("dispenseRequest") or {}).get("validityPeriod") or {}
        return _date(res.get("authoredOn") or validity.get("start")), _date(validity.get("end"))
    period = res.get("effectivePeriod") or {}
    return (
        _date(res.get("effectiveDateTime") or period.get("start") or res.get("dateAsserted")),
        _date(period.get("end")),
    )


def _date(value) -> date | None:
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        if len(value) == 4:
            return date(int(value), 1, 1)
        if len(value) == 7:
            return date(int(value[:4]), int(value[5:7]), 1)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _dosage(d: dict) -> str:
    """The dosage's own text, else words built from its structure ("1 tab daily prn")."""
    if d.get("text"):
        return " ".join(str(d["text"]).split())
    parts: list[str] = []
    for dr in d.get("doseAndRate") or []:
        q = dr.get("doseQuantity") if isinstance(dr, dict) else None
        if isinstance(q, dict) and q.get("value") is not None:
            parts.append(f"{q['value']:g}" if isinstance(q["value"], float) else str(q["value"]))
            if q.get("unit") or q.get("code"):
                parts.append(str(q.get("unit") or q.get("code")))
            break
    route = _concept(d.get("route"))
    timing = d.get("timing") or {}
    code = _concept(timing.get("code"))
    coded = next(
        (
            c.get("code")
            for c in (timing.get("code") or {}).get("coding") or []
            if isinstance(c, dict)
        ),
        None,
    )
    repeat = timing.get("repeat") or {}
    if coded in _GTS:
        parts.append(_GTS[coded])
    elif code:
        parts.append(code)
    elif repeat.get("frequency") and repeat.get("period"):
        parts.append(_repeat_words(repeat))
    for when in repeat.get("when") or []:
        parts.append(
            {
                "MORN": "mane",
                "NIGHT": "nocte",
                "HS": "nocte",
                "EVE": "evening",
                "C": "with meals",
                "AC": "before meals",
                "PC": "after meals",
            }.get(when, "")
        )
    if route and route.lower() not in {"oral route", "oral"}:
        parts.append(route.lower())
    if d.get("asNeededBoolean") or d.get("asNeededCodeableConcept"):
        parts.append("prn")
        reason = _concept(d.get("asNeededCodeableConcept"))
        if reason:
            parts.append(reason)
    extra = [_concept(x) for x in d.get("additionalInstruction") or []]
    parts += [x for x in extra if x]
    return " ".join(p for p in parts if p)


def _repeat_words(repeat: dict) -> str:
    freq, period, unit = repeat.get("frequency"), repeat.get("period"), repeat.get("periodUnit")
    if unit == "d" and period == 1:
        return {1: "daily", 2: "bd", 3: "tds", 4: "qid"}.get(freq, f"{freq} times a day")
    if unit == "h" and freq == 1:
        return f"q{period:g}h" if isinstance(period, float) else f"q{period}h"
    if unit == "wk" and period == 1 and freq == 1:
        return "weekly"
    word = _PERIOD_WORDS.get(unit, unit or "")
    return f"{freq} times every {period} {word}"


def _concept(c) -> str:
    if not isinstance(c, dict):
        return ""
    return c.get("text") or next(
        (
            x.get("display", "")
            for x in c.get("coding") or []
            if isinstance(x, dict) and x.get("display")
        ),
        "",
    )


def _concepts(value) -> str:
    items = value if isinstance(value, list) else [value]
    return "; ".join(t for t in (_concept(x) for x in items) if t)


def _references(refs, index: dict[str, dict]) -> str:
    out = []
    for ref in refs or []:
        if not isinstance(ref, dict):
            continue
        if ref.get("display"):
            out.append(ref["display"])
            continue
        target = index.get(ref.get("reference", ""))
        if not target:
            continue
        if target.get("resourceType") == "Condition":
            out.append(_concept(target.get("code")))
        elif target.get("name"):
            name = target["name"][0] if isinstance(target["name"], list) else target["name"]
            if isinstance(name, dict):
                words = [
                    *(name.get("prefix") or []),
                    *(name.get("given") or []),
                    name.get("family", ""),
                ]
                out.append(" ".join(w for w in words if w))
            else:
                out.append(str(name))
    return "; ".join(x for x in out if x)
