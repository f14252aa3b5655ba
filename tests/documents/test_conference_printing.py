"""Smoke (to be grown)."""
from conference_print_support import held, patient, plan, providers, team  # noqa: F401
from carecoord_desktop.services.conferences import printing


def test_smoke(ws, team, held):
    pdf = printing.render_summary(ws, team["coordinator"], held.id)
    open("/tmp/cd_smoke/summary.pdf", "wb").write(pdf)
    pdf = printing.render_pack(ws, team["coordinator"], held.id)
    open("/tmp/cd_smoke/pack.pdf", "wb").write(pdf)
