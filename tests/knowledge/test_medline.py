"""The medication line grammar, on lines as practices and hospitals write them."""

import pytest

from carecoord_desktop.knowledge.medline import parse_line

# (line, expected fields); fields not named are not checked.
LINES = [
    ("metformin 500mg 1 tab bd with meals",
     dict(name="metformin", strength="500 mg", dose_amount=1.0, dose_unit="tablet", route="oral",
          frequency="bd", times_per_day=2, instructions="with meals", prn=False)),
    ("Atorvastatin 40 mg nocte",
     dict(name="Atorvastatin", strength="40 mg", frequency="nocte", times_of_day=("night",))),
    ("Ventolin 2 puffs prn",
     dict(name="Ventolin", dose_amount=2.0, dose_unit="puff", route="inhaled", prn=True)),
    ("Insulin glargine 20 units mane",
     dict(name="Insulin glargine", dose_amount=20.0, dose_unit="unit", frequency="mane",
          times_of_day=("morning",), strength=None)),
    ("Panadeine Forte 2 tabs qid prn pain",
     dict(name="Panadeine Forte", dose_amount=2.0, dose_unit="tablet", frequency="qid",
          times_per_day=4, prn=True, prn_reason="pain")),
    ("frusemide 40mg mane", dict(name="frusemide", strength="40 mg", strength_mg=40.0,
                                 frequency="mane")),
    ("Coversyl 5mg daily", dict(name="Coversyl", strength="5 mg", frequency="daily",
                                times_per_day=1)),
    ("Paracetamol 1g qid prn", dict(name="Paracetamol", strength="1 g", strength_mg=1000.0,
                                    frequency="qid", prn=True)),
    ("Seretide 250/25 2 puffs bd rinse mouth after use",
     dict(name="Seretide", strength="250/25", dose_amount=2.0, dose_unit="puff",
          frequency="bd", instructions="rinse mouth after use")),
    ("Methotrexate 10mg weekly on Mondays",
     dict(name="Methotrexate", strength="10 mg", frequency="weekly", days=("monday",))),
    ("Endone 5mg 1-2 tabs q4h prn pain",
     dict(name="Endone", dose_amount=1.0, dose_max=2.0, frequency="q4h", times_per_day=6.0,
          prn=True, prn_reason="pain")),
    ("Lantus 24 units SC nocte",
     dict(name="Lantus", dose_amount=24.0, route="subcutaneous", frequency="nocte")),
    ("GTN spray 1-2 sprays SL prn chest pain",
     dict(name="GTN spray", dose_unit="spray", route="sublingual", prn_reason="chest pain")),
    ("Somac 40mg 1 daily before breakfast",
     dict(name="Somac", dose_amount=1.0, frequency="daily", instructions="before breakfast")),
    ("metoprolol 25mg half tab bd", dict(dose_amount=0.5, dose_unit="tablet", frequency="bd")),
    ("Micardis Plus 80/12.5mg 1 tab mane",
     dict(name="Micardis Plus", strength="80/12.5 mg", dose_amount=1.0)),
    ("Vitamin D 1000 IU daily", dict(name="Vitamin D", strength="1000 IU", frequency="daily")),
    ("Xarelto 20mg once daily with evening meal",
     dict(name="Xarelto", frequency="daily", instructions="with evening meal")),
    ("Spiriva 2 inhalations mane", dict(name="Spiriva", dose_unit="puff", frequency="mane")),
    ("Nurofen 200 mg 2 tabs three times a day when needed",
     dict(name="Nurofen", strength="200 mg", dose_amount=2.0, frequency="tds", prn=True)),
    ("Aspirin 100mg mane STOP - GI bleed",
     dict(name="Aspirin", stop=True, stop_reason="GI bleed")),
    ("Lasix 40mg", dict(name="Lasix", strength="40 mg", frequency=None)),
    # Coded displays from FHIR (Synthea/RxNorm).
    ("Naproxen sodium 220 MG Oral Tablet",
     dict(name="Naproxen sodium", strength="220 mg", route="oral", dose_unit="tablet")),
    ("10 ML Furosemide 10 MG/ML Injection",
     dict(name="Furosemide", strength="10 mg/mL", strength_unit="mg/mL", route="injection")),
    ("24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]",
     dict(name="metoprolol succinate", strength="100 mg")),
    ("120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
     dict(name="Fluticasone propionate", strength="0.044 mg/actuat", route="inhaled")),
]


@pytest.mark.parametrize(("line", "expected"), LINES, ids=[x[0] for x in LINES])
def test_reads_real_looking_lines(line, expected):
    parsed = parse_line(line)
    assert parsed.text == line
    for key, value in expected.items():
        assert getattr(parsed, key) == value, key
    assert not parsed.flagged, parsed.unparsed


def test_what_it_cannot_read_is_kept_as_written_and_flagged():
    parsed = parse_line("Prednisolone 25mg mane for 5 days then taper slowly")
    assert parsed.flagged
    assert parsed.unparsed == ("taper", "slowly")
    assert parsed.strength == "25 mg" and parsed.instructions == "for 5 days"
    assert parsed.text == "Prednisolone 25mg mane for 5 days then taper slowly"


@pytest.mark.parametrize("line", ["", "   ", "2 tabs bd", "???", "1/2/3/4", "mg mg mg"])
def test_bad_input_never_raises_and_is_flagged(line):
    parsed = parse_line(line)
    assert parsed.text == line
    assert parsed.flagged


def test_a_second_time_word_adds_a_time_without_losing_the_frequency():
    parsed = parse_line("Diabex 1g bd with breakfast and dinner")
    assert parsed.frequency == "bd"
    assert parsed.instructions == "with breakfast"
    assert "evening" in parsed.times_of_day  # "and dinner" read as a time, not dropped
    assert not parsed.flagged


def test_plain_words_for_the_card():
    assert parse_line("Ventolin 2 puffs prn wheeze").frequency_text == "when needed for wheeze"
    assert parse_line("Coversyl 5mg mane").frequency_text == "in the morning"


HOSPITAL_LINES = [
    ("Paracetamol 1 g PO QID PRN", dict(strength="1 g", route="oral", frequency="qid", prn=True)),
    ("Enoxaparin 40 mg SC daily", dict(route="subcutaneous", frequency="daily")),
    ("Frusemide 40 mg PO mane (was 20mg)", dict(strength="40 mg", instructions="was 20mg")),
    ("CEASED: Aspirin 100mg", dict(name="Aspirin", stop=True, strength="100 mg")),
    ("STOP Nurofen", dict(name="Nurofen", stop=True)),
    ("Amoxicillin 500mg tds x 5 days", dict(frequency="tds", instructions="for 5 days")),
    ("Salbutamol 100mcg/dose 2 puffs 4 hourly prn",
     dict(strength="100 mcg/dose", frequency="q4h", times_per_day=6.0, prn=True)),
    ("Ondansetron 4mg ODT 8 hourly prn nausea",
     dict(dose_unit="tablet", frequency="q8h", prn_reason="nausea")),
    ("Fentanyl patch 12mcg/hr change every 72 hours",
     dict(name="Fentanyl patch", strength="12 mcg/hr", frequency="q72h")),
    ("Denosumab 60mg every 6 months", dict(frequency="every 6 months")),
    ("Insulin aspart 4-8 units with meals as per sliding scale",
     dict(dose_amount=4.0, dose_max=8.0, instructions="as per sliding scale; with meals")),
    ("Warfarin as per INR", dict(name="Warfarin", instructions="as per INR")),
    ("Clopidogrel 75mg daily - withhold 7 days pre-op",
     dict(frequency="daily", stop=False, instructions="withhold 7 days pre-op")),
    ("Lasix 40 mane", dict(name="Lasix", strength="40", strength_unit=None, frequency="mane")),
    ("Metformin 500 2 tabs bd", dict(strength="500", dose_amount=2.0, dose_unit="tablet")),
    ("Mirtazapine 15 mg at night", dict(frequency="nocte", times_of_day=("night",))),
    ("Alendronate 70mg once weekly on Sunday", dict(frequency="weekly", days=("sunday",))),
    ("Coloxyl & Senna 2 tabs nocte", dict(name="Coloxyl & Senna", dose_amount=2.0)),
    ("Vitamin B12 1000mcg IM monthly", dict(route="intramuscular", frequency="monthly")),
]


@pytest.mark.parametrize(("line", "expected"), HOSPITAL_LINES, ids=[x[0] for x in HOSPITAL_LINES])
def test_reads_discharge_summary_lines(line, expected):
    parsed = parse_line(line)
    for key, value in expected.items():
        assert getattr(parsed, key) == value, key
    assert not parsed.flagged, parsed.unparsed


def test_a_taper_is_kept_as_text_not_read_as_a_frequency():
    parsed = parse_line("Prednisolone 50mg daily, reduce by 5mg every 3 days")
    assert parsed.frequency == "daily" and parsed.dose_amount is None
    assert parsed.flagged and "reduce" in parsed.unparsed


@pytest.mark.parametrize(
    ("line", "times"),
    [
        ("metformin 500mg bd", ("morning", "evening")),
        ("metformin 500mg twice a day", ("morning", "evening")),
        ("amoxicillin 500 mg tds", ("morning", "midday", "evening")),
        ("Atorvastatin 40 mg nocte", ("night",)),
    ],
)
def test_twice_or_three_times_a_day_ends_in_the_evening_not_at_bedtime(line, times):
    # A patient takes "twice a day" with breakfast and the evening meal; bedtime is "nocte".
    assert parse_line(line).times_of_day == times
