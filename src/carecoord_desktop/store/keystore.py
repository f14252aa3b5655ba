"""The OS keystore, through keyring, restricted to backends that really protect secrets.

keyrings.alt (a plain or weakly obscured file) silently becomes the default on headless Linux;
it and any "fail"/null/plaintext backend are refused, so the key is never written in clear.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from carecoord_desktop.errors import KeystoreUnavailableError
from carecoord_desktop.store.keys import DataKey

SERVICE = "CareCoord Desktop workspace key"

# Fully-qualified class names of the keyring backends that store secrets in an OS-protected store.
SECURE_BACKENDS: set[str] = {
    "keyring.backends.Windows.WinVaultKeyring",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
}


def _qualname(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def allow_backend(cls: type[KeyringBackend]) -> None:
    """Trust one more backend class (tests use an in-memory one)."""
    SECURE_BACKENDS.add(f"{cls.__module__}.{cls.__qualname__}")


def secure_backend() -> KeyringBackend | None:
    """The first allow-listed backend keyring would use, or None."""
    root = keyring.get_keyring()
    candidates = list(getattr(root, "backends", [])) or [root]
    for backend in candidates:
        if _qualname(backend) in SECURE_BACKENDS:
            return backend
    return None


def describe_backend() -> str:
    backend = secure_backend()
    return getattr(backend, "name", type(backend).__name__) if backend else "none"


def _require() -> KeyringBackend:
    backend = secure_backend()
    if backend is None:
        raise KeystoreUnavailableError(
            "This computer has no secure keystore that CareCoord trusts (Windows Credential "
            "Locker, macOS Keychain, Secret Service or KWallet), so the workspace key cannot be "
            "remembered here. Unlock with the recovery key each time, or sign in to a desktop "
            "session that provides a keystore."
        )
    return backend


def store_key(workspace_id: str, key: DataKey) -> None:
    backend = _require()
    try:
        backend.set_password(SERVICE, workspace_id, key.hex())
    except keyring.errors.KeyringError:
        raise KeystoreUnavailableError(
            "The keystore refused to store the workspace key (it may be locked). Unlock it and "
            "try again; the workspace still opens with the recovery key."
        ) from None


def load_key(workspace_id: str) -> DataKey | None:
    """The stored key, or None when no secure keystore has one (locked, missing, new machine)."""
    backend = secure_backend()
    if backend is None:
        return None
    try:
        text = backend.get_password(SERVICE, workspace_id)
    except keyring.errors.KeyringError:
        return None
    if not text:
        return None
    try:
        return DataKey.from_hex(text)
    except ValueError:
        return None


def forget_key(workspace_id: str) -> None:
    backend = secure_backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, workspace_id)
    except keyring.errors.KeyringError:
        pass
