"""Where a workspace lives and the settings that are not stored inside it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_WORKSPACE = "CARECOORD_WORKSPACE"
APP_DIR_NAME = "CareCoord"
APP_AUTHOR = "CareCoord"

DEFAULT_IDLE_LOCK_MINUTES = 10
DEFAULT_BACKUPS_KEPT = 14
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 15
BUSY_TIMEOUT_MS = 5000


def default_workspace_dir() -> Path:
    """The workspace folder: --workspace beats CARECOORD_WORKSPACE beats the platform data dir."""
    env = os.environ.get(ENV_WORKSPACE)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR)) / "workspace"


def resolve_workspace_dir(arg: str | os.PathLike[str] | None) -> Path:
    return Path(arg).expanduser() if arg else default_workspace_dir()
