"""From what people write to what is stored: a medication line read by the line grammar and
recognised by the knowledge base (knowledge/), pasted text split into lines, a FHIR file read
into lines. Nothing is dropped: a line the grammar cannot fully read keeps its words in
`unparsed`, a medicine the base does not know keeps its text and no ingredients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.knowledge.base import KnowledgeBase, knowledge_base
from carecoord_desktop.knowledge.medline import MedLine, parse_line
from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED, Recognition, recognise

LINE_MAX = 300
MAX_LINES = 200  # one list; a longer paste is almost certainly the wrong text
# Bullets and list numbers people paste in front of a medicine; read past, kept as written.
_BULLETS = ("•", "-", "*", "·", "–")


@dataclass(frozen=True)
class ReadLine:
    """One medicine as written, read and recognised (the columns a list row or a session line
    stores), plus what the source itself says of it."""

    written: str
    name: str
    strength: str | None
    dose: str | None
    route: str | None
    frequency: str | None
    times_of_day: tuple[str, ...]
    instructions: str | None
    unparsed: str | None
    ingredients: tuple[str, ...]
    recognised_as: str
    stopped: bool = False
    reason: str | None = None
    started: date | None = None
    prescriber: str | None = None
    indication: str | None = None

    def columns(self) -> dict:
        """As MedRecLine / Medication column values."""
        return {
            "written": self.written,
            "name": self.name,
            "strength": self.strength,
            "dose": self.dose,
            "route": self.route,
            "frequency": self.frequency,
            "times_of_day": join_times(self.times_of_day),
            "ingredients": ";".join(self.ingredients),
            "recognised_as": self.recognised_as,
        }


def join_times(times: tuple[str, ...] | None) -> str | None:
    return ";".join(times) if times else None


def split_times(value: str | None) -> tuple[str, ...]:
    return tuple(t for t in (value or "").split(";") if t)


def split_ingredients(value: str | None) -> tuple[str, ...]:
    return tuple(t for t in (value or "").split(";") if t)


def dose_text(parsed: MedLine) -> str | None:
    if parsed.dose_amount is None:
        return None
    amount = f"{parsed.dose_amount:g}"
    if parsed.dose_max is not None:
        amount += f"-{parsed.dose_max:g}"
    unit = parsed.dose_unit or ""
    plural = unit and (parsed.dose_max or parsed.dose_amount) > 1 and unit not in ("mL",)
    return f"{amount} {unit}{'s' if plural else ''}".strip()


def frequency_text(parsed: MedLine) -> str | None:
    text = parsed.frequency_text
    if parsed.instructions:
        text = f"{text}, {parsed.instructions}" if text else parsed.instructions
    return text or None


def _times(parsed: MedLine) -> tuple[str, ...]:
    # The card's four columns: the grammar's "night" is the card's bedtime row ("night").
    return tuple(t for t in parsed.times_of_day if t in ("morning", "midday", "evening", "night"))


def read_line(
    text: str, *, kb: KnowledgeBase | None = None, stopped: bool = False, **source
) -> ReadLine:
    """Read and recognise one line; never raises on odd wording (it stays as written)."""
    written = " ".join(text.split())
    if not written:
        raise ValidationError("A medicine line is empty: write the medicine's name.")
    if len(written) > LINE_MAX:
        raise ValidationError(
            f"A medicine line is too long ({len(written)} characters; at most {LINE_MAX}): "
            f"“{written[:40]}…”. Put one medicine on each line."
        )
    readable = written.lstrip("".join(_BULLETS)).lstrip()
    if readable[:3].rstrip(".)").isdigit() and readable[:3].rstrip().endswith((".", ")")):
        readable = readable.split(maxsplit=1)[1] if " " in readable else readable
    parsed = parse_line(readable)
    rec = recognise(readable, kb=kb or knowledge_base())
    return ReadLine(
        written=written,
        name=(parsed.name or readable)[:200],
        strength=parsed.strength,
        dose=dose_text(parsed),
        route=parsed.route,
        frequency=frequency_text(parsed),
        times_of_day=_times(parsed),
        instructions=parsed.instructions,
        unparsed=" ".join(parsed.unparsed)[:LINE_MAX] or None,
        ingredients=rec.ingredients,
        recognised_as=rec.display if rec.recognised else NOT_RECOGNISED,
        stopped=stopped or parsed.stop,
        **source,
    )


def recognition_of(written: str, ingredients: tuple[str, ...], recognised_as: str) -> Recognition:
    """A stored recognition, as the knowledge base's checks take it (not recognised again: what
    was recognised when the line was written is what the list says)."""
    if not ingredients:
        return Recognition(written, (), written, "none")
    return Recognition(written, ingredients, recognised_as, "exact")


def split_text(text: str) -> list[str]:
    """Pasted or typed text, one medicine per line: blank lines skipped, nothing else."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ValidationError("The list is empty: type or paste one medicine per line.")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            f"The list has {len(lines)} lines; a medicine list has at most {MAX_LINES}. "
            "Check that the right text was pasted."
        )
    return lines


def read_text(text: str, *, kb: KnowledgeBase | None = None) -> list[ReadLine]:
    kb = kb or knowledge_base()
    return [read_line(line, kb=kb) for line in split_text(text)]


def read_fhir(data: bytes, *, kb: KnowledgeBase | None = None) -> list[ReadLine]:
    """The medicines of a FHIR R4 file (Bundle, MedicationRequest, MedicationStatement), read
    by interop/fhir/medications. Stopped, cancelled and completed orders say so (`stopped`) and
    stay on the list, so the reconciliation shows them as stopped."""
    from carecoord_desktop.interop.fhir.medications import FhirReadError, read_medications

    kb = kb or knowledge_base()
    try:
        found = read_medications(data)
    except FhirReadError as exc:
        raise ValidationError(f"The FHIR file could not be read: {exc}") from None
    if not found:
        raise ValidationError(
            "The FHIR file has no medicines (no MedicationRequest or MedicationStatement in "
            "it). Check that it is the patient's medication list."
        )
    # A FHIR history repeats an order (Synthea's yearly simvastatin): the latest resource of one
    # medicine as written says where it stands; the earlier ones are history, not more medicines.
    latest: dict[str, int] = {}
    for index, med in enumerate(found):
        latest[" ".join(med.text.lower().split())] = index
    out = []
    for med in (found[i] for i in sorted(latest.values())):
        out.append(
            read_line(
                med.line[:LINE_MAX],
                kb=kb,
                stopped=not med.active,
                reason=med.reason or None,
                started=med.started,
                prescriber=(med.prescriber or None) and med.prescriber[:120],
                indication=(med.indication or None) and med.indication[:200],
            )
        )
    return out


def fhir_birth_dates(data: bytes) -> set[date]:
    """The birth dates of the Patients a FHIR file is about (a file for someone else must not
    become this patient's list). Unreadable data gives none: read_fhir reports it."""
    return {born for _, born in fhir_file_people(data)}


def fhir_people(doc: dict, entries: list) -> list[tuple[str, date]]:
    """(name, birth date) of each Patient in a parsed FHIR document, so a refusal can say whom
    the file is about; the name is "" when the file gives none."""
    out = []
    for res in [doc, *entries]:
        if isinstance(res, dict) and res.get("resourceType") == "Patient":
            try:
                born = date.fromisoformat(str(res.get("birthDate", ""))[:10])
            except ValueError:
                continue
            names = [n for n in res.get("name") or [] if isinstance(n, dict)]
            first = names[0] if names else {}
            given = [str(g) for g in first.get("given") or [] if isinstance(g, str)][:1]
            family = first.get("family") if isinstance(first.get("family"), str) else ""
            out.append((" ".join([*given, family]).strip(), born))
    return out


def fhir_file_people(data: bytes) -> list[tuple[str, date]]:
    import json

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(doc, dict):
        return []
    entries = [e.get("resource") for e in doc.get("entry") or [] if isinstance(e, dict)]
    return fhir_people(doc, entries)
