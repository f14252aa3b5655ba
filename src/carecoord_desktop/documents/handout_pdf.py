"""The patient's take-home handout of a care plan: large print, plain language, their own goals.

Body text is 15 pt (large print is 14 pt or more), headings larger, one idea per line. Where the
patient's preferred language is written right to left, the whole page reads right to left:
paragraphs are right-aligned, tables run from the right, and text in a right-to-left script is
shown in its reading order (documents/rtl.py). Fixed wording comes from LABELS; a practice with a
checked translation passes its own labels in the data.
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
from carecoord_desktop.documents.careplan_data import Goal, HandoutDocument
from carecoord_desktop.documents.goal_words import target_words
from carecoord_desktop.documents.rtl import RtlParagraph, is_rtl_language

__all__ = ["BODY_SIZE", "LABELS", "PLAIN_MEASURES", "render_handout"]

BODY_SIZE = 15.0
_MARGIN = 16 * mm

LABELS = {
    "title": "Your care plan",
    "made": "We made this plan with you on {date} (version {version}). Keep it at home.",
    "goals": "Your goals",
    "how_we_know": "How we will know: {target}",
    "by": "by {date}",
    "last_result": "Your last result: {value} on {date}",
    "daily": "What to do each day",
    "medicines": "Your medicines",
    "warning": "Warning signs: who to call",
    "if_you_notice": "If you notice",
    "do_this": "Do this",
    "call": "Call",
    "urgent": "Call now. Do not wait.",
    "appointments": "Your next appointments",
    "at": "at",
    "for": "For",
    "questions": "Questions? Call us",
    "review": "We will look at your plan again with you on {date}.",
    "none_booked": "No appointments booked yet. We will call you.",
    "page_title": "Your care plan",
}

# Clinical measures in words a patient uses (the measure's own name stays in brackets).
PLAIN_MEASURES = {
    "hba1c": "Average blood sugar (HbA1c)",
    "systolic bp": "Blood pressure, top number",
    "diastolic bp": "Blood pressure, bottom number",
    "blood pressure": "Blood pressure",
    "phq-9": "Mood score (PHQ-9)",
    "egfr": "Kidney function (eGFR)",
    "daily steps": "Steps each day",
    "steps": "Steps each day",
    "weight": "Weight",
    "peak flow": "Breathing test (peak flow)",
}


def _phone(number: str) -> str:
    """A phone number never breaks across lines: a reader dials what one line shows."""
    return number.replace(" ", "\u00a0")


def plain_measure(measure: str) -> str:
    return PLAIN_MEASURES.get(measure.strip().lower(), measure)


def render_handout(doc: HandoutDocument) -> bytes:
    if not doc.patient.full_name.strip():
        raise ValueError("a handout needs the patient's name")
    kit = _Kit(doc)
    furniture = st.Furniture(
        practice_line=doc.practice.name,
        practice_detail=st.join_nonempty(
            [doc.practice.phone and f"Phone {doc.practice.phone}", doc.practice.address]
        ),
        title_line=kit.label("page_title"),
        patient_line=st.join_nonempty(
            [
                doc.patient.full_name,
                doc.patient.date_of_birth and f"Born {st.day(doc.patient.date_of_birth)}",
            ]
        ),
        footer_line=f"Plan version {doc.plan_version}, {st.day(doc.plan_date)}",
        size=12,
        is_demo=doc.practice.is_demo,
        right_to_left=kit.rtl,
    )
    return st.render_pages(
        furniture,
        _MARGIN,
        kit.story,
        template_id="handout",
        title=kit.label("title"),
        author=doc.practice.name,
        lang=doc.patient.preferred_language or "en",
    )


class _Kit:
    def __init__(self, doc: HandoutDocument) -> None:
        self.doc = doc
        self.rtl = is_rtl_language(doc.patient.preferred_language)
        self.s = st.styles(BODY_SIZE)
        self.s["big"] = self.s["bold"].clone(
            "big", fontSize=BODY_SIZE * 1.2, leading=BODY_SIZE * 1.5
        )
        self.s["h2"] = self.s["h2"].clone(
            "h2big", fontSize=BODY_SIZE * 1.45, leading=BODY_SIZE * 1.8, spaceBefore=BODY_SIZE * 1.2
        )
        self.s["h2_table"] = self.s["h2"].clone("h2_table", keepWithNext=False)

    def label(self, key: str, **values: str) -> str:
        return self.doc.labels.get(key, LABELS[key]).format(**values)

    def p(self, text: object, kind: str = "body") -> Flowable:
        if self.rtl:
            return RtlParagraph(str(text), self.s[kind])
        return Paragraph(st.esc(text), self.s[kind])

    def row(self, cells: list) -> list:
        """Table cells in reading order: right to left where the page is."""
        return cells[::-1] if self.rtl else cells

    def widths(self, widths: list[float]) -> list[float]:
        return widths[::-1] if self.rtl else widths

    def h2(self, key: str) -> Flowable:
        return self.p(self.label(key), "h2")

    def h2_table(self, key: str) -> list:
        """A heading over a table that may run on to the next page: it moves on only when
        there is no room for the first rows, rather than dragging the whole table along."""
        return [CondPageBreak(55 * mm), self.p(self.label(key), "h2_table")]

    # -- the page

    def story(self, width: float) -> list:
        d = self.doc
        out: list = [
            self.p(self.label("title"), "title"),
            self.p(self.label("made", date=st.day(d.plan_date), version=str(d.plan_version))),
        ]
        if d.goals:
            out += [self.h2("goals")]
            for n, goal in enumerate(d.goals, start=1):
                out.append(KeepTogether(self._goal(n, goal, width)))
        if d.daily_actions:
            out += [self.h2("daily"), *self._checklist(d.daily_actions, width)]
        if d.medication_notes:
            out += [self.h2("medicines"), *self._checklist(d.medication_notes, width, "•")]
        if d.warning_signs:
            out += [*self.h2_table("warning"), self._warnings(width)]
        out += [CondPageBreak(50 * mm), self.h2("appointments")]
        out += self._appointments(width) or [self.p(self.label("none_booked"))]
        if d.care_team:
            widths = self.widths([width * 0.62, width * 0.38])
            rows = [
                self._grid([self.row([self.p(who), self.p(_phone(phone), "big")])], widths)
                if phone
                else self._grid([[self.p(who)]], [width])  # no number: the name across
                for who, phone in d.care_team
            ]
            out += [self.h2("questions"), *rows]
        if d.next_review:
            out += [Spacer(1, 10), self.p(self.label("review", date=st.day(d.next_review)), "bold")]
        return out

    def _goal(self, n: int, goal: Goal, width: float) -> list:
        lines: list = [self.p(f"{n}. “{goal.patient_words}”", "big")]
        target = target_words(goal)
        if goal.measure and target:
            words = f"{plain_measure(goal.measure)}: {target}"
            if goal.due:
                words += " " + self.label("by", date=st.day(goal.due))
            lines.append(self.p(self.label("how_we_know", target=words)))
        if goal.observations:
            last = max(goal.observations, key=lambda o: o.on)
            unit = f" {goal.target_unit}" if goal.target_unit else ""
            lines.append(
                self.p(
                    self.label(
                        "last_result", value=f"{st.number(last.value)}{unit}", date=st.day(last.on)
                    )
                )
            )
        lines.append(Spacer(1, BODY_SIZE * 0.6))
        return lines

    def _checklist(self, items: Sequence[str], width: float, mark: str = "☐") -> list:
        # One table per item: the heading keeps with the first, and a page may break between.
        widths = self.widths([BODY_SIZE * 1.8, width - BODY_SIZE * 1.8])
        return [
            self._grid([self.row([self.p(mark, "big"), self.p(item)])], widths, lines=False)
            for item in items
        ]

    def _warnings(self, width: float) -> Table:
        rows, urgent_rows = [], []
        for n, sign in enumerate(self.doc.warning_signs):
            call = f"{self.label('call')} {sign.who_to_call}"
            cells = [self.p(sign.sign, "bold"), self.p(sign.action)]
            call_cell = [self.p(call, "bold")]
            if sign.extra_phone:
                call_cell.append(self.p(_phone(sign.extra_phone), "big"))
            if sign.urgent:
                cells[1] = [self.p(self.label("urgent"), "bold"), self.p(sign.action)]
                urgent_rows.append(n + 1)
            rows.append(self.row([*cells, call_cell]))
        head = self.row(
            [
                self.p(self.label("if_you_notice"), "bold"),
                self.p(self.label("do_this"), "bold"),
                self.p(self.label("call"), "bold"),
            ]
        )
        widths = self.widths([width * 0.33, width * 0.35, width * 0.32])
        table = self._grid([head, *rows], widths, header=True)
        commands = [("BACKGROUND", (0, 0), (-1, 0), st.SHADE)]
        commands += [("BACKGROUND", (0, r), (-1, r), st.WARN_BG) for r in urgent_rows]
        commands += [
            ("LINEBEFORE" if self.rtl else "LINEAFTER", (0, r), (0, r), 0, st.WARN)
            for r in urgent_rows
        ]
        table.setStyle(TableStyle(commands))
        return table

    def _appointments(self, width: float) -> list:
        out = []
        for a in sorted(self.doc.appointments, key=lambda a: a.when):
            lines = [
                self.p(st.day_and_time(a.when), "bold"),
                self.p(st.join_nonempty([a.with_whom, a.where], ", ")),
            ]
            if a.purpose:
                lines.append(self.p(f"{self.label('for')}: {a.purpose}"))
            out.append(KeepTogether([*lines, Spacer(1, BODY_SIZE * 0.6)]))
        return out

    def _grid(
        self, rows: list, widths: list[float], *, lines: bool = True, header: bool = False
    ) -> Table:
        align = "RIGHT" if self.rtl else "LEFT"
        table = Table(rows, colWidths=widths, hAlign=align, repeatRows=1 if header else 0)
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
        if lines:
            commands += [
                ("BOX", (0, 0), (-1, -1), 0.8, st.INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, st.RULE),
            ]
        table.setStyle(TableStyle(commands))
        return table
