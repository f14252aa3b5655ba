"""What the conference summary and the conference pack share: the page furniture, paragraph
and table makers, and the blocks both print (the conference's details, the people).

Names and the patient's words may be in a right-to-left script: such a text is shaped and put
in reading order (documents/rtl.RtlParagraph) and right-aligned in its cell, while the
document itself stays left to right (it is written for the team, in English).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.careplan_data import PatientIdentifiers, PracticeHeader
from carecoord_desktop.documents.conference_data import (
    AgendaEntry,
    ConferenceDetails,
    PatientAgreement,
    Person,
)
from carecoord_desktop.documents.rtl import RtlParagraph, has_rtl

MARGIN = 18 * mm


def furniture(
    practice: PracticeHeader,
    patient: PatientIdentifiers,
    title: str,
    printed_at,
    printed_by: str,
) -> st.Furniture:
    printed = ""
    if printed_at:
        printed = f"Printed {st.short_day(printed_at)} {printed_at:%H:%M}"
        if printed_by:
            printed += f" by {printed_by}"
    return st.Furniture(
        practice_line=practice.name,
        practice_detail=st.join_nonempty(
            [practice.address, practice.phone and f"Phone {practice.phone}"]
        ),
        title_line=title,
        patient_line=fitted_patient_line(patient),
        footer_line=st.join_nonempty([printed, "Confidential health information"]),
        is_demo=practice.is_demo,
    )


def fitted_patient_line(patient: PatientIdentifiers, size: float = 8.5) -> str:
    """The identifiers line, kept inside the page: a long name gives up its middle names
    (then its end) before an identifier is cut off the edge. The body prints it whole."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    room = st.PAGE_WIDTH - 2 * MARGIN
    font = st.fonts().regular

    def line(name: str) -> str:
        return st.patient_line(
            name,
            patient.practice_id,
            patient.date_of_birth,
            patient.national_id_label,
            patient.national_id,
        )

    name = patient.full_name
    if stringWidth(line(name), font, size) <= room:
        return line(name)
    parts = name.split()
    if len(parts) > 2:  # "Harold B. M. Fitzwilliam-Worthington Moss"
        name = " ".join([parts[0], *(f"{x[0]}." for x in parts[1:-2]), *parts[-2:]])
    while stringWidth(line(name), font, size) > room and len(name) > 8:
        name = name[:-2].rstrip() + "…"
    return line(name)


class Kit:
    """Paragraph and table makers at one body size."""

    def __init__(self, body: float) -> None:
        self.s = st.styles(body)
        self.s["h2_table"] = self.s["h2"].clone("h2_table", keepWithNext=False)
        self.s["warn"] = self.s["bold"].clone("warn", textColor=st.WARN)
        self.s["cell_warn"] = self.s["cell_bold"].clone("cell_warn", textColor=st.WARN)
        self.s["ok"] = self.s["cell_bold"].clone("ok", textColor=st.ACCENT)
        self.s["missing"] = self.s["cell_bold"].clone("missing", textColor=st.WARN)
        self.s["item"] = self.s["h3"].clone("item", textColor=st.INK)

    def p(self, text: object, kind: str = "body") -> Flowable:
        """Plain text (never markup); in reading order where it is right-to-left script."""
        text = str(text)
        if has_rtl(text):
            return RtlParagraph(text, self.s[kind])
        return Paragraph(st.esc(text), self.s[kind])

    def markup(self, markup: str, kind: str = "body") -> Paragraph:
        """Trusted markup built here (bold labels); every typed part must be st.esc'd."""
        return Paragraph(markup, self.s[kind])

    def cells(self, values: Sequence[object], kind: str = "cell") -> list[Flowable]:
        return [self.p(v if v not in (None, "") else "—", kind) for v in values]

    def heading(self, text: str, *, table_follows: bool = False) -> list:
        if table_follows:
            # A table may run on to the next page (its header repeats); only a heading with
            # no room for a few rows moves on.
            return [CondPageBreak(30 * mm), self.p(text, "h2_table")]
        return [self.p(text, "h2")]

    def empty(self, text: str) -> Flowable:
        return self.p(text, "small")

    def section(self, title: str, body: list) -> list:
        """A heading kept with the first block under it."""
        if body and isinstance(body[0], Table):
            return [*self.heading(title, table_follows=True), *body]
        first = body[:1]
        if first and isinstance(first[0], KeepTogether):
            # Nested, a KeepTogether reports an endless height and pushes the heading on to
            # the next page, leaving this one half empty: keep its parts with the heading.
            first = list(first[0]._content)
        return [KeepTogether([*self.heading(title), *first]), *body[1:]]


def warning_box(k: Kit, words: str, width: float) -> list:
    """A red-edged box for what the reader must know first (not held yet, still going)."""
    box = Table([[k.p(words, "warn")]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), st.WARN_BG),
                ("BOX", (0, 0), (-1, -1), 0.8, st.WARN),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [box, Spacer(1, 2 * mm)]


def table(rows: list[list], widths: Sequence[float], *, header: bool = True) -> Table:
    """A table without a header has a label column, flush with the headings above it."""
    return st.table(rows, widths, header=header, flush_label=not header)


def cols(width: float, *weights: float) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def agreement_words(a: PatientAgreement) -> str:
    if a.agreed is None:
        return "Not recorded yet: ask the patient before the conference"
    words = "Agreed" if a.agreed else "The patient did not agree"
    if a.on:
        words += f" on {st.day(a.on)}"
    if a.how:
        words += f" ({a.how.lower()})"
    if a.note:
        words += f". {a.note.rstrip('.')}."
    return words


def patient_cell(kit: Kit, p: PatientIdentifiers) -> list:
    """The patient in full (the page header may have to shorten a long name): the name on
    its own line, so a right-to-left name is not mixed with the English words."""
    ids = st.join_nonempty(
        [
            p.preferred_name and f"Known as {p.preferred_name}",
            p.date_of_birth and f"born {st.day(p.date_of_birth)}",
            f"Practice ID {p.practice_id}",
        ],
        ", ",
    )
    cell = [kit.p(p.full_name, "cell_bold"), kit.p(ids[0].upper() + ids[1:], "cell")]
    if p.interpreter_needed:  # the meeting has to book one
        language = st.language_name(p.preferred_language) or "their language"
        cell.append(kit.p(f"Interpreter needed ({language})", "cell_warn"))
    return cell


def where_words(c: ConferenceDetails) -> str:
    parts = [c.place]
    if c.video_link:
        parts.append(f"Video: {c.video_link}")
    return "\n".join(x for x in parts if x) or "Not recorded"


def details_rows(
    kit: Kit, c: ConferenceDetails, agreement: PatientAgreement, *, held: bool = False
) -> list[list]:
    rows = [
        ("Planned for" if held else "Date and time", st.day_and_time(c.scheduled_at)),
        ("Where", where_words(c)),
        ("Organised by", c.organiser or "Not recorded"),
        *([("Planned length", f"{c.planned_minutes} minutes")] if not held else []),
        ("Patient's agreement", agreement_words(agreement)),
    ]
    out = [[kit.p(a, "cell_bold"), kit.p(b, "cell")] for a, b in rows]
    if agreement.agreed is None or agreement.agreed is False:
        out[-1][1] = kit.p(rows[-1][1], "missing")
    return out


def about_words(item: AgendaEntry) -> str:
    """Where an agenda item came from and why: "Open referral: sent 3 Mar, no reply". The
    source is left out where the title already begins with it ("Overdue task: ...")."""
    source = item.source
    if source and item.title.casefold().startswith(source.casefold()):
        source = ""
    return st.join_nonempty([source, item.detail], ": ")


def person_name(p: Person) -> str:
    return p.name if p.kind not in ("Patient", "Carer") else f"{p.name} ({p.kind.lower()})"


def people_table(kit: Kit, people: Sequence[Person], width: float, *, last: str) -> Table:
    """Who, of what discipline, from where, and `last`: "How they joined" (the summary) or
    "Contact" and "Reply" (the pack)."""
    if last == "joined":
        head = ["Name", "Discipline or role", "Organisation", "How they joined"]
        # The discipline column already says "Patient" or "Carer": the name stands alone
        # (a suffix in English would also scramble a right-to-left name).
        rows = [
            kit.cells([p.name, p.discipline, p.organisation, p.joined_how or "—"]) for p in people
        ]
        widths = cols(width, 3, 2.6, 3, 1.6)
    else:
        head = ["Name", "Discipline or role", "Organisation", "Contact", "Reply"]
        rows = [
            kit.cells([p.name, p.discipline, p.organisation, p.contact, p.attendance])
            for p in people
        ]
        widths = cols(width, 2.5, 2.2, 2.5, 2.8, 1.3)
    return table([kit.cells(head, "cell_bold"), *rows], widths)
