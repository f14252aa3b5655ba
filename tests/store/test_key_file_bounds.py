"""A key file edited to ask for an enormous scrypt cost, or with a broken nonce or salt, is
reported as damaged in words before scrypt runs (no big allocation, no traceback), and the
CLI exits with code 2."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys

import pytest

from carecoord_desktop import cli
from carecoord_desktop.errors import KeyFileDamagedError, WrongRecoveryKeyError
from carecoord_desktop.store import keys
from carecoord_desktop.store.keys import (
    DataKey,
    RecoveryKey,
    check_key_file,
    read_key_file,
    unwrap_data_key,
    wrap_data_key,
)
from carecoord_desktop.store.workspace import KEY_FILE
from tests_support import TEST_SCRYPT_N


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


TAMPERS = {
    "n=2^22 (4 GiB)": (lambda d: d["kdf"].update(n=2**22), "scrypt parameter n is 4194304"),
    "n=2^40": (lambda d: d["kdf"].update(n=2**40), "scrypt parameter n is 1099511627776"),
    "n not a power of two": (lambda d: d["kdf"].update(n=2**12 + 1), "not a power of two"),
    "n as text": (lambda d: d["kdf"].update(n="4096"), "scrypt parameter n is '4096'"),
    "n as true": (lambda d: d["kdf"].update(n=True), "scrypt parameter n is True"),
    "n missing": (lambda d: d["kdf"].pop("n"), "scrypt parameter n is None"),
    "r huge": (lambda d: d["kdf"].update(r=2**20), "scrypt parameter r"),
    "p huge": (lambda d: d["kdf"].update(p=10**6), "scrypt parameter p"),
    "n*r over 256 MiB": (lambda d: d["kdf"].update(n=2**18, r=16), "MiB of memory"),
    "empty nonce": (lambda d: d["cipher"].update(nonce=""), "nonce is 0 bytes, not 12"),
    "short nonce": (lambda d: d["cipher"].update(nonce=b64(bytes(11))), "nonce is 11 bytes"),
    "empty salt": (lambda d: d["kdf"].update(salt=""), "salt is 0 bytes"),
    "short salt": (lambda d: d["kdf"].update(salt=b64(bytes(4))), "salt is 4 bytes"),
    "salt not base64": (lambda d: d["kdf"].update(salt="@@@"), "salt is not valid base64"),
    "short key": (lambda d: d.update(wrapped_key=b64(bytes(47))), "wrapped key is 47 bytes"),
    "not scrypt": (lambda d: d["kdf"].update(name="pbkdf2"), "not scrypt"),
    "kdf not an object": (lambda d: d.update(kdf=[1, 2]), "not scrypt"),
    "no workspace id": (lambda d: d.pop("workspace_id"), "workspace id is missing"),
}


@pytest.fixture
def arm_scrypt_tripwire(monkeypatch):
    """From the call on, scrypt running at all fails the test (the bounds come first)."""

    def arm() -> None:
        monkeypatch.setattr(keys, "_kdf", lambda *a: pytest.fail(f"scrypt ran with {a[1:]}"))

    return arm


@pytest.mark.parametrize("name", TAMPERS)
def test_out_of_bounds_parameters_are_refused_before_scrypt(name, arm_scrypt_tripwire):
    tamper, words = TAMPERS[name]
    recovery = RecoveryKey.generate()
    doc = wrap_data_key(DataKey.generate(), recovery, "ws-1", n=TEST_SCRYPT_N)
    tamper(doc)
    arm_scrypt_tripwire()
    with pytest.raises(KeyFileDamagedError) as caught:
        unwrap_data_key(doc, recovery)
    message = str(caught.value)
    assert words in message, message
    assert "wrapped-key file is damaged" in message and "Nothing was changed" in message


def test_the_parameters_the_app_writes_pass_and_a_wrong_key_is_still_wrong():
    recovery = RecoveryKey.generate()
    key = DataKey.generate()
    for n in (TEST_SCRYPT_N, keys.SCRYPT_N):
        doc = wrap_data_key(key, recovery, "ws-1", n=n)
        assert check_key_file(doc).n == n
    assert unwrap_data_key(doc, recovery) == key
    with pytest.raises(WrongRecoveryKeyError):
        unwrap_data_key(doc, RecoveryKey.generate())


def test_reading_the_file_checks_it(tmp_path):
    doc = wrap_data_key(DataKey.generate(), RecoveryKey.generate(), "ws-1", n=TEST_SCRYPT_N)
    doc["kdf"]["n"] = 2**40
    path = tmp_path / KEY_FILE
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(KeyFileDamagedError, match="scrypt parameter n"):
        read_key_file(path)


@pytest.mark.parametrize("name", ["n=2^22 (4 GiB)", "n=2^40", "empty nonce", "short salt"])
def test_cli_check_reports_a_damaged_key_file_in_words_with_exit_code_2(
    new_practice, memory_keyring, monkeypatch, capsys, name, arm_scrypt_tripwire
):
    ws = new_practice.workspace
    folder = ws.folder
    ws.close()
    memory_keyring.secrets.clear()  # a replaced computer: only the recovery key opens it
    path = folder / KEY_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    TAMPERS[name][0](doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    arm_scrypt_tripwire()
    monkeypatch.setattr("sys.stdin", io.StringIO(new_practice.recovery_key.formatted() + "\n"))
    code = cli.main(["--workspace", str(folder), "--recovery-key-stdin", "check"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "wrapped-key file is damaged" in err and TAMPERS[name][1] in err
    assert "Traceback" not in err + out and "MemoryError" not in err


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limit via setrlimit")
def test_the_real_cli_under_a_2_gib_limit_reports_n_2_22_without_trying_it(new_practice):
    """As the tester did it: the key file asks for 4 GiB; the command runs in its own process
    with 2 GiB of address space and must answer in words, not try the allocation."""
    ws = new_practice.workspace
    folder = ws.folder
    ws.close()
    path = folder / KEY_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["kdf"]["n"] = 2**22
    path.write_text(json.dumps(doc), encoding="utf-8")

    import resource  # POSIX only

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))

    done = subprocess.run(
        [sys.executable, "-m", "carecoord_desktop.cli", "--workspace", str(folder),
         "--recovery-key-stdin", "check"],
        input=new_practice.recovery_key.formatted() + "\n",
        capture_output=True, text=True, preexec_fn=limit, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "wrapped-key file is damaged (its scrypt parameter n is 4194304" in done.stderr
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
