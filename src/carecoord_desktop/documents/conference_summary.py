"""The care conference summary, for the patient and the team (reportlab over plain data).

Plain words, A4, the practice and the patient's identifiers and "Page x of y" on every page
(documents/style.render_pages). In the order a reader asks: when it was and who came, whether
the patient agreed, what was discussed under each agenda item, who does what by when, what
changed in the care plan, the case-conference check, and who the summary was sent to. A
conference not held yet (or cancelled) says so at the top instead of printing empty times.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from carecoord_desktop.documents import conference_layout as lay
from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.conference_data import ConferenceSummaryDocument
from carecoord_desktop.documents.rtl import has_rtl

__all__ = ["SECTION_TITLES", "render_conference_summary"]

_BODY = 10.0

# key → heading. Keys are stable (tests); headings are what the reader sees.
SECTION_TITLES = {
    "when": "The conference",
    "attended": "Who attended",
    "agenda": "What was discussed",
    "decisions": "What was decided: who does what by when",
    "plan": "What changed in the care plan",
    "check": "Case-conference check",
    "sent": "Sent to",
}


def render_conference_summary(doc: ConferenceSummaryDocument) -> bytes:
    if not doc.patient.full_name.strip() or not doc.patient.practice_id.strip():
        raise ValueError("a conference summary needs the patient's name and practice ID")
    c = doc.conference
    title = st.join_nonempty(
        ["Care conference summary", st.short_day(doc.times.started_at or c.scheduled_at)]
    )
    return st.render_pages(
        lay.furniture(doc.practice, doc.patient, title, doc.printed_at, doc.printed_by),
        lay.MARGIN,
        lambda width: _story(doc, width),
        template_id="conference-summary",
        title="Care conference summary",  # no name: file metadata travels with the file
        author=doc.practice.name,
        subject="Care conference",
        lang="en",
    )


def _held(doc: ConferenceSummaryDocument) -> bool:
    return doc.times.started_at is not None


def _story(doc: ConferenceSummaryDocument, width: float) -> list:
    k = lay.Kit(_BODY)
    c = doc.conference
    story: list = [k.p(f"{c.title or 'Care conference'}: summary", "title")]
    name = doc.patient.preferred_name or doc.patient.full_name
    story.append(
        k.p(
            f"This is a record of the care conference about {name}'s care: who took part, "
            "what was talked about and what each person will do next."
        )
    )
    story.append(Spacer(1, 2 * mm))
    story += _status_banner(k, doc, width)
    story += k.section(SECTION_TITLES["when"], [_when(k, doc, width)])
    story += _attended(k, doc, width)
    story += _agenda(k, doc, width)
    story += _decisions(k, doc, width)
    story += _plan_changes(k, doc)
    story += _check(k, doc, width)
    story += _sent(k, doc, width)
    return story


def _status_banner(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    c = doc.conference
    if c.status == "Cancelled":
        words = "This conference was cancelled"
        words += f": {c.cancel_reason}" if c.cancel_reason else "."
    elif not _held(doc):
        words = (
            "This conference has not been held yet "
            f"(planned for {st.day_and_time(c.scheduled_at)}). "
            "The times, the minutes and the decisions are added when it is held."
        )
    elif doc.times.ended_at is None:
        words = "This conference is still in progress: the end time is not recorded yet."
    else:
        return []
    return lay.warning_box(k, words, width)


def _when(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> Table:
    t = doc.times
    rows = lay.details_rows(k, doc.conference, doc.agreement, held=t.started_at is not None)
    if t.started_at is not None:
        rows.insert(1, [k.p("Started", "cell_bold"), k.p(st.day_and_time(t.started_at), "cell")])
        ended = f"{t.ended_at:%H:%M}" if t.ended_at else "Not recorded yet"
        if t.ended_at and t.ended_at.date() != t.started_at.date():
            ended = st.day_and_time(t.ended_at)
        rows.insert(2, [k.p("Ended", "cell_bold"), k.p(ended, "cell")])
        if t.elapsed_minutes is not None:
            length = f"{t.elapsed_minutes} minutes"
            if t.tier:
                length += f" ({t.tier}"
                if t.organiser_item:
                    length += f": MBS item {t.organiser_item} for the organiser"
                    if t.participant_item:
                        length += f", {t.participant_item} for a participant"
                length += ")"
            rows.insert(3, [k.p("Length", "cell_bold"), k.p(length, "cell")])
    rows.insert(0, [k.p("About", "cell_bold"), lay.patient_cell(k, doc.patient)])
    return lay.table(rows, lay.cols(width, 1, 3.4), header=False)


def _attended(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    came = [p for p in doc.participants if p.attended]
    others = [p for p in doc.participants if not p.attended]
    if not _held(doc):
        title, came, others = "Invited", list(doc.participants), []
    else:
        title = SECTION_TITLES["attended"]
    if not came:
        body: list = [k.empty("No one is recorded as attending yet.")]
    else:
        body = [lay.people_table(k, came, width, last="joined" if _held(doc) else "reply")]
    if others:
        words = "; ".join(
            f"{lay.person_name(p)}, {p.discipline} ({(p.attendance or 'invited').lower()})"
            for p in others
        )
        body += [Spacer(1, 1.5 * mm), k.p(f"Invited but did not attend: {words}", "small")]
    return k.section(title, body)


def _agenda(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    title = SECTION_TITLES["agenda"] if _held(doc) else "Agenda"
    if not doc.agenda:
        return k.section(title, [k.empty("The agenda is empty.")])
    out: list = []
    for n, item in enumerate(doc.agenda, start=1):
        block: list = [k.p(f"{n}. {item.title}", "item")]
        about = lay.about_words(item)
        if about:
            block.append(k.p(about, "small"))
        if item.minutes:
            block.append(k.p(item.minutes))
        elif _held(doc):
            block.append(k.p("Not discussed at this meeting.", "small"))
        block.append(Spacer(1, 1.5 * mm))
        out.append(KeepTogether(block))
    return k.section(title, out)


def _decisions(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    if not doc.decisions:
        words = (
            "No decisions recorded yet." if _held(doc) else "Decisions are added at the meeting."
        )
        return k.section(SECTION_TITLES["decisions"], [k.empty(words)])
    rows = [k.cells(["Decision", "Who", "By when", "What it became"], "cell_bold")]
    for d in doc.decisions:
        became = d.task or d.plan_change or d.kind
        if d.kind == "Note" and not (d.task or d.plan_change):
            became = "Noted in the minutes"
        what = [k.p(d.text, "cell")]
        if d.agenda_item:
            what.append(k.p(f"Under: {d.agenda_item}", "small"))
        rows.append(
            [
                what,
                k.p(d.owner or "—", "cell"),
                k.p(st.short_day(d.due, empty="—"), "cell"),
                k.p(became, "cell"),
            ]
        )
    return k.section(
        SECTION_TITLES["decisions"], [lay.table(rows, lay.cols(width, 4, 2.2, 1.3, 2.8))]
    )


def _plan_changes(k: lay.Kit, doc: ConferenceSummaryDocument) -> list:
    changes = [d for d in doc.decisions if d.plan_change or d.kind == "Plan change"]
    if not changes:
        return k.section(SECTION_TITLES["plan"], [k.p("No changes to the care plan.")])
    texts = [d.plan_change or d.text for d in changes]
    body = [k.p(t if has_rtl(t) else f"•  {t}") for t in texts]
    return k.section(SECTION_TITLES["plan"], body)


def _check(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    title = SECTION_TITLES["check"]
    if not doc.check:
        return k.section(title, [k.empty("Not checked.")])
    rows = [k.cells(["What the rules ask", "Result", "What was found"], "cell_bold")]
    for e in doc.check:
        rows.append(
            [
                k.p(e.name, "cell_bold"),
                k.p("Met" if e.met else "Missing", "ok" if e.met else "missing"),
                k.p(e.detail or "—", "cell"),
            ]
        )
    missing = sum(1 for e in doc.check if not e.met)
    words = (
        "Every element is met."
        if not missing
        else f"{missing} of {len(doc.check)} elements still missing."
    )
    if doc.pack_name:
        words = f"Checked against the rules for: {doc.pack_name}. {words}"
    return k.section(
        title, [lay.table(rows, lay.cols(width, 2.8, 1, 5)), Spacer(1, 1 * mm), k.p(words, "small")]
    )


def _sent(k: lay.Kit, doc: ConferenceSummaryDocument, width: float) -> list:
    if not doc.sent_to:
        return k.section(
            SECTION_TITLES["sent"],
            [k.empty("Not recorded as given to anyone yet. Offer it to the patient and send it "
                     "to the team, then record who received it.")],
        )  # fmt: skip
    rows = [k.cells(["To", "How", "When", "By"], "cell_bold")]
    rows += [
        k.cells([s.recipient, s.method, st.short_day(s.on, empty="—"), s.by]) for s in doc.sent_to
    ]
    return k.section(SECTION_TITLES["sent"], [lay.table(rows, lay.cols(width, 4, 2, 1.6, 2))])
