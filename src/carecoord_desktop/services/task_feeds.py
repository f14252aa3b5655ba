"""What feeds the task board from the other features, in one place: it registers the sources
of tasks that fall due by date (care plan reviews, referrals unanswered past the practice's
limit) with the board's sweep, and `sync` runs the
sweep and closes the tasks whose event is over. The app runs it at every sign-in (on a worker)
and the board when it is opened; the CLI's `carecoord tasks sync` for a nightly job.

Tasks that follow an action (a discharge's follow-ups, a reconciliation waiting for sign-off,
its sign-off) are opened and closed by that action itself, in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecoord_desktop.services.careplans import task_events as plan_tasks
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals import followups as referral_tasks
from carecoord_desktop.services.tasks import events
from carecoord_desktop.store.workspace import Workspace

events.register_source(plan_tasks.review_tasks)
events.register_source(referral_tasks.unanswered_referrals)  # registers itself too; once only


@dataclass(frozen=True)
class FeedResult:
    opened: int
    closed: int


def sync(ws: Workspace, actor: Actor, today: date | None = None) -> Changed[FeedResult]:
    """Open the tasks that fell due and close those whose event is over. Idempotent."""
    require(actor, Permission.MANAGE_TASKS)
    day = today or date.today()
    opened = events.sync_due_tasks(ws, day, actor=actor)
    with ws.write_session() as session:
        closed = plan_tasks.close_finished(session, actor)
        patients = events.patients_of(session, closed)
        session.commit()
    result = FeedResult(len(opened.value.created), len(closed))
    changes = opened.changes
    if closed:
        changes = changes | Changes.of(Kind.TASKS, Kind.AUDIT, patients=patients)
    return Changed(result, changes if (result.opened or result.closed) else NO_CHANGES)
