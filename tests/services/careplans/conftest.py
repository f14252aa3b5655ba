"""Care plan fixtures: a practice with a patient who has conditions, a care team and staff of
every role (from careplan_support, shared with the UI tests)."""

from __future__ import annotations

import careplan_support

# The shared fixtures (careplan_support), registered here for these tests.
team = careplan_support.team
patient = careplan_support.patient
