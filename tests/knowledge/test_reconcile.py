"""The pure reconciliation engine: matching, statuses and flags over the resulting list."""

import pytest

from carecoord_desktop.knowledge.reconcile import SourceLine, Status, reconcile


def _lines(prefix, texts):
    return [SourceLine(key=f"{prefix}{i}", text=t) for i, t in enumerate(texts)]


def _by_text(result):
    return {(r.new or r.current or r.reported).text: r for r in result.rows}


CURRENT = ["Coversyl 5mg daily", "metformin 500mg 1 tab bd with meals", "Atorvastatin 40 mg nocte",
           "Lasix 40mg mane", "Cartia 100mg mane", "Panadol Osteo 2 tabs tds"]
DISCHARGE = ["perindopril 10mg mane", "Diabex 500mg 1 tab tds", "atorvastatin 40mg nocte",
             "Aspirin 100mg mane STOP - GI bleed", "Pantoprazole 40mg daily",
             "Panadeine Forte 2 tabs qid prn pain"]


def test_statuses_against_a_discharge_list():
    result = reconcile(_lines("c", CURRENT), _lines("n", DISCHARGE))
    rows = _by_text(result)
    assert rows["perindopril 10mg mane"].status == Status.DOSE_CHANGED
    assert rows["perindopril 10mg mane"].current.text == "Coversyl 5mg daily"
    assert rows["perindopril 10mg mane"].matched_by == "ingredient"
    assert rows["Diabex 500mg 1 tab tds"].status == Status.FREQUENCY_CHANGED
    assert rows["atorvastatin 40mg nocte"].status == Status.UNCHANGED
    assert rows["Aspirin 100mg mane STOP - GI bleed"].status == Status.STOPPED
    assert rows["Aspirin 100mg mane STOP - GI bleed"].current.text == "Cartia 100mg mane"
    assert rows["Aspirin 100mg mane STOP - GI bleed"].note == "GI bleed"
    assert rows["Pantoprazole 40mg daily"].status == Status.NEW
    assert rows["Lasix 40mg mane"].status == Status.OMITTED
    # a combination finds its single-ingredient counterpart
    forte = rows["Panadeine Forte 2 tabs qid prn pain"]
    assert forte.current.text == "Panadol Osteo 2 tabs tds" and forte.matched_by == "partial"
    assert len(result.rows) == 7
    kinds = {f.kind for f in result.flags}
    assert {"dose_changed", "frequency_changed", "omitted"} <= kinds
    # the stopped aspirin is not on the resulting list
    stopped = [i for i, r in enumerate(result.rows) if r.status == Status.STOPPED]
    assert stopped and not set(stopped) & set(result.resulting_rows)


def test_one_gram_is_the_same_dose_as_two_500mg_tablets():
    result = reconcile(_lines("c", ["paracetamol 500mg 2 tabs qid"]),
                       _lines("n", ["Panadol 1g qid"]))
    assert result.rows[0].status == Status.UNCHANGED


def test_flags_across_the_resulting_list():
    result = reconcile(_lines("c", ["warfarin 5mg daily", "Lasix 40mg mane"]),
                       _lines("n", ["warfarin 5mg daily", "Lasix 40mg mane", "Nurofen 200mg tds",
                                    "furosemide 20mg nocte"]))
    kinds = [(f.kind, f.severity) for f in result.flags]
    assert ("interaction", "major") in kinds
    dup = [f for f in result.flags if f.kind == "ingredient_duplicate"]
    assert len(dup) == 1 and "furosemide" in dup[0].text
    interaction = next(f for f in result.flags if f.kind == "interaction")
    assert interaction.advice and interaction.source


def test_patient_report_only_and_differs():
    result = reconcile(_lines("c", ["metformin 500mg bd"]), _lines("n", ["metformin 500mg bd"]),
                       _lines("r", ["metformin 500mg daily", "St John's wort daily",
                                    "Grandma's tonic"]))
    rows = _by_text(result)
    assert rows["metformin 500mg bd"].reported.text == "metformin 500mg daily"
    assert rows["metformin 500mg bd"].reported_differs
    assert rows["St John's wort daily"].status == Status.REPORTED_ONLY
    tonic = rows["Grandma's tonic"]
    assert tonic.status == Status.REPORTED_ONLY and not tonic.recognised
    assert any(f.kind == "unrecognised" and "no checks run" in f.text for f in result.flags)


def test_current_against_patient_report_without_a_new_list():
    result = reconcile(_lines("c", ["Coversyl 5mg daily", "Lipitor 40mg nocte"]),
                       reported=_lines("r", ["perindopril 5mg daily"]))
    rows = _by_text(result)
    assert rows["Coversyl 5mg daily"].status == Status.UNCHANGED
    assert rows["Lipitor 40mg nocte"].status == Status.OMITTED


def test_unrecognised_medicines_match_only_by_their_name_as_written():
    result = reconcile(_lines("c", ["Grandma's tonic 10mL daily"]),
                       _lines("n", ["grandma's TONIC 10mL daily", "Other tonic"]))
    rows = _by_text(result)
    assert rows["grandma's TONIC 10mL daily"].current is not None
    assert rows["grandma's TONIC 10mL daily"].matched_by == "name"
    assert rows["Other tonic"].status == Status.NEW


def test_manual_matches_and_keeping_lines_apart():
    cur = _lines("c", ["Somac 40mg daily", "Nexium 20mg daily"])
    new = _lines("n", ["esomeprazole 40mg daily"])
    auto = reconcile(cur, new)
    assert _by_text(auto)["esomeprazole 40mg daily"].current.text == "Nexium 20mg daily"
    manual = reconcile(cur, new, pairs=[("c0", "n0")])
    row = _by_text(manual)["esomeprazole 40mg daily"]
    assert row.current.text == "Somac 40mg daily" and row.matched_by == "manual"
    apart = reconcile(cur, new, apart=["n0"])
    assert _by_text(apart)["esomeprazole 40mg daily"].status == Status.NEW
    assert _by_text(apart)["Nexium 20mg daily"].status == Status.OMITTED


@pytest.mark.parametrize(("pairs", "message"), [
    ([("c0", "zz")], "unknown line"),
    ([("c0", "n0"), ("c0",)], "two manual matches"),
    ([("c0", "c1")], "at most one line from each list"),
])
def test_bad_manual_matches_are_refused_with_a_clear_message(pairs, message):
    with pytest.raises(ValueError, match=message):
        reconcile(_lines("c", ["a", "b"]), _lines("n", ["c"]), pairs=pairs)


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="used twice"):
        reconcile(_lines("x", ["a"]), _lines("x", ["b"]))


def test_two_lines_of_one_ingredient_pair_by_strength_then_order():
    result = reconcile(_lines("c", ["Lasix 40mg mane", "furosemide 20mg nocte"]),
                       _lines("n", ["furosemide 20mg nocte", "furosemide 40mg mane"]))
    for row in result.rows:
        assert row.status == Status.UNCHANGED, row


def test_a_strength_written_without_its_unit_is_not_a_dose_change():
    result = reconcile(_lines("c", ["Lasix 40 mane"]), _lines("n", ["frusemide 40mg mane"]))
    assert result.rows[0].status == Status.UNCHANGED
    changed = reconcile(_lines("c", ["Lasix 40 mane"]), _lines("n", ["frusemide 80mg mane"]))
    assert changed.rows[0].status == Status.DOSE_CHANGED
