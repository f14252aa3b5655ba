"""`carecoord meds check` and `carecoord meds about`: the knowledge base alone, no workspace."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from carecoord_desktop import cli


@pytest.fixture
def run(monkeypatch, capsys, tmp_path):
    # A workspace setting that points nowhere: the command must not need (or create) one.
    monkeypatch.setenv("CARECOORD_WORKSPACE", str(tmp_path / "no-workspace"))

    def _run(*argv: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    assert not (tmp_path / "no-workspace").exists()


def test_json_has_exactly_the_documented_keys_and_inputs_as_given(run):
    names = ["Panadeine Forte 2 tabs qid", "PANADOL 500mg", "warfarin", "Nurofen",
             "Grandma's tonic"]
    code, out, err = run("meds", "check", "--json", *names)
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"knowledge_base", "medicines", "duplicates", "interactions"}
    assert set(data["knowledge_base"]) == {"version"}
    assert [m["input"] for m in data["medicines"]] == names
    for med in data["medicines"]:
        assert set(med) == {"input", "recognised", "ingredients", "classes"}
    assert data["medicines"][0]["ingredients"] == ["paracetamol", "codeine"]
    assert data["medicines"][4] == {"input": "Grandma's tonic", "recognised": False,
                                    "ingredients": [], "classes": []}
    assert data["duplicates"] == [{"kind": "ingredient",
                                   "inputs": ["Panadeine Forte 2 tabs qid", "PANADOL 500mg"]}]
    [hit] = data["interactions"]
    assert set(hit) == {"inputs", "ingredients", "severity", "advice", "source"}
    assert hit["inputs"] == ["warfarin", "Nurofen"]
    assert hit["ingredients"] == ["warfarin", "ibuprofen"]
    assert hit["severity"] == "major" and hit["advice"] and hit["source"]


def test_class_duplicates_in_json(run):
    _, out, _ = run("meds", "check", "--json", "Nurofen", "Mobic 7.5mg")
    assert {"kind": "class", "inputs": ["Nurofen", "Mobic 7.5mg"]} in json.loads(out)["duplicates"]


def test_plain_output_for_a_person(run):
    code, out, _ = run("meds", "check", "Lexapro 10mg", "Tramal 50mg", "the white one")
    assert code == 0
    assert "Lexapro 10mg" in out and "escitalopram" in out
    assert "MAJOR: Lexapro 10mg with Tramal 50mg" in out
    assert "the white one  not recognised: no checks run" in out
    assert "1 not recognised" in out


def test_nothing_found_says_so(run):
    _, out, _ = run("meds", "check", "metformin", "atorvastatin")
    assert "No duplicates or interactions found" in out


def test_about_shows_version_sources_and_licences(run):
    code, out, _ = run("meds", "about")
    assert code == 0
    assert "drug-named-entity-recognition" in out and "MIT" in out and "Public domain" in out


def test_check_needs_at_least_one_name_and_takes_no_as(run):
    with pytest.raises(SystemExit) as stop:
        run("meds", "check")
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        run("meds", "check", "--as", "admin", "warfarin")
    assert stop.value.code == 2


def test_the_console_command_runs_with_no_workspace_and_no_input(tmp_path):
    env = {**os.environ, "CARECOORD_WORKSPACE": str(tmp_path / "none"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "carecoord_desktop.cli", "meds", "check", "--json", "Lasix",
         "10 ML Furosemide 10 MG/ML Injection"],
        capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["duplicates"][0]["kind"] == "ingredient"
    assert not (tmp_path / "none").exists()
