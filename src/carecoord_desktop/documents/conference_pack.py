"""The care conference pack: what the team prepares from (reportlab over plain data).

The conference's details and what is still to do before it, who is invited, the agenda built
from the record with room for notes under each item, and the record's extract the agenda was
built from (problems, medicines, allergies, goals against their targets, open referrals,
overdue tasks, recent hospital stays and medicine changes, the patient's questions), then
ruled space for notes and the decisions to record. A section with nothing in the record says
so ("None recorded") rather than vanish: a gap must be visible on paper too.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from carecoord_desktop.documents import conference_layout as lay
from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.conference_data import ConferencePackDocument, GoalProgress

__all__ = ["SECTION_TITLES", "render_conference_pack"]

_BODY = 9.5

SECTION_TITLES = {
    "conference": "The conference",
    "todo": "Still to do",
    "invited": "Who is invited",
    "agenda": "Agenda",
    "record": "From the record",
    "problems": "Problems and conditions",
    "medicines": "Current medicines",
    "allergies": "Allergies and adverse reactions",
    "goals": "Care plan goals: latest against target",
    "referrals": "Open referrals",
    "tasks": "Overdue tasks",
    "stays": "Hospital stays in the last 90 days",
    "changes": "Medicine changes in the last 90 days",
    "questions": "The patient's questions",
    "notes": "Notes",
    "decisions": "Decisions to record",
}
NONE = "None recorded."
# When each element of the case-conference rules can be done (keys as in the shipped pack).
_WHEN = {
    "agreement": "Before the day",
    "team": "At the meeting",
    "participants": "At the meeting",
    "times": "At the meeting",
    "discussion": "At the meeting",
    "summary_offered": "After it",
}


def render_conference_pack(doc: ConferencePackDocument) -> bytes:
    if not doc.patient.full_name.strip() or not doc.patient.practice_id.strip():
        raise ValueError("a conference pack needs the patient's name and practice ID")
    title = f"Care conference pack  ·  {st.short_day(doc.conference.scheduled_at)}"
    return st.render_pages(
        lay.furniture(doc.practice, doc.patient, title, doc.printed_at, doc.printed_by),
        lay.MARGIN,
        lambda width: _story(doc, width),
        template_id="conference-pack",
        title="Care conference pack",  # no name: file metadata travels with the file
        author=doc.practice.name,
        subject="Care conference",
        lang="en",
    )


def _story(doc: ConferencePackDocument, width: float) -> list:
    k = lay.Kit(_BODY)
    k.s["h2_record"] = k.s["h2"].clone("h2_record", fontSize=_BODY * 1.6, leading=_BODY * 2)
    c = doc.conference
    name = doc.patient.preferred_name or doc.patient.full_name
    story: list = [
        k.p(f"{c.title or 'Care conference'}: pack", "title"),
        k.p(
            f"To prepare from: the conference, who is invited, the agenda built from {name}'s "
            "record and what the record shows. There is room for notes under each agenda item "
            "and at the end."
        ),
        Spacer(1, 2 * mm),
    ]
    story += _banner(k, doc, width)
    rows = lay.details_rows(k, c, doc.agreement)
    rows.insert(0, [k.p("About", "cell_bold"), lay.patient_cell(k, doc.patient)])
    rows.append([k.p("Care plan", "cell_bold"), k.p(doc.plan or "No open care plan", "cell")])
    story += k.section(
        SECTION_TITLES["conference"], [lay.table(rows, lay.cols(width, 1, 3.4), header=False)]
    )
    story += _todo(k, doc, width)
    story += k.section(
        SECTION_TITLES["invited"],
        [lay.people_table(k, doc.participants, width, last="reply")]
        if doc.participants
        else [k.p("No one invited yet.", "missing")],
    )
    story += _agenda(k, doc, width)
    story += [k.p(SECTION_TITLES["record"], "h2_record")]
    story += _record(k, doc, width)
    story += _notes(k, width)
    return story


def _banner(k: lay.Kit, doc: ConferencePackDocument, width: float) -> list:
    c = doc.conference
    if c.status == "Cancelled":
        words = "This conference was cancelled" + (
            f": {c.cancel_reason}" if c.cancel_reason else "."
        )
    elif c.status in ("Held", "In progress"):
        words = (
            f"This conference is {c.status.lower()}: the summary, not this pack, is the "
            "record of what was discussed and decided."
        )
    else:
        return []
    return lay.warning_box(k, words, width)


def _todo(k: lay.Kit, doc: ConferencePackDocument, width: float) -> list:
    if not doc.check:
        return []
    missing = [e for e in doc.check if not e.met]
    if not missing:
        body: list = [k.p(f"Nothing outstanding for the {doc.pack_name} rules so far.")]
        return k.section(SECTION_TITLES["todo"], body)
    rows = [
        [
            k.p("☐", "cell_bold"),
            k.p(e.name, "cell_bold"),
            k.p(_WHEN.get(e.key, ""), "cell"),
            k.p(e.detail or "—", "cell"),
        ]
        for e in missing
    ]
    t = lay.table(rows, lay.cols(width, 0.35, 2.6, 1.5, 5.4), header=False)
    note = k.p(f"From the {doc.pack_name} rules.", "small") if doc.pack_name else Spacer(1, 0)
    return k.section(SECTION_TITLES["todo"], [t, note])


def _lines(width: float, count: int, height: float = 7 * mm) -> Table:
    """Ruled lines to write on."""
    t = Table([[""] for _ in range(count)], colWidths=[width], rowHeights=[height] * count)
    t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, st.RULE)]))
    return t


def _agenda(k: lay.Kit, doc: ConferencePackDocument, width: float) -> list:
    if not doc.agenda:
        body = [k.p("The agenda is empty: build it from the record or add items.", "missing")]
        return k.section(SECTION_TITLES["agenda"], body)
    # Many items: fewer lines each, so 30 items stay a few pages rather than fifteen.
    lines = 3 if len(doc.agenda) <= 8 else 1
    out: list = []
    for n, item in enumerate(doc.agenda, start=1):
        block: list = [k.p(f"{n}. {item.title}", "item")]
        about = lay.about_words(item)
        if about:
            block.append(k.p(about, "small"))
        block += [_lines(width, lines), Spacer(1, 2 * mm)]
        out.append(KeepTogether(block))
    return k.section(SECTION_TITLES["agenda"], out)


def _record(k: lay.Kit, doc: ConferencePackDocument, width: float) -> list:
    out: list = []

    def bullets(key: str, items, empty: str = NONE) -> None:
        body = [k.p(f"•  {x}") for x in items] if items else [k.empty(empty)]
        out.extend(k.section(SECTION_TITLES[key], body))

    def grid(key: str, head: list[str], rows: list[list], weights, empty: str = NONE) -> None:
        if not rows:
            out.extend(k.section(SECTION_TITLES[key], [k.empty(empty)]))
            return
        t = lay.table([k.cells(head, "cell_bold"), *rows], lay.cols(width, *weights))
        out.extend(k.section(SECTION_TITLES[key], [t]))

    bullets("problems", doc.problems, "No active problems recorded.")
    grid(
        "medicines",
        ["Medicine", "Dose and how taken"],
        [k.cells([m.name, m.dose]) for m in doc.medicines],
        (4.5, 5.5),
        "No current medicines recorded.",
    )
    bullets(
        "allergies",
        doc.allergies,
        "No known allergies." if doc.no_known_allergies else "Allergies not yet recorded.",
    )
    grid(
        "goals",
        ["Goal (the patient's words)", "Measure", "Target", "Latest", "On track"],
        [_goal_row(k, g) for g in doc.goals],
        (3.6, 1.5, 2.4, 2.2, 1.0),
        "No goals in the care plan.",
    )
    grid(
        "referrals",
        ["To", "Reason", "Status", "Since"],
        [
            k.cells(
                [
                    r.to,
                    r.reason,
                    st.join_nonempty([r.status, r.urgency], ", "),
                    st.short_day(r.since),
                ]
            )
            for r in doc.referrals
        ],
        (3, 4, 1.8, 1.4),
        "No open referrals.",
    )
    grid(
        "tasks",
        ["Task", "Who", "Was due"],
        [k.cells([t.title, t.owner, st.short_day(t.due)]) for t in doc.overdue_tasks],
        (5, 3, 1.6),
        "No overdue tasks.",
    )
    grid(
        "stays",
        ["When", "What", "Where", "Detail"],
        [k.cells([st.short_day(h.on), h.what, h.where, h.detail]) for h in doc.hospital_stays],
        (1.5, 2.4, 2.6, 3.5),
        "None in the last 90 days.",
    )
    grid(
        "changes",
        ["When", "What changed"],
        [k.cells([st.short_day(m.on), m.what]) for m in doc.medicine_changes],
        (1.5, 8.5),
        "None in the last 90 days.",
    )
    bullets("questions", doc.patient_questions, "No questions recorded yet: ask the patient.")
    return out


def _goal_row(k: lay.Kit, g: GoalProgress) -> list:
    latest = g.latest + (f" on {st.short_day(g.latest_on)}" if g.latest and g.latest_on else "")
    if g.on_track is None:
        track = k.p("—", "cell")
    else:
        track = k.p("Yes" if g.on_track else "No", "ok" if g.on_track else "missing")
    target = g.target + (f" by {st.short_day(g.due)}" if g.target and g.due else "")
    return [
        k.p(g.patient_words, "cell"),
        k.p(g.measure or "—", "cell"),
        k.p(target or "—", "cell"),
        k.p(latest or "No readings yet", "cell"),
        track,
    ]


def _notes(k: lay.Kit, width: float) -> list:
    rows = [k.cells(["Decision", "Who", "By when"], "cell_bold")]
    rows += [["", "", ""] for _ in range(5)]
    t = Table(rows, colWidths=lay.cols(width, 6, 2.5, 1.5), rowHeights=[None] + [9 * mm] * 5)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), st.SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, st.RULE),
                ("LINEAFTER", (0, 0), (-2, -1), 0.4, st.RULE),
            ]
        )
    )
    # Together: the page to write on at the meeting.
    return [
        KeepTogether(
            [
                *k.heading(SECTION_TITLES["notes"]),
                _lines(width, 6),
                *k.heading(SECTION_TITLES["decisions"]),
                t,
            ]
        )
    ]
