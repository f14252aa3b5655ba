"""The workspace data key and its recovery-key wrapping.

The data key is 32 random bytes used as a raw SQLCipher key (no KDF per connection). A recovery
key (160 random bits, shown once, printed for the practice safe) wraps it with scrypt + AES-GCM;
the wrapped form is the only copy on disk. Nothing here logs or formats a key into an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from carecoord_desktop.errors import (
    KeyFileDamagedError,
    NotAWorkspaceDatabaseError,
    RecoveryKeyFormatError,
    WrongRecoveryKeyError,
)

DATA_KEY_BYTES = 32
RECOVERY_BYTES = 20
# Crockford base32: no I, L, O, U, so a key read aloud or copied by hand is hard to get wrong.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_FORMAT = "carecoord-wrapped-key"
SCRYPT_N = 2**17  # ~128 MiB, ~0.3 s: paid only when the recovery key is typed
SCRYPT_R = 8
SCRYPT_P = 1


class DataKey:
    """32 key bytes that refuse to show themselves in reprs, logs and tracebacks."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        if len(raw) != DATA_KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._raw = bytes(raw)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(DATA_KEY_BYTES))

    @classmethod
    def from_hex(cls, text: str) -> DataKey:
        try:
            return cls(bytes.fromhex(text))
        except ValueError:
            raise ValueError("stored data key is malformed") from None

    def hex(self) -> str:
        return self._raw.hex()

    def sqlcipher_pragma_value(self) -> str:
        return f"\"x'{self._raw.hex()}'\""

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataKey) and secrets.compare_digest(self._raw, other._raw)

    def __hash__(self) -> int:
        return hash(hashlib.sha256(self._raw).digest())

    def raw(self) -> bytes:
        return self._raw


def _b32(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    nchars = (len(data) * 8 + 4) // 5
    return "".join(_ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(nchars)))


def _checksum(payload: bytes) -> str:
    # 20 bits of sha256 as 4 characters: catches typos before the slow scrypt runs.
    digest = hashlib.sha256(b"carecoord-recovery-check" + payload).digest()
    return _b32(digest[:3])[-4:]


@dataclass(frozen=True)
class RecoveryKey:
    payload: bytes

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(RECOVERY_BYTES))

    def formatted(self) -> str:
        text = _b32(self.payload) + _checksum(self.payload)
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def __repr__(self) -> str:
        return "RecoveryKey(<hidden>)"

    __str__ = __repr__

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
        expected = (RECOVERY_BYTES * 8) // 5 + 4
        if len(cleaned) != expected:
            raise RecoveryKeyFormatError(
                f"A recovery key has {expected} letters and digits (9 groups of 4); "
                f"you typed {len(cleaned)}. Check the recovery kit and type it again."
            )
        bad = sorted({ch for ch in cleaned if ch not in _DECODE})
        if bad:
            raise RecoveryKeyFormatError(
                f"A recovery key never contains {', '.join(repr(c) for c in bad)}. "
                "Check the recovery kit and type it again."
            )
        n = 0
        for ch in cleaned[:-4]:
            n = (n << 5) | _DECODE[ch]
        payload = n.to_bytes(RECOVERY_BYTES, "big")
        check = "".join(_ALPHABET[_DECODE[c]] for c in cleaned[-4:])
        if not secrets.compare_digest(check, _checksum(payload)):
            raise RecoveryKeyFormatError(
                "That recovery key has a typing mistake (its check group does not match). "
                "Compare each group with the recovery kit and type it again."
            )
        return cls(payload)


def _kdf(salt: bytes, n: int, r: int, p: int) -> Scrypt:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p)


def _aad(workspace_id: str) -> bytes:
    return f"{_FORMAT}:v1:{workspace_id}".encode()


def wrap_data_key(
    data_key: DataKey, recovery: RecoveryKey, workspace_id: str, *, n: int = SCRYPT_N
) -> dict:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = _kdf(salt, n, SCRYPT_R, SCRYPT_P).derive(recovery.payload)
    ct = AESGCM(kek).encrypt(nonce, data_key.raw(), _aad(workspace_id))
    enc = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return {
        "format": _FORMAT,
        "version": 1,
        "workspace_id": workspace_id,
        "kdf": {"name": "scrypt", "n": n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": enc(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": enc(nonce)},
        "wrapped_key": enc(ct),
    }


# Fixed bounds for what a key file may ask of scrypt, checked before scrypt runs: an edited
# file must not make the app allocate gigabytes (n=2**22 is 4 GiB) or crash.
SCRYPT_N_RANGE = (2**10, 2**18)
SCRYPT_R_RANGE = (1, 16)
SCRYPT_P_RANGE = (1, 4)
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024  # 128 * n * r bytes
SALT_BYTES_RANGE = (16, 64)
NONCE_BYTES = 12
WRAPPED_BYTES = DATA_KEY_BYTES + 16  # the key and the GCM tag


@dataclass(frozen=True)
class _Wrapped:
    salt: bytes
    n: int
    r: int
    p: int
    nonce: bytes
    ciphertext: bytes
    workspace_id: str


def _damaged(what: str) -> KeyFileDamagedError:
    return KeyFileDamagedError(what)


def _int_in(section: dict, name: str, low: int, high: int) -> int:
    value = section.get(name)
    if type(value) is not int or not low <= value <= high:  # bool and float are not costs
        raise _damaged(f"its scrypt parameter {name} is {_shown(value)}, not {low} to {high}")
    return value


def _bytes_of(section: dict, name: str, label: str) -> bytes:
    value = section.get(name)
    if not isinstance(value, str):
        raise _damaged(f"its {label} is missing")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise _damaged(f"its {label} is not valid base64 text") from None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def check_key_file(doc: object) -> _Wrapped:
    """The wrapped-key document's parameters, each checked against fixed bounds (cheap; no
    scrypt), or a KeyFileDamagedError saying in words what is wrong."""
    if not isinstance(doc, dict):
        raise _damaged("it is not a key document")
    kdf, cipher = doc.get("kdf"), doc.get("cipher")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise _damaged("its key derivation is not scrypt")
    if not isinstance(cipher, dict) or cipher.get("name") != "AES-256-GCM":
        raise _damaged("its cipher is not AES-256-GCM")
    n = _int_in(kdf, "n", *SCRYPT_N_RANGE)
    if n & (n - 1):
        raise _damaged(f"its scrypt parameter n is {n}, not a power of two")
    r = _int_in(kdf, "r", *SCRYPT_R_RANGE)
    p = _int_in(kdf, "p", *SCRYPT_P_RANGE)
    if 128 * n * r > SCRYPT_MAX_MEMORY:
        raise _damaged(f"its scrypt cost would need {128 * n * r // 2**20} MiB of memory")
    salt = _bytes_of(kdf, "salt", "salt")
    if not SALT_BYTES_RANGE[0] <= len(salt) <= SALT_BYTES_RANGE[1]:
        raise _damaged(f"its salt is {len(salt)} bytes, not {SALT_BYTES_RANGE[0]} to "
                       f"{SALT_BYTES_RANGE[1]}")  # fmt: skip
    nonce = _bytes_of(cipher, "nonce", "nonce")
    if len(nonce) != NONCE_BYTES:
        raise _damaged(f"its nonce is {len(nonce)} bytes, not {NONCE_BYTES}")
    ct = _bytes_of(doc, "wrapped_key", "wrapped key")
    if len(ct) != WRAPPED_BYTES:
        raise _damaged(f"its wrapped key is {len(ct)} bytes, not {WRAPPED_BYTES}")
    workspace_id = doc.get("workspace_id")
    if not isinstance(workspace_id, str) or not 0 < len(workspace_id) <= 100:
        raise _damaged("its workspace id is missing")
    return _Wrapped(salt, n, r, p, nonce, ct, workspace_id)


def unwrap_data_key(doc: dict, recovery: RecoveryKey) -> DataKey:
    w = check_key_file(doc)
    kek = _kdf(w.salt, w.n, w.r, w.p).derive(recovery.payload)
    try:
        return DataKey(AESGCM(kek).decrypt(w.nonce, w.ciphertext, _aad(w.workspace_id)))
    except InvalidTag:
        raise WrongRecoveryKeyError() from None


def write_key_file(path: Path, doc: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def read_key_file(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotAWorkspaceDatabaseError(
            f"The wrapped-key file {path.name} is missing or unreadable. Nothing was changed; "
            "restore it from a backup of the workspace folder."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise NotAWorkspaceDatabaseError(
            f"{path.name} is not a CareCoord wrapped-key file. Nothing was changed."
        )
    check_key_file(doc)
    return doc


# -- the audit checkpoint kept beside the wrapped key -------------------------------------------
ANCHOR_FIELD = "audit_anchor"
_ANCHOR_INFO = b"carecoord audit anchor v1"


def _anchor_mac(data_key: DataKey, anchor: dict) -> str:
    # A key of its own, derived from the data key: the seal never reveals or reuses the data key.
    mac_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_ANCHOR_INFO).derive(
        data_key.raw()
    )
    body = json.dumps({k: anchor[k] for k in sorted(anchor) if k != "mac"}, sort_keys=True)
    return hmac.new(mac_key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def read_anchor(doc: dict, data_key: DataKey) -> dict | None:
    """The sealed audit checkpoint in a key file, None when there is none.

    Raises ValueError when it is there but its seal does not match (it was edited)."""
    anchor = doc.get(ANCHOR_FIELD)
    if anchor is None:
        return None
    if not isinstance(anchor, dict) or not isinstance(anchor.get("mac"), str):
        raise ValueError("malformed")
    if not hmac.compare_digest(anchor["mac"], _anchor_mac(data_key, anchor)):
        raise ValueError("seal")
    return anchor


def write_anchor(path: Path, data_key: DataKey, anchor: dict) -> None:
    """Seal `anchor` and store it in the key file, keeping every other field as it was.

    Written to a temporary file, flushed to disk and renamed: the wrapped key is never at risk.
    The caller serialises writers (services.audit_anchors holds a lock file)."""
    doc = read_key_file(path)
    sealed = {k: v for k, v in anchor.items() if k != "mac"}
    sealed["mac"] = _anchor_mac(data_key, sealed)
    doc[ANCHOR_FIELD] = sealed
    tmp = path.with_name(path.name + ".anchor-tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
