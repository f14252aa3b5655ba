"""Shared fixtures: an in-memory OS keystore, temp workspaces, offscreen Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backend import KeyringBackend

from carecoord_desktop.services import workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store import keystore
from tests_support import ADMIN_PASSWORD, TEST_SCRYPT_N


class MemoryKeyring(KeyringBackend):
    """A keystore that lives only in this process (stands in for the OS keychain)."""

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


keystore.allow_backend(MemoryKeyring)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def new_practice(tmp_path):
    created = workspaces.create_practice(
        tmp_path / "ws",
        practice_name="Riverside Family Practice",
        admin_username="admin",
        admin_full_name="Alex Admin",
        admin_password=ADMIN_PASSWORD,
        scrypt_n=TEST_SCRYPT_N,
    )
    yield created
    created.workspace.close()


@pytest.fixture
def ws(new_practice):
    return new_practice.workspace


@pytest.fixture
def admin(new_practice) -> Actor:
    return new_practice.admin
