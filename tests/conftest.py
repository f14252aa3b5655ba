"""Shared fixtures: an in-memory OS keystore, temp workspaces, offscreen Qt."""

from __future__ import annotations

import dataclasses
import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from argon2 import PasswordHasher
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings

from carecoord_desktop import config
from carecoord_desktop.services import accounts, demo, workspaces
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


pytest_plugins = ["pytester"]  # tests of the test habits themselves

keystore.allow_backend(MemoryKeyring)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def nothing_on_the_real_disk(tmp_path_factory, monkeypatch):
    """Settings and the default workspace folder live in a per-test folder, never in the home
    of whoever runs the tests (a test once made a real workspace in ~/.local/share)."""
    home = tmp_path_factory.mktemp("user-dirs")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv(config.ENV_WORKSPACE, raising=False)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(home / "qsettings"))
    return home


def _fail_own_module_skip(report) -> None:
    """pytest.importorskip("carecoord_desktop...") would turn a broken import into a quiet
    skip: the project's own modules are never optional, so that skip is a failure."""
    if report.skipped and "could not import 'carecoord_desktop" in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"{report.longrepr[2]}\nThe project's own modules are never optional."


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    _fail_own_module_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    _fail_own_module_skip(report)
    return report


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


# Cheaper argon2 parameters (as TEST_SCRYPT_N is for scrypt): the same code paths, faster.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
FAST_DUMMY_HASH = FAST_HASHER.hash("not-a-real-password")


@pytest.fixture
def fast_password_hashing(monkeypatch):
    """Opt in with `pytestmark = pytest.mark.usefixtures("fast_password_hashing")`."""
    monkeypatch.setattr(accounts, "_hasher", FAST_HASHER)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", FAST_DUMMY_HASH)
    return FAST_HASHER


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """`demo_template(patients, seed)`: a closed demo made once per session, never opened again.

    Tests never use it directly: `demo_copy` gives each test its own copy to change at will.
    """
    made: dict[tuple[int, int], demo.DemoWorkspace] = {}

    def template(patients: int, seed: int) -> demo.DemoWorkspace:
        if (patients, seed) not in made:
            previous = keyring.get_keyring()
            keyring.set_keyring(MemoryKeyring())  # no per-test keystore at session scope
            try:
                created = demo.create_demo_workspace(
                    tmp_path_factory.mktemp("demo-template") / "ws",
                    patients=patients,
                    seed=seed,
                    scrypt_n=TEST_SCRYPT_N,
                )
            finally:
                keyring.set_keyring(previous)
            created.workspace.close()
            made[(patients, seed)] = created
        return made[(patients, seed)]

    return template


@pytest.fixture
def demo_copy(demo_template, tmp_path):
    """`demo_copy(patients, seed)`: this test's own open copy of a session-made demo."""
    opened = []

    def copy(patients: int, seed: int) -> demo.DemoWorkspace:
        template = demo_template(patients, seed)
        target = tmp_path / f"demo-{patients}-{seed}-{len(opened)}"
        shutil.copytree(template.workspace.folder, target)
        ws = workspaces.open_workspace(target, recovery_key=template.recovery_key)
        opened.append(ws)
        return dataclasses.replace(template, workspace=ws)

    yield copy
    for ws in opened:
        ws.close()


@pytest.fixture
def run(monkeypatch, capsys):
    """`carecoord ARGS…` in-process with `stdin` as standard input (secrets one per line, as a
    script sends them): (exit code, stdout, stderr)."""
    import io

    from carecoord_desktop import cli

    def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run
