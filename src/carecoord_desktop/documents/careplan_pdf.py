"""The care plan for the record and the team, as a PDF (reportlab Platypus over plain data).

Section headings name what the care programs ask a plan to show (the CMS chronic care
management plan and the Australian GP chronic condition management plan), so a reader or an
auditor finds each element under its own name. An element with nothing recorded is printed as
"Not recorded" rather than left out: a gap must be visible on paper too.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.careplan_data import CarePlanDocument, Goal
from carecoord_desktop.documents.goal_words import latest_words, target_words

__all__ = ["SECTION_TITLES", "render_care_plan"]

_MARGIN = 18 * mm
_BODY = 9.5
NOT_RECORDED = "Not recorded"

# key → heading. Keys are stable (tests, rule packs); headings are what the reader sees.
SECTION_TITLES = {
    "problems": "Health needs and conditions (problem list)",
    "outcome": "Expected outcome and prognosis",
    "goals": "Management goals (measurable treatment goals)",
    "progress": "Progress against goals",
    "patient_actions": "Patient actions: what the patient will do",
    "interventions": "Planned interventions and services: who is responsible",
    "medication": "Medication management",
    "symptoms": "Symptom management",
    "warning_signs": "Warning signs and who to call",
    "community": "Community and social services ordered",
    "coordination": "How outside agencies and specialists are coordinated",
    "preferences": "Patient preferences",
    "cultural": "Cultural and religious considerations",
    "review": "Review arrangements (schedule for periodic review)",
    "agreement": "Patient agreement",
    "copies": "Copies offered, given or sent",
    "appointments": "Next appointments",
    "signatures": "Signatures",
}


def render_care_plan(doc: CarePlanDocument) -> bytes:
    """The plan as PDF bytes."""
    if not doc.patient.full_name.strip() or not doc.patient.practice_id.strip():
        raise ValueError("a care plan needs the patient's name and practice ID on every page")
    furniture = _furniture(doc)
    return st.render_pages(
        furniture,
        _MARGIN,
        lambda width: _story(doc, width),
        template_id="plan",
        title=f"Care plan, version {doc.plan.version}",  # no name: file metadata travels
        author=doc.practice.name,
        subject="Care plan",
        lang="en",
    )


def _furniture(doc: CarePlanDocument) -> st.Furniture:
    p, plan = doc.patient, doc.plan
    printed = ""
    if doc.printed_at:
        printed = f"Printed {st.short_day(doc.printed_at)} {doc.printed_at:%H:%M}"
        if doc.printed_by:
            printed += f" by {doc.printed_by}"
    return st.Furniture(
        practice_line=doc.practice.name,
        practice_detail=st.join_nonempty(
            [doc.practice.address, doc.practice.phone and f"Phone {doc.practice.phone}"]
        ),
        title_line=f"Care plan  ·  version {plan.version}  ·  {st.short_day(plan.version_date)}",
        patient_line=st.patient_line(
            p.full_name, p.practice_id, p.date_of_birth, p.national_id_label, p.national_id
        ),
        footer_line=st.join_nonempty([printed, "Confidential health information"]),
        is_demo=doc.practice.is_demo,
    )


# -- building blocks


_table = st.table


class _Kit:
    """Paragraph makers at the plan's sizes."""

    def __init__(self) -> None:
        self.s = st.styles(_BODY)
        self.s["h2_table"] = ParagraphStyle("h2_table", parent=self.s["h2"], keepWithNext=False)
        self.s["warn"] = ParagraphStyle("warn", parent=self.s["cell"], textColor=st.WARN)

    def p(self, text: object, kind: str = "body") -> Paragraph:
        return Paragraph(st.esc(text), self.s[kind])

    def cells(self, values: Sequence[object], kind: str = "cell") -> list[Paragraph]:
        return [self.p(v if v not in (None, "") else "—", kind) for v in values]

    def heading(self, key: str) -> Paragraph:
        return Paragraph(st.esc(SECTION_TITLES[key]), self.s["h2"])

    def bullets(self, items: Sequence[str]) -> list:
        if not items:
            return [self.p(NOT_RECORDED, "small")]
        return [Paragraph(st.esc(item), self.s["body"], bulletText="•") for item in items]

    def section(self, key: str, body: list) -> list:
        if isinstance(body[0], Table):
            # A table may run on to the next page (its header row repeats) rather than leave
            # half a page empty; only a heading with no room for a few rows moves on.
            head = Paragraph(st.esc(SECTION_TITLES[key]), self.s["h2_table"])
            return [CondPageBreak(35 * mm), head, *body]
        return [KeepTogether([self.heading(key), *body[:1]]), *body[1:]]


def _story(doc: CarePlanDocument, width: float) -> list:
    k = _Kit()
    plan = doc.plan
    story: list = [Paragraph("Care plan", k.s["title"])]
    period = ""
    if plan.period_start or plan.period_end:
        if plan.period_start and plan.period_end:
            period = f"{st.day(plan.period_start)} to {st.day(plan.period_end)}"
        elif plan.period_start:
            period = f"From {st.day(plan.period_start)} (no end date)"
        else:
            period = f"Until {st.day(plan.period_end)}"
    intensity = plan.intensity
    if plan.intensity_reason:
        intensity += f" — {plan.intensity_reason}"
    p = doc.patient
    language = st.language_name(p.preferred_language)
    language += " (interpreter needed)" if p.interpreter_needed else ""
    summary = [
        ("Status", plan.status, "Version", f"{plan.version}, saved {st.day(plan.version_date)}"),
        ("Author", plan.author, "Plan period", period or NOT_RECORDED),
        (
            "Coordination intensity",
            intensity or NOT_RECORDED,
            "Programs",
            ", ".join(plan.programs) or "—",
        ),
        (
            "Patient",
            p.full_name + (f" ({p.preferred_name})" if p.preferred_name else ""),
            "Preferred language",
            language or "—",
        ),
    ]
    quarter = width / 4
    rows = [
        k.cells([a], "cell_bold") + k.cells([b]) + k.cells([c], "cell_bold") + k.cells([d])
        for a, b, c, d in summary
    ]
    story += [
        _table(rows, [quarter * 0.8, quarter * 1.2, quarter * 0.8, quarter * 1.2], header=False)
    ]

    story += _completeness(k, doc, width)
    problems = [[*k.cells(["Condition", "Code", "Since", "Notes"], "cell_bold")]]
    problems += [
        k.cells([x.name, x.code, st.short_day(x.since, empty=""), x.notes]) for x in doc.problems
    ]
    story += k.section(
        "problems",
        [_table(problems, _cols(width, 3, 1.6, 1.2, 3.2))]
        if doc.problems
        else [k.p(NOT_RECORDED, "small")],
    )
    story += k.section("outcome", [k.p(doc.expected_outcome or NOT_RECORDED)])
    story += _goals(k, doc.goals, width)
    story += k.section("patient_actions", k.bullets(doc.patient_actions))

    rows = [
        k.cells(
            ["Intervention or service", "Who is responsible", "Arrangements / frequency", "Status"],
            "cell_bold",
        )
    ]
    for x in doc.interventions:
        who = x.responsible + (f" ({x.responsible_kind})" if x.responsible_kind else "")
        what = x.what + (f" — for {x.problem}" if x.problem else "")
        rows.append(k.cells([what, who, x.frequency, x.status]))
    story += k.section(
        "interventions",
        [_table(rows, _cols(width, 3.6, 2.6, 2.2, 1.2))]
        if doc.interventions
        else [k.p(NOT_RECORDED, "small")],
    )
    story += k.section("medication", k.bullets(doc.medication_notes))
    story += k.section("symptoms", k.bullets(doc.symptom_management))
    rows = [k.cells(["If the patient notices", "What to do", "Who to call"], "cell_bold")]
    for w in doc.warning_signs:
        phone = w.extra_phone.replace(" ", "\u00a0")  # a number never breaks across lines
        call = w.who_to_call + (f", {phone}" if phone else "")
        rows.append(k.cells([w.sign, ("URGENT: " if w.urgent else "") + w.action, call]))
    story += k.section(
        "warning_signs",
        [_table(rows, _cols(width, 3.2, 3.4, 2.6))]
        if doc.warning_signs
        else [k.p(NOT_RECORDED, "small")],
    )
    services = list(doc.community_services) + [
        f"{x.what} — {x.responsible}" + (f", {x.frequency}" if x.frequency else "")
        for x in doc.interventions
        if x.is_service and x.what not in doc.community_services
    ]
    story += k.section("community", k.bullets(services))
    story += k.section("coordination", k.bullets(doc.coordination))
    story += k.section("preferences", k.bullets(doc.preferences))
    story += k.section("cultural", k.bullets(doc.cultural_considerations))
    review = [
        k.p(f"Schedule: {doc.review_schedule or NOT_RECORDED}"),
        k.p(f"Next review: {st.day(doc.next_review, empty=NOT_RECORDED)}"),
    ]
    review += [Paragraph(st.esc(line), k.s["small"], bulletText="•") for line in doc.reviews]
    story += k.section("review", review)
    story += k.section("agreement", [k.p(_agreement_words(doc))])
    rows = [k.cells(["Given or sent to", "When", "How"], "cell_bold")]
    rows += [k.cells([c.to, st.day(c.on), c.how]) for c in doc.copies]
    story += k.section(
        "copies",
        [_table(rows, _cols(width, 4, 2.4, 3))]
        if doc.copies
        else [k.p("No copy given yet", "small")],
    )
    rows = [k.cells(["When", "With", "Where", "What for"], "cell_bold")]
    rows += [
        k.cells([st.day_and_time(a.when), a.with_whom, a.where, a.purpose])
        for a in sorted(doc.appointments, key=lambda a: a.when)
    ]
    story += k.section(
        "appointments",
        [_table(rows, _cols(width, 3.2, 2.4, 2.4, 2))]
        if doc.appointments
        else [k.p("None booked", "small")],
    )
    story += [CondPageBreak(48 * mm), *_signatures(k, doc, width)]
    return story


def _completeness(k: _Kit, doc: CarePlanDocument, width: float) -> list:
    """What each program the practice claims under still needs, said before anything else."""
    if not doc.completeness:
        return []
    rows = []
    for program, missing in doc.completeness:
        if missing:
            words = f"Incomplete. Missing: {'; '.join(missing)}"
        else:
            words = "Complete: every element the program asks for is recorded"
        rows.append([k.p(program, "cell_bold"), k.p(words, "warn" if missing else "cell")])
    table = _table(rows, _cols(width, 2.6, 7.4), header=False)
    return [Spacer(1, 6), k.p("Program check", "h3"), table]


def _cols(width: float, *weights: float) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def _agreement_words(doc: CarePlanDocument) -> str:
    a = doc.agreement
    if a is None:
        return NOT_RECORDED
    if not a.agreed:
        return "The patient has not agreed to this plan yet."
    words = f"Agreed by {a.by or 'the patient'}"
    if a.on:
        words += f" on {st.day(a.on)}"
    if a.how:
        words += f" ({a.how})"
    return words + "."


def _goals(k: _Kit, goals: Sequence[Goal], width: float) -> list:
    if not goals:
        return k.section("goals", [k.p(NOT_RECORDED, "small")])
    rows = [
        k.cells(
            [
                "#",
                "Goal, in the patient's words",
                "Measure and target",
                "Due",
                "Priority",
                "Status",
            ],
            "cell_bold",
        )
    ]
    for n, g in enumerate(goals, start=1):
        target = st.join_nonempty([g.measure, target_words(g)], " ")
        rows.append(
            k.cells(
                [
                    str(n),
                    f"“{g.patient_words}”",
                    target or "—",
                    st.short_day(g.due, empty=""),
                    g.priority,
                    g.status,
                ]
            )
        )
    story = k.section("goals", [_table(rows, _cols(width, 0.4, 4.2, 2.4, 1.4, 1, 1.4))])
    charted = [(n, g) for n, g in enumerate(goals, start=1) if g.observations]
    if charted:
        # reportlab's charts cost a new process ~10 ms to import: only when there is a chart.
        from carecoord_desktop.documents.charts import goal_chart
    cells = []
    chart_w, chart_h = width / 2 - 8, 52 * mm
    for n, g in enumerate(goals, start=1):
        caption = k.p(f"Goal {n}: {latest_words(g)}", "small")
        if g.observations:
            cells.append([goal_chart(g, chart_w, chart_h, number_=n), caption])
        elif g.measure:
            cells.append([k.p(f"Goal {n}: {g.measure}", "cell_bold"), caption])
    if not cells:
        return story
    grid = [
        cells[i : i + 2] + ([[]] if len(cells[i : i + 2]) == 1 else [])
        for i in range(0, len(cells), 2)
    ]
    table = Table(grid, colWidths=[width / 2, width / 2], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    intro = k.p(
        f"{len(charted)} of {len(goals)} goals have readings; the dashed line is the target.",
        "small",
    )
    return [*story, KeepTogether([k.heading("progress"), intro, Spacer(1, 4), table])]


def _signatures(k: _Kit, doc: CarePlanDocument, width: float) -> list:
    rows = []
    for sig in doc.signatures:
        rows.append(
            [
                k.p(sig.role, "cell_bold"),
                k.p(sig.name or " "),
                k.p(st.day(sig.signed_on, empty=" ")),
                k.p(" "),
            ]
        )
    head = k.cells(["Role", "Name", "Date", "Signature"], "cell_bold")
    table = Table([head, *rows], colWidths=_cols(width, 2.2, 2.6, 1.8, 3.4))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 1), (-1, -1), 0.6, st.INK),
                ("TOPPADDING", (0, 1), (-1, -1), 16),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.ACCENT),
                ("BACKGROUND", (0, 0), (-1, 0), st.SHADE),
            ]
        )
    )
    return [KeepTogether([k.heading("signatures"), table])]
