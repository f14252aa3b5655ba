"""The demo's care plans: a realistic mix the screens and packs can be tried on, and data the
services read and save like any plan a user made."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import text

from carecoord_desktop.services import accounts
from carecoord_desktop.services.careplans import observations, packs, plans, reviews
from carecoord_desktop.services.demo import DEMO_PASSWORD

PATIENTS, SEED = 400, 11


@pytest.fixture
def demo(demo_copy):
    return demo_copy(PATIENTS, SEED)


def nurse(demo):
    name = next(a.username for a in demo.accounts if a.role == "nurse")
    return accounts.authenticate(demo.workspace, name, DEMO_PASSWORD)


def test_the_demo_has_complete_incomplete_overdue_and_closed_plans(demo):
    ws = demo.workspace
    with ws.session() as session:
        statuses = Counter(
            dict(
                session.execute(
                    text("SELECT status, count(*) FROM care_plan GROUP BY status")
                ).all()
            )
        )
        with_plans = session.execute(
            text("SELECT count(DISTINCT patient_id) FROM care_plan")
        ).scalar()
        overdue = reviews.reviews_due(session, date.today())
        histories = session.execute(
            text(
                "SELECT count(*) FROM (SELECT goal_uid FROM observation GROUP BY goal_uid "
                "HAVING count(*) >= 3)"
            )
        ).scalar()
    assert 0.2 * PATIENTS < with_plans < 0.6 * PATIENTS
    assert statuses["active"] > statuses["draft"] > 0
    assert statuses["completed"] + statuses["cancelled"] > 0
    assert overdue and all(r.due < date.today() or r.due == date.today() for r in overdue)
    assert histories > 20

    actor = nurse(demo)
    complete = incomplete = 0
    with ws.session() as session:
        active = [
            r[0]
            for r in session.execute(
                text("SELECT id FROM care_plan WHERE status = 'active' ORDER BY id LIMIT 60")
            )
        ]
    for plan_id in active:
        [result] = packs.check_saved_plan(ws, actor, plan_id, ["gpccmp"])
        if result.complete:
            complete += 1
        else:
            incomplete += 1
            assert result.missing  # each named
    assert complete and incomplete


def test_a_demo_plan_opens_saves_and_charts_like_any_other(demo):
    ws, actor = demo.workspace, nurse(demo)
    with ws.session() as session:
        plan_id = session.execute(
            text(
                "SELECT p.id FROM care_plan p WHERE p.status = 'active' AND p.revision = 2 "
                "ORDER BY p.id LIMIT 1"
            )
        ).scalar()
    rec = plans.load_plan(ws, actor, plan_id)
    assert plans.diff(ws, actor, plan_id, 1, 2) == []  # the review changed no field
    assert plans.versions(ws, actor, plan_id)[0].kind == "reviewed"
    measured = next(
        g for g in rec.draft.goals if g.measure_kind != "custom" and g.target_value is not None
    )
    progress = observations.goal_progress(ws, actor, plan_id, measured.uid)
    assert len(progress.points) >= 2 and progress.trend
    draft = rec.draft
    draft.goals[0].priority = "low" if draft.goals[0].priority != "low" else "high"
    saved = plans.save_plan(ws, actor, draft, rec.version).value
    assert saved.saved and saved.plan.revision == 3
