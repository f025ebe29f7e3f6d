"""The config file: named connections and a keymap, never a secret; one precedence rule."""

from __future__ import annotations

import argparse

import pytest

from tui.core.config import ConfigError, load_config
from tui.launch import add_editor_arguments, build_options


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_editor_arguments(parser)
    return parser.parse_args(list(argv))


def test_named_connection_and_precedence(tmp_path, monkeypatch):
    path = write(
        tmp_path,
        'default = "prod"\n[connections.prod]\nregion = "eu-west-1"\n'
        'pool_id = "eu-west-1_Prod"\nclient_id = "fromfile"\n[keymap]\nsave = "ctrl+w"\n',
    )
    monkeypatch.delenv("COGNITO_CLIENT_ID", raising=False)
    monkeypatch.setenv("COGNITO_POOL_ID", "eu-west-1_FromEnv")
    options = build_options(parse("--config", str(path), "--client-id", "fromcli"))
    assert options.settings.region == "eu-west-1"  # file
    assert options.settings.pool_id == "eu-west-1_FromEnv"  # environment beats file
    assert options.settings.client_id == "fromcli"  # option beats all
    assert options.keymap == {"save": "ctrl+w"}


@pytest.mark.parametrize("key", ["client_secret", "password", "access_token"])
def test_secrets_are_refused_in_the_file(tmp_path, key):
    path = write(tmp_path, f'[connections.prod]\n{key} = "x"\n')
    with pytest.raises(ConfigError, match="secrets do not belong"):
        load_config(path)


def test_unknown_connection_and_broken_file(tmp_path):
    path = write(tmp_path, '[connections.prod]\nregion = "eu-west-1"\n')
    with pytest.raises(ConfigError, match="no connection named 'dev'"):
        load_config(path).connection("dev")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(write(tmp_path, "[connections\n"))


def test_client_secret_only_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COGNITO_CLIENT_SECRET", "s3cret-from-env")
    (tmp_path / "empty.toml").write_text("")
    options = build_options(parse("--config", str(tmp_path / "empty.toml")))
    assert options.settings.client_secret == "s3cret-from-env"
    assert "s3cret" not in repr(options) and "s3cret" not in repr(options.settings)


def test_reset_needs_demo(capsys):
    from tui.cli import main

    assert main(["--reset"]) == 2
    assert "--reset only applies to --demo" in capsys.readouterr().err


def test_journals_of_demo_pools_that_are_gone_are_removed(own_home):
    from tui.core.journal import Journal, JournalKey
    from tui.launch import DEMO_ENDPOINT, forget_demo_journals

    old = Journal(JournalKey(DEMO_ENDPOINT, "us-east-1_Old", "maria"))
    kept = Journal(JournalKey(DEMO_ENDPOINT, "us-east-1_Now", "maria"))
    real = Journal(JournalKey("https://cognito-idp.eu-west-1.amazonaws.com", "eu-west-1_X", "a"))
    for journal in (old, kept, real):
        journal.write({"sets": {"nickname": "x"}, "deletes": []}, {})
    assert forget_demo_journals("us-east-1_Now") == 1
    assert not old.path.exists() and kept.path.exists() and real.path.exists()
