"""The demo's medicines: whole list entries read by the knowledge base, and discharge lists
waiting to be reconciled in each state a user meets."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from carecoord_desktop.services import accounts, settings
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.demo import create_demo_workspace
from tests_support import TEST_SCRYPT_N


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    created = create_demo_workspace(
        tmp_path_factory.mktemp("demo") / "ws", patients=600, seed=11, scrypt_n=TEST_SCRYPT_N
    )
    yield created
    created.workspace.close()


def test_every_demo_medicine_is_a_whole_list_entry(demo):
    with demo.workspace.engine.connect() as conn:
        missing = conn.execute(
            text("SELECT count(*) FROM medication WHERE written IS NULL OR recognised_as IS NULL")
        ).scalar()
        total, recognised = conn.execute(
            text("SELECT count(*), count(ingredients) FROM medication")
        ).one()
    assert total > 1000 and missing == 0
    assert recognised / total > 0.5


def test_recently_discharged_patients_have_lists_waiting(demo):
    ws = demo.workspace
    admin = accounts.authenticate(ws, "admin", demo.password)
    with ws.engine.connect() as conn:
        rec_ids = [r[0] for r in conn.execute(text("SELECT id FROM med_reconciliation"))]
    assert len(rec_ids) >= 3
    views = [meds.get_reconciliation(ws, admin, i) for i in rec_ids]
    states = {v.state for v in views}
    assert {"open", "awaiting_signoff"} <= states
    for v in views:
        new = next(s for s in v.sources if s.kind == "new")
        assert new.label.startswith("Discharge summary") and new.line_count >= 2
        assert v.transition.startswith("Admission") and v.items
    with ws.session() as session:
        assert meds.awaiting_signoff(session)
    assert settings.load(ws).practice_phone
