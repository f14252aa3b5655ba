"""The shipped knowledge base files, their manifest, the loader and the build script."""

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from carecoord_desktop.knowledge import base
from carecoord_desktop.knowledge.base import KnowledgeBase, KnowledgeBaseError, knowledge_dir
from carecoord_desktop.knowledge.recognise import recognise

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import build_drug_kb


def test_manifest_names_every_source_with_licence_and_its_counts_are_true():
    kb = KnowledgeBase()
    m = kb.manifest
    assert {s["code"] for s in m["sources"]} == {"dner", "fda-epc", "au-name", "au-brand",
                                                 "interactions"}
    for source in m["sources"]:
        assert source["licence"] and source["version"] and source["name"]
    assert m["counts"]["names"] == len(kb._names)
    assert m["counts"]["ingredients"] == len(kb.ingredient_keys())
    assert m["counts"]["classes"] == kb.class_count
    assert m["counts"]["interaction_pairs"] == kb.pair_count
    assert m["counts"]["names"] > 40_000 and m["counts"]["interaction_pairs"] > 2_000


def test_shipped_files_match_the_manifest_checksums():
    folder = knowledge_dir()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_no_ddinter_or_crediblemeds_content():
    text = (knowledge_dir() / "interactions.json").read_text("utf-8").lower()
    assert "ddinter" not in text.replace("no ddinter", "")
    for rule in json.loads(text)["rules"]:
        assert "crediblemeds" not in rule["source"].replace("not crediblemeds", "")


def test_about_gives_version_sources_and_counts_for_the_about_box():
    info = base.about()
    assert info["version"] and info["built"]
    assert any(s["licence"] == "MIT" for s in info["sources"])
    text = base.about_text()
    assert info["version"] in text and "MIT" in text and "interaction pairs" in text


@pytest.mark.parametrize("word", ["patient", "water", "a", "tab", "daily", "horse", "honey"])
def test_ordinary_words_are_not_names(word):
    assert not KnowledgeBase().has_name(word)


def test_a_damaged_file_gives_a_clear_error(tmp_path):
    shutil.copytree(knowledge_dir(), tmp_path / "kb")
    (tmp_path / "kb" / "ingredients.tsv").write_text("# header\nbroken line without tabs\n")
    with pytest.raises(KnowledgeBaseError, match="damaged"):
        KnowledgeBase(tmp_path / "kb")
    (tmp_path / "kb" / "names.tsv").unlink()
    with pytest.raises(KnowledgeBaseError, match="rebuild"):
        KnowledgeBase(tmp_path / "kb")


def test_a_missing_base_says_how_to_get_it_back(monkeypatch, tmp_path):
    monkeypatch.setattr(base, "__file__", str(tmp_path / "a" / "b" / "c" / "base.py"))
    with pytest.raises(KnowledgeBaseError, match="missing"):
        knowledge_dir()


def test_the_build_splits_combinations_strips_salts_and_keeps_single_ingredient_classes(
        tmp_path):
    dner = {
        "drug_variant_to_canonical": {
            "zapril": ["zapril"], "zapril maleate": ["zapril"], "brandx": ["zapril"],
            "zapril and hydrochlorothiazide": ["zapril and hydrochlorothiazide"],
            "comboz": ["zapril and hydrochlorothiazide"],
            "hydrochlorothiazide": ["hydrochlorothiazide"], "rainbow trout": ["rainbow trout"],
            "acetaminophen": ["acetaminophen"], "tylenol": ["acetaminophen"],
        },
        "drug_canonical_to_data": {
            "zapril": {"drugbank_id": "DB1"}, "hydrochlorothiazide": {"drugbank_id": "DB2"},
            "zapril and hydrochlorothiazide": {"medline_plus_id": "a1"},
            "rainbow trout": {"mesh_id": "D1"}, "acetaminophen": {"drugbank_id": "DB3"},
        },
    }
    products = [
        {"SUBSTANCENAME": "ZAPRIL MALEATE", "PRODUCTTYPENAME": "HUMAN PRESCRIPTION DRUG",
         "PHARM_CLASSES": "Zapril Inhibitor [EPC],Zapril Inhibitors [MoA]"},
        {"SUBSTANCENAME": "ZAPRIL MALEATE; HYDROCHLOROTHIAZIDE",
         "PRODUCTTYPENAME": "HUMAN PRESCRIPTION DRUG", "PHARM_CLASSES": "Wrong Class [EPC]"},
        {"SUBSTANCENAME": "HYDROCHLOROTHIAZIDE", "PRODUCTTYPENAME": "HUMAN PRESCRIPTION DRUG",
         "PHARM_CLASSES": "Thiazide Diuretic [EPC]"},
    ]
    build_drug_kb.build(dner, products, tmp_path)
    kb = KnowledgeBase(tmp_path)
    assert kb.lookup("comboz")[0] == ("zapril", "hydrochlorothiazide")
    assert kb.lookup("zapril maleate")[0] == ("zapril",)
    assert kb.lookup("tylenol")[0] == ("paracetamol",)  # US name -> the AU key
    assert kb.display("furosemide") == "furosemide (frusemide)"
    assert not kb.has_name("rainbow trout")  # no DrugBank/MedlinePlus/NHS entry: not a drug
    assert kb.classes("zapril") == ("Zapril Inhibitor [EPC]",)  # combination product ignored
    assert kb.classes("hydrochlorothiazide") == ("Thiazide Diuretic [EPC]",)
    assert kb.lookup("panadeine forte")[0] == ("paracetamol", "codeine")
    assert recognise("Comboz 20/12.5", kb=kb).ingredients == ("zapril", "hydrochlorothiazide")
