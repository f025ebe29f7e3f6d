"""The config file: named connections and key remapping, never a secret.

`$XDG_CONFIG_HOME/cognito-tui/config.toml` (or `--config PATH`):

    default = "prod"

    [connections.prod]
    region = "eu-west-1"
    pool_id = "eu-west-1_AbCdEf123"
    client_id = "1example23456789"
    # endpoint_url = "http://127.0.0.1:4566"
    # profile = "ops"

    [keymap]
    save = "ctrl+s"
    add = "a,insert"

One precedence rule: command-line options win over environment variables, which win over
the chosen connection in the file. A key that looks like a secret (password, token, client
secret) is refused with a message: secrets come from the environment or a prompt.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONNECTION_KEYS = ("region", "pool_id", "client_id", "endpoint_url", "profile", "username")
SECRET_WORDS = ("secret", "password", "token", "session", "code")


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the problem."""


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "cognito-tui" / "config.toml"


@dataclass
class Config:
    path: Path | None = None
    default: str | None = None
    connections: dict[str, dict[str, str]] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)

    def connection(self, name: str | None) -> dict[str, str]:
        chosen = name or self.default
        if chosen is None:
            return {}
        if chosen not in self.connections:
            known = ", ".join(sorted(self.connections)) or "none"
            raise ConfigError(f"{self.path}: no connection named {chosen!r} (known: {known})")
        return dict(self.connections[chosen])


def load_config(path: Path | None = None) -> Config:
    """The config file: the default one may be absent (no connections), a file named by
    the user (--config) must exist."""
    if path is not None and not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise ConfigError(f"--config {path}: {what}")
    path = path or config_path()
    if not path.exists():
        return Config(path=path)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    connections: dict[str, dict[str, str]] = {}
    for name, values in (data.get("connections") or {}).items():
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [connections.{name}] must be a table")
        for key in values:
            if any(word in key.lower() for word in SECRET_WORDS):
                raise ConfigError(
                    f"{path}: [connections.{name}] {key}: secrets do not belong in the config "
                    "file; use the environment (COGNITO_CLIENT_SECRET, COGNITO_ACCESS_TOKEN) "
                    "or the prompt"
                )
            if key not in CONNECTION_KEYS:
                allowed = ", ".join(CONNECTION_KEYS)
                raise ConfigError(f"{path}: [connections.{name}] unknown key {key} ({allowed})")
        connections[name] = {k: str(v) for k, v in values.items()}
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f"{path}: [keymap] maps binding ids to key strings")
    default = data.get("default")
    return Config(path, str(default) if default else None, connections, dict(keymap))
