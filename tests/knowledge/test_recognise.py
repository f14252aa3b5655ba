"""Recognising medicines against the shipped knowledge base."""

import pytest

from carecoord_desktop.knowledge import recognise as recognise_module
from carecoord_desktop.knowledge.base import knowledge_base
from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED, recognise


@pytest.mark.parametrize(("text", "ingredients"), [
    ("Panadeine Forte 2 tabs qid prn pain", ("paracetamol", "codeine")),
    ("Coversyl 5mg daily", ("perindopril",)),
    ("Coversyl Plus 5/1.25", ("perindopril", "indapamide")),
    ("Seretide 250/25 2 puffs bd", ("fluticasone", "salmeterol")),
    ("Diabex 500mg bd", ("metformin",)),
    ("Panadol Osteo 2 tabs tds", ("paracetamol",)),
    ("Ventolin 2 puffs prn", ("salbutamol",)),
    ("Micardis Plus 80/12.5 mane", ("telmisartan", "hydrochlorothiazide")),
    ("Symbicort 200/6 2 puffs bd", ("budesonide", "formoterol")),
    ("Janumet 50/1000 bd", ("sitagliptin", "metformin")),
    ("Cartia 100mg mane", ("aspirin",)),
    ("Astrix 100", ("aspirin",)),
    ("Marevan 3mg", ("warfarin",)),
    ("Coumadin 5mg", ("warfarin",)),
    ("Noten 50mg", ("atenolol",)),
    ("Somac 40mg", ("pantoprazole",)),
    ("Lanoxin 62.5mcg", ("digoxin",)),
    ("Isoptin SR 180mg", ("verapamil",)),
    ("Novorapid 6 units tds", ("insulin aspart",)),
    ("Lantus 20 units nocte", ("insulin glargine",)),
    ("Trulicity 1.5mg weekly", ("dulaglutide",)),
    ("Endone 5mg", ("oxycodone",)),
    ("Tramal 50mg", ("tramadol",)),
    ("Efexor-XR 75mg", ("venlafaxine",)),
    ("Lasix 40mg", ("furosemide",)),
    ("frusemide 40mg mane", ("furosemide",)),
    ("paracetamol 1g", ("paracetamol",)),
    ("acetaminophen 500 mg", ("paracetamol",)),
    ("salbutamol inhaler", ("salbutamol",)),
    ("albuterol", ("salbutamol",)),
    ("lignocaine 1%", ("lidocaine",)),
    ("adrenaline 300mcg autoinjector", ("adrenaline",)),
    ("glyceryl trinitrate spray", ("glyceryl trinitrate",)),
    ("Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", ("glyceryl trinitrate",)),
    ("Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet", ("amoxicillin", "clavulanic acid")),
    ("Naproxen sodium 220 MG Oral Tablet", ("naproxen",)),
    ("Warfarin Sodium 5 MG Oral Tablet", ("warfarin",)),
    ("24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]", ("metoprolol",)),
])
def test_names_brands_and_combinations(text, ingredients):
    found = recognise(text)
    assert found.ingredients == ingredients
    assert found.how == "exact"
    assert found.text == text


def test_au_display_names():
    assert recognise("acetaminophen").display == "paracetamol"
    assert recognise("albuterol").display == "salbutamol"
    assert recognise("Lasix").display == "furosemide (frusemide)"
    assert recognise("Panadeine Forte").display == "paracetamol + codeine"
    assert recognise("epinephrine").display == "adrenaline (epinephrine)"


def test_every_brand_entry_says_where_it_came_from():
    found = recognise("Panadeine Forte")
    assert found.sources == ("au-brand",)
    assert recognise("metformin").sources == ("dner",)


def test_a_misspelt_single_word_is_matched_fuzzily_and_says_so():
    found = recognise("Simvistatin 10 MG")
    assert found.ingredients == ("simvastatin",)
    assert found.how == "fuzzy"
    assert found.score is not None and found.score >= recognise_module.FUZZY_THRESHOLD


@pytest.mark.parametrize("text", [
    "patient", "Patient's own supply", "Grandma's tonic", "blood pressure tablet",
    "the white one", "herbal tea", "unknown eye drops", "", "   ", "12345", "see discharge",
])
def test_ordinary_words_are_not_turned_into_drugs(text):
    found = recognise(text)
    assert not found.recognised
    assert found.how == "none"
    assert found.display == text  # kept exactly as written
    assert found.status == NOT_RECOGNISED == "not recognised: no checks run"


def test_fuzzy_matching_is_deterministic_and_only_on_single_name_words():
    first = [recognise(x) for x in ("Atorvastatn", "Metfromin 500mg", "Simvistatin")]
    again = [recognise(x) for x in ("Atorvastatn", "Metfromin 500mg", "Simvistatin")]
    assert first == again
    # Words after the strength are not fuzzy-matched ("tabelts" is not a drug).
    assert not recognise("Zzqx 10mg tabelts").recognised


def test_fuzzy_threshold_is_what_keeps_near_words_out(monkeypatch):
    assert not recognise("patient").recognised
    monkeypatch.setattr(recognise_module, "FUZZY_THRESHOLD", 60.0)
    monkeypatch.setattr(recognise_module, "_NOT_DRUG_WORDS", frozenset())
    assert recognise("patient").recognised  # what the threshold and word list prevent


def test_classes_per_ingredient():
    kb = knowledge_base()
    assert "Nonsteroidal Anti-inflammatory Drug [EPC]" in kb.classes("naproxen")
    assert "HMG-CoA Reductase Inhibitor [EPC]" in kb.classes("simvastatin")
    assert "Sulfonylurea [EPC]" in kb.classes("gliclazide")  # from the AU supplement
    assert "Thiazide Diuretic [EPC]" in kb.classes("bendroflumethiazide")
    assert kb.classes("paracetamol")
    assert recognise("Panadeine Forte").classes() == (
        "Analgesic and Antipyretic [EPC]", "Opioid Agonist [EPC]")


BRIEF_BRANDS = """Panadeine Forte, Coversyl, Seretide, Diabex, Panadol, Ventolin, Lasix, Noten,
Somac, Nexium, Cartia, Karvea, Micardis Plus, Symbicort, Spiriva, Lipitor, Crestor, Zocor, Lanoxin,
Isoptin, Coumadin, Marevan, Mobic, Nurofen, Voltaren, Celebrex, Endone, Tramal, Lyrica, Zoloft,
Lexapro, Cipramil, Efexor, Avanza, Seroquel, Xarelto, Eliquis, Pradaxa, Plavix, Cardiprin, Astrix,
Jardiance, Forxiga, Januvia, Janumet, Trulicity, Lantus, Novorapid"""


@pytest.mark.parametrize("brand", [b.strip() for b in BRIEF_BRANDS.split(",")])
def test_common_australian_brands_are_recognised_exactly(brand):
    found = recognise(brand)
    assert found.recognised and found.how == "exact", brand


@pytest.mark.parametrize(("text", "ingredients"), [
    ("Perindopril arginine 5mg", ("perindopril",)),
    ("Losartan potassium 50mg", ("losartan",)),
    ("Penicillin V Potassium 500 MG Oral Tablet", ("penicillin v potassium",)),
    ("Potassium chloride 600mg", ("potassium chloride",)),
    ("magnesium 300mg nocte", ("magnesium",)),
])
def test_a_salt_word_after_a_drug_is_its_salt_not_a_second_medicine(text, ingredients):
    assert recognise(text).ingredients == ingredients


def test_a_shelf_brand_is_read_exactly_not_fuzzily_as_something_else():
    found = recognise("Betadine gargle")
    assert found.how == "exact" and found.ingredients == ("povidone-iodine",)
