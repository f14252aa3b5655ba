"""The features' share of a demo practice: care plans, medicines, tasks, … on top of the
synthetic patients and staff that `demo.py` makes.

A feature adds a module `services/demo_<feature>.py` with

    def seed(ws, admin, rng, *, patient_ids, staff, options) -> None

and one line in SEEDERS below. `rng` is a `random.Random` of the feature's own (the same demo
seed gives the same data, and one feature's draws never shift another's), `patient_ids` the
ids of the demo's patients, `staff` a list of `DemoStaff`, `options` the demo's extra options
(for example `{"tasks": 2000}` from `carecoord demo --tasks 2000`). Seeders run in order, each
after the ones above it, and must write through their own feature's services or in one
transaction with one audit row, like `demo.seed_patients`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import select

from carecoord_desktop.models.patient import Patient
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import (
    demo_careplans,
    demo_conferences,
    demo_medications,
    demo_referrals,
    demo_tasks,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class DemoStaff:
    id: int
    username: str
    full_name: str
    role: Role


Seeder = Callable[..., None]

# (name, seeder): the name keys the feature's random stream.
SEEDERS: list[tuple[str, Seeder]] = [
    ("careplans", demo_careplans.seed),
    ("medicines", demo_medications.seed),
    ("tasks", demo_tasks.seed),
    ("referrals", demo_referrals.seed),
    ("conferences", demo_conferences.seed),
]


def seed_features(
    ws: Workspace,
    admin: Actor,
    *,
    seed: int,
    staff: Sequence[DemoStaff],
    options: dict | None = None,
) -> None:
    patient_ids = _patient_ids(ws) if SEEDERS else []
    for name, seeder in SEEDERS:
        seeder(
            ws,
            admin,
            random.Random(f"{name}:{seed}"),
            patient_ids=patient_ids,
            staff=list(staff),
            options=dict(options or {}),
        )


def _patient_ids(ws: Workspace) -> list[int]:
    with ws.session() as session:
        return list(session.exec(select(Patient.id).order_by(Patient.id)))
