"""The OS keystore stand-in for benchmarks: a bench must never write to the real keystore."""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend

from carecoord_desktop.store import keystore


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


def use_memory_keyring() -> MemoryKeyring:
    keystore.allow_backend(MemoryKeyring)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
