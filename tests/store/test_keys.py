"""The data key, the recovery key and its wrapping, and the keystore allow-list."""

from __future__ import annotations

import base64
import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from carecoord_desktop.errors import (
    KeystoreUnavailableError,
    NotAWorkspaceDatabaseError,
    RecoveryKeyFormatError,
    WrongRecoveryKeyError,
)
from carecoord_desktop.store import keystore
from carecoord_desktop.store.keys import (
    DataKey,
    RecoveryKey,
    read_key_file,
    unwrap_data_key,
    wrap_data_key,
    write_key_file,
)
from carecoord_desktop.store.workspace import KEY_FILE
from conftest import TEST_SCRYPT_N, MemoryKeyring

# A fixed payload makes the typo tests deterministic (a random one could, once in a million,
# collide with the 20-bit check group).
FIXED = RecoveryKey(bytes(range(1, 21)))
WS_ID = "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d"


def _swap_char(text: str, index: int) -> str:
    """The formatted key with one character replaced by a different, valid one."""
    original = text[index]
    replacement = "7" if original != "7" else "8"
    return text[:index] + replacement + text[index + 1 :]


# -- recovery key format ------------------------------------------------------------------------
def test_formatted_is_nine_groups_of_four_from_the_crockford_alphabet():
    text = RecoveryKey.generate().formatted()
    groups = text.split("-")
    assert len(groups) == 9
    assert all(len(g) == 4 for g in groups)
    assert set("".join(groups)) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@pytest.mark.parametrize("_", range(5))
def test_formatted_parses_back_to_the_same_key(_):
    key = RecoveryKey.generate()
    assert RecoveryKey.parse(key.formatted()) == key


def test_parse_accepts_lower_case_spaces_and_surrounding_whitespace():
    text = FIXED.formatted()
    assert RecoveryKey.parse(text.lower()) == FIXED
    assert RecoveryKey.parse(text.replace("-", " ")) == FIXED
    assert RecoveryKey.parse("  " + text.replace("-", "") + "\n") == FIXED
    assert RecoveryKey.parse(text.lower().replace("-", "\t")) == FIXED


def test_parse_accepts_o_i_l_for_zero_and_one():
    # Find a key whose text holds both a 0 and a 1 so the confusion is really exercised.
    for seed in range(256):
        key = RecoveryKey(bytes((seed + i * 37) % 256 for i in range(20)))
        text = key.formatted()
        if "0" in text and "1" in text:
            break
    else:  # pragma: no cover - the search above always succeeds
        pytest.fail("no key with both 0 and 1 found")
    assert RecoveryKey.parse(text.replace("0", "O").replace("1", "I")) == key
    assert RecoveryKey.parse(text.replace("0", "o").replace("1", "l")) == key
    assert RecoveryKey.parse(text.replace("1", "L")) == key


@pytest.mark.parametrize("index", [0, 6, 20, 41, 43])
def test_a_single_typo_is_reported_as_a_typing_mistake(index):
    text = FIXED.formatted()
    assert text[index] != "-"
    with pytest.raises(RecoveryKeyFormatError, match="typing mistake"):
        RecoveryKey.parse(_swap_char(text, index))


def test_swapped_neighbours_are_a_typing_mistake():
    text = FIXED.formatted().replace("-", "")
    i = next(i for i in range(len(text) - 1) if text[i] != text[i + 1])
    swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    with pytest.raises(RecoveryKeyFormatError, match="typing mistake"):
        RecoveryKey.parse(swapped)


@pytest.mark.parametrize("cut", [1, 4, 20])
def test_too_short_says_how_many_characters_were_typed(cut):
    text = FIXED.formatted().replace("-", "")[:-cut]
    with pytest.raises(RecoveryKeyFormatError) as info:
        RecoveryKey.parse(text)
    message = str(info.value)
    assert "36" in message
    assert f"you typed {36 - cut}" in message
    assert "9 groups of 4" in message


def test_too_long_is_a_length_error():
    with pytest.raises(RecoveryKeyFormatError, match="you typed 37"):
        RecoveryKey.parse(FIXED.formatted() + "A")


def test_characters_outside_the_alphabet_are_named():
    text = FIXED.formatted()
    bad = "U" + text[1:]
    with pytest.raises(RecoveryKeyFormatError, match="'U'"):
        RecoveryKey.parse(bad)
    with pytest.raises(RecoveryKeyFormatError, match="never contains"):
        RecoveryKey.parse("*" + text[1:])


def test_empty_text_is_a_length_error():
    with pytest.raises(RecoveryKeyFormatError, match="you typed 0"):
        RecoveryKey.parse("   ")


# -- secrets never show themselves ---------------------------------------------------------------
def test_data_key_repr_and_str_hide_the_key():
    key = DataKey.generate()
    for shown in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"k": key})):
        assert key.hex() not in shown
        assert key.hex()[:8] not in shown
        assert "hidden" in shown


def test_recovery_key_repr_and_str_hide_the_key():
    key = RecoveryKey.generate()
    formatted = key.formatted()
    compact = formatted.replace("-", "")
    for shown in (repr(key), str(key), f"{key}", repr([key]), repr((key,))):
        assert formatted not in shown
        assert compact[:8] not in shown
        assert key.payload.hex() not in shown
        assert repr(key.payload) not in shown
        assert "hidden" in shown


def test_data_key_equality_and_validation():
    raw = bytes(range(32))
    assert DataKey(raw) == DataKey(raw)
    assert hash(DataKey(raw)) == hash(DataKey(raw))
    assert DataKey(raw) != DataKey(bytes(32))
    assert DataKey.from_hex(raw.hex()) == DataKey(raw)
    with pytest.raises(ValueError, match="32 bytes"):
        DataKey(b"short")
    with pytest.raises(ValueError) as info:
        DataKey.from_hex("zz" * 32)
    assert "zz" not in str(info.value)


def test_sqlcipher_pragma_value_is_a_raw_key_literal():
    key = DataKey(bytes(range(32)))
    assert key.sqlcipher_pragma_value() == f"\"x'{bytes(range(32)).hex()}'\""


# -- wrapping ---------------------------------------------------------------------------------
def test_wrap_unwrap_round_trip():
    key = DataKey.generate()
    recovery = RecoveryKey.generate()
    doc = wrap_data_key(key, recovery, WS_ID, n=TEST_SCRYPT_N)
    assert doc["workspace_id"] == WS_ID
    assert doc["kdf"]["n"] == TEST_SCRYPT_N
    assert unwrap_data_key(doc, recovery) == key
    # Parsing the printed form gives the same unwrapping key.
    assert unwrap_data_key(doc, RecoveryKey.parse(recovery.formatted().lower())) == key


def test_two_wraps_of_the_same_key_differ():
    key = DataKey.generate()
    recovery = RecoveryKey.generate()
    one = wrap_data_key(key, recovery, WS_ID, n=TEST_SCRYPT_N)
    two = wrap_data_key(key, recovery, WS_ID, n=TEST_SCRYPT_N)
    assert one["kdf"]["salt"] != two["kdf"]["salt"]
    assert one["wrapped_key"] != two["wrapped_key"]


def test_unwrap_with_another_recovery_key_is_wrong_recovery_key():
    doc = wrap_data_key(DataKey.generate(), RecoveryKey.generate(), WS_ID, n=TEST_SCRYPT_N)
    with pytest.raises(WrongRecoveryKeyError, match="does not unlock this workspace"):
        unwrap_data_key(doc, RecoveryKey.generate())


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.update(workspace_id="another-workspace"), id="workspace-id"),
        pytest.param(
            lambda d: d.update(
                wrapped_key=base64.b64encode(
                    bytes([base64.b64decode(d["wrapped_key"])[0] ^ 1])
                    + base64.b64decode(d["wrapped_key"])[1:]
                ).decode()
            ),
            id="ciphertext",
        ),
        pytest.param(
            lambda d: d["cipher"].update(nonce=base64.b64encode(bytes(12)).decode()), id="nonce"
        ),
        pytest.param(
            lambda d: d["kdf"].update(salt=base64.b64encode(bytes(16)).decode()), id="salt"
        ),
        pytest.param(lambda d: d["kdf"].update(n=TEST_SCRYPT_N * 2), id="kdf-cost"),
        pytest.param(lambda d: d.pop("wrapped_key"), id="missing-field"),
        pytest.param(lambda d: d["kdf"].update(salt="not base64!"), id="bad-base64"),
        pytest.param(lambda d: d["kdf"].update(n=1000), id="bad-n"),
    ],
)
def test_a_tampered_key_document_never_unwraps(tamper):
    recovery = RecoveryKey.generate()
    doc = wrap_data_key(DataKey.generate(), recovery, WS_ID, n=TEST_SCRYPT_N)
    tamper(doc)
    with pytest.raises((WrongRecoveryKeyError, NotAWorkspaceDatabaseError)):
        unwrap_data_key(doc, recovery)


def test_key_file_round_trip_and_refusals(tmp_path):
    key = DataKey.generate()
    recovery = RecoveryKey.generate()
    path = tmp_path / KEY_FILE
    write_key_file(path, wrap_data_key(key, recovery, WS_ID, n=TEST_SCRYPT_N))
    assert not path.with_suffix(".tmp").exists()
    assert unwrap_data_key(read_key_file(path), recovery) == key

    text = path.read_text(encoding="utf-8")
    assert key.hex() not in text.lower()
    assert base64.b64encode(key.raw()).decode() not in text
    assert recovery.formatted() not in text
    assert recovery.payload.hex() not in text.lower()

    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(NotAWorkspaceDatabaseError, match="unreadable"):
        read_key_file(path)
    path.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    with pytest.raises(NotAWorkspaceDatabaseError, match="not a CareCoord wrapped-key file"):
        read_key_file(path)
    path.unlink()
    with pytest.raises(NotAWorkspaceDatabaseError, match="missing or unreadable"):
        read_key_file(path)


def test_tampered_key_file_in_a_workspace_raises(new_practice):
    ws = new_practice.workspace
    path = ws.folder / KEY_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    raw = bytearray(base64.b64decode(doc["wrapped_key"]))
    raw[5] ^= 0x40
    doc["wrapped_key"] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(WrongRecoveryKeyError):
        unwrap_data_key(read_key_file(path), new_practice.recovery_key)


def test_workspace_key_file_and_database_never_hold_the_data_key(new_practice, memory_keyring):
    ws = new_practice.workspace
    stored = memory_keyring.secrets[(keystore.SERVICE, ws.id)]
    key = DataKey.from_hex(stored)
    ws.close()
    key_text = (ws.folder / KEY_FILE).read_text(encoding="utf-8")
    assert key.hex() not in key_text.lower()
    assert base64.b64encode(key.raw()).decode() not in key_text
    for path in ws.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key.raw() not in data, path
            assert key.hex().encode() not in data.lower(), path
    # The file on disk unwraps (with the recovery key) to exactly the keystore's key.
    assert unwrap_data_key(read_key_file(ws.folder / KEY_FILE), new_practice.recovery_key) == key


# -- keystore -------------------------------------------------------------------------------
class PlaintextKeyring(MemoryKeyring):
    """Like keyrings.alt's PlaintextKeyring: works, but keeps secrets in clear. Not trusted."""

    priority = 5


class FakeChainer(KeyringBackend):
    """A root keyring that, like keyring's ChainerBackend, exposes the backends it chains."""

    priority = 10

    def __init__(self, backends) -> None:
        super().__init__()
        self.backends = backends

    def get_password(self, service, username):  # pragma: no cover - never called directly
        raise AssertionError("the chainer itself must not be used")

    def set_password(self, service, username, password):  # pragma: no cover
        raise AssertionError("the chainer itself must not be used")

    def delete_password(self, service, username):  # pragma: no cover
        raise AssertionError("the chainer itself must not be used")


class LockedKeyring(MemoryKeyring):
    """An allowed backend whose store is locked."""

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("locked")


keystore.allow_backend(LockedKeyring)


def test_memory_backend_round_trips_and_forgets(memory_keyring):
    key = DataKey.generate()
    keystore.store_key(WS_ID, key)
    assert memory_keyring.secrets[(keystore.SERVICE, WS_ID)] == key.hex()
    assert keystore.load_key(WS_ID) == key
    assert keystore.load_key("some-other-workspace") is None
    keystore.forget_key(WS_ID)
    assert keystore.load_key(WS_ID) is None
    assert keystore.describe_backend() != "none"


@pytest.mark.parametrize("backend_cls", [fail.Keyring, PlaintextKeyring], ids=["fail", "plaintext"])
def test_untrusted_backends_are_refused(backend_cls):
    backend = backend_cls()
    keyring.set_keyring(backend)
    assert keystore.secure_backend() is None
    assert keystore.describe_backend() == "none"
    with pytest.raises(KeystoreUnavailableError, match="no secure keystore"):
        keystore.store_key(WS_ID, DataKey.generate())
    assert keystore.load_key(WS_ID) is None
    keystore.forget_key(WS_ID)  # a no-op, not an error
    if isinstance(backend, PlaintextKeyring):
        # A secret already sitting in a plaintext store is not trusted either.
        backend.set_password(keystore.SERVICE, WS_ID, DataKey.generate().hex())
        assert keystore.load_key(WS_ID) is None


def test_a_chain_skips_the_plaintext_backend_and_uses_the_trusted_one():
    plain, memory = PlaintextKeyring(), MemoryKeyring()
    keyring.set_keyring(FakeChainer([plain, memory]))
    key = DataKey.generate()
    keystore.store_key(WS_ID, key)
    assert plain.secrets == {}
    assert memory.secrets[(keystore.SERVICE, WS_ID)] == key.hex()
    assert keystore.load_key(WS_ID) == key


def test_a_chain_of_only_untrusted_backends_is_refused():
    plain = PlaintextKeyring()
    keyring.set_keyring(FakeChainer([plain, fail.Keyring()]))
    with pytest.raises(KeystoreUnavailableError):
        keystore.store_key(WS_ID, DataKey.generate())
    assert plain.secrets == {}


def test_a_locked_keystore_is_reported_not_crashed():
    keyring.set_keyring(LockedKeyring())
    with pytest.raises(KeystoreUnavailableError, match="locked"):
        keystore.store_key(WS_ID, DataKey.generate())
    assert keystore.load_key(WS_ID) is None


def test_a_malformed_stored_value_is_ignored(memory_keyring):
    memory_keyring.secrets[(keystore.SERVICE, WS_ID)] = "not hex at all"
    assert keystore.load_key(WS_ID) is None
    memory_keyring.secrets[(keystore.SERVICE, WS_ID)] = "ab" * 16  # 16 bytes, not 32
    assert keystore.load_key(WS_ID) is None
