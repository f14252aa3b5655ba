#!/usr/bin/env bash
# Re-make the page images of the care plan and care conference documents shown in the README
# (docs/images/): the synthetic samples (documents/careplan_sample.py, conference_sample.py)
# rendered as PDFs, then each page as a PNG with poppler's pdftoppm. Look at every page after a change to the documents.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
out="$root/docs/images"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
"$python" - "$tmp" <<'PY'
import sys
from pathlib import Path

from carecoord_desktop.documents.careplan_pdf import render_care_plan
from carecoord_desktop.documents.careplan_sample import sample_handout, sample_plan
from carecoord_desktop.documents.conference_pack import render_conference_pack
from carecoord_desktop.documents.conference_sample import PACK, SUMMARY
from carecoord_desktop.documents.conference_summary import render_conference_summary
from carecoord_desktop.documents.handout_pdf import render_handout

tmp = Path(sys.argv[1])
(tmp / "careplan.pdf").write_bytes(render_care_plan(sample_plan()))
(tmp / "handout.pdf").write_bytes(render_handout(sample_handout()))
(tmp / "handout-he.pdf").write_bytes(render_handout(sample_handout(language="he")))
(tmp / "conference-summary.pdf").write_bytes(render_conference_summary(SUMMARY))
(tmp / "conference-pack.pdf").write_bytes(render_conference_pack(PACK))
PY
rm -f "$out"/careplan-*.png "$out"/handout-*.png "$out"/conference-*.png
pdftoppm -png -r 70 "$tmp/careplan.pdf" "$out/careplan"
pdftoppm -png -r 70 "$tmp/handout.pdf" "$out/handout"
pdftoppm -png -r 70 -f 1 -l 1 "$tmp/handout-he.pdf" "$out/handout-he"
pdftoppm -png -r 70 "$tmp/conference-summary.pdf" "$out/conference-summary"
pdftoppm -png -r 70 -f 1 -l 1 "$tmp/conference-pack.pdf" "$out/conference-pack"
ls "$out"
