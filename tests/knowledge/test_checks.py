"""Checks over one list: the same ingredient twice, two of one class, interactions."""

import itertools
import sys
from pathlib import Path

import pytest

from carecoord_desktop.knowledge.base import knowledge_base
from carecoord_desktop.knowledge.checks import check

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from drug_kb import interactions as curated


def _pairs(result):
    return {(f.ingredients, f.severity) for f in result.interactions}


def test_brand_and_generic_are_the_same_ingredient_twice():
    result = check(["Panadeine Forte 2 tabs qid", "Panadol 500mg 2 tabs prn", "metformin"])
    assert [(d.kind, d.name, d.indices) for d in result.duplicates] == [
        ("ingredient", "paracetamol", (0, 1))]


def test_two_products_of_one_ingredient():
    result = check(["Lasix 40mg", "10 ML Furosemide 10 MG/ML Injection"])
    assert [(d.kind, d.indices) for d in result.duplicates] == [("ingredient", (0, 1))]


def test_two_drugs_of_one_class_but_not_classes_used_together_on_purpose():
    result = check(["Nurofen 200mg", "Mobic 7.5mg", "Ventolin prn", "Seretide 250/25",
                    "Lantus 20 units", "Novorapid 6 units"])
    kinds = [(d.kind, d.name, d.indices) for d in result.duplicates]
    assert ("class", "Nonsteroidal Anti-inflammatory Drug [EPC]", (0, 1)) in kinds
    # reliever + preventer inhalers, basal + bolus insulin: no class flag
    assert all(d.indices != (2, 3) and d.indices != (4, 5) for d in result.duplicates)


@pytest.mark.parametrize(("a", "b", "severity"), [
    ("warfarin", "Nurofen", "major"),
    ("Coumadin 5mg", "naproxen", "major"),
    ("warfarin", "Cartia 100mg", "major"),
    ("warfarin", "clopidogrel", "major"),
    ("methotrexate 10mg weekly", "ibuprofen", "major"),
    ("methotrexate", "trimethoprim 300mg", "contraindicated"),
    ("methotrexate", "Bactrim DS", "contraindicated"),
    ("simvastatin 40mg", "clarithromycin", "contraindicated"),
    ("lovastatin", "itraconazole", "contraindicated"),
    ("Zocor 20mg", "verapamil", "major"),
    ("simvastatin", "diltiazem", "major"),
    ("simvastatin", "amiodarone", "major"),
    ("digoxin", "Isoptin", "major"),
    ("Lanoxin", "amiodarone", "major"),
    ("sertraline", "tramadol", "major"),
    ("Lexapro", "Tramal", "major"),
    ("moclobemide", "sertraline", "contraindicated"),
    ("spironolactone", "Slow-K", "major"),
    ("amiloride", "Coversyl", "major"),
    ("citalopram", "amiodarone", "major"),
    ("haloperidol", "erythromycin", "major"),
    ("atazanavir", "Nexium", "contraindicated"),
    ("tizanidine", "ciprofloxacin", "contraindicated"),
    ("sildenafil", "Imdur", "contraindicated"),
])
def test_common_and_high_priority_interactions(a, b, severity):
    result = check([a, b])
    assert result.interactions, (a, b)
    assert result.interactions[0].severity == severity
    assert result.interactions[0].indices == (0, 1)
    first = result.interactions[0]
    assert first.mechanism and first.advice and first.source


def test_no_interaction_for_a_harmless_pair():
    assert check(["metformin", "atorvastatin"]).interactions == ()


def test_unrecognised_medicines_are_kept_and_listed_not_checked():
    result = check(["Grandma's tonic", "warfarin", "Nurofen"])
    assert result.unrecognised == (0,)
    assert result.medicines[0].text == "Grandma's tonic"
    assert all(0 not in f.indices for f in result.interactions)


def test_every_drug_of_every_class_pair_is_covered():
    """Each rule's member lists expand to pairs the shipped base really answers."""
    kb = knowledge_base()
    for rule in curated.RULES:
        for x, y in itertools.product(rule["a"], rule["b"]):
            if x != y:
                assert rule["id"] in {r.id for r in kb.rules_for(x, y)}, (rule["id"], x, y)
        for member in rule["a"] + rule["b"]:
            assert kb.lookup(member), member  # each member can be recognised by its name


def test_every_shipped_rule_has_severity_mechanism_advice_and_source():
    kb = knowledge_base()
    assert len(kb.rules) == len(curated.RULES)
    for rule in kb.rules:
        assert rule.severity in {"contraindicated", "major", "moderate", "minor"}
        assert rule.mechanism and rule.advice and rule.source and rule.title


def test_low_dose_aspirin_with_an_nsaid_is_an_interaction_not_two_nsaids():
    result = check(["Cartia 100mg mane", "Nurofen 200mg tds"])
    assert result.duplicates == ()
    assert [f.rule_id for f in result.interactions] == ["aspirin-nsaid"]


# The 15 high-priority pairs of Phansalkar et al. 2012 (Table 2), one example each.
PHANSALKAR_15 = [
    ("dexamfetamine", "phenelzine", "amphetamine-maoi"),
    ("atazanavir", "pantoprazole", "atazanavir-ppi"),
    ("febuxostat", "azathioprine", "febuxostat-thiopurine"),
    ("fluoxetine", "tranylcypromine", "serotonergic-maoi"),
    ("irinotecan", "ketoconazole", "irinotecan-3a4"),
    ("pethidine", "selegiline", "opioid-maoi"),
    ("amitriptyline", "phenelzine", "tca-maoi"),
    ("haloperidol", "methadone", "qt-qt"),
    ("ramelteon", "ciprofloxacin", "ramelteon-1a2"),
    ("ritonavir", "carbamazepine", "pi-inducer"),
    ("simvastatin", "ritonavir", "statin-pi"),
    ("ergotamine", "clarithromycin", "ergot-3a4"),
    ("tizanidine", "fluvoxamine", "tizanidine-1a2"),
    ("tranylcypromine", "procarbazine", "tranylcypromine-procarbazine"),
    ("sumatriptan", "moclobemide", "triptan-maoi"),
]


@pytest.mark.parametrize(("a", "b", "rule_id"), PHANSALKAR_15)
def test_each_phansalkar_high_priority_pair(a, b, rule_id):
    hits = {f.rule_id: f for f in check([a, b]).interactions}
    assert rule_id in hits, (a, b, sorted(hits))
    assert "Phansalkar" in hits[rule_id].source
