"""Recording against the embedded backend: secrets never reach a cassette, a failed run
leaves the previous cassettes untouched, the AWS path provisions and cleans up, and drift
sees structure, not values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contracts.recording.drift import compare
from contracts.recording.record import (
    AWS_PREFIX,
    SKIP_REASONS,
    AwsEnv,
    EmbeddedEnv,
    RecordError,
    record,
    replay,
)
from contracts.recording.recorder import looks_like_jwt

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
CANARY_PASSWORD = "Canary-Pa55w0rd-7Qz!"


def test_no_secret_reaches_any_cassette_byte(tmp_path):
    """Every scenario, recorded with a canary password; then every byte of every cassette is
    searched for the canary and for each token, session and code the backend issued."""
    envs: list[EmbeddedEnv] = []

    def factory() -> EmbeddedEnv:
        env = EmbeddedEnv()
        env.password_factory = lambda: CANARY_PASSWORD
        envs.append(env)
        return env

    result = record(None, "embedded", tmp_path, env_factory=factory)
    assert len(result.written) >= 20
    issued = envs[0].backend.issued_secrets()
    assert len(issued) > 50  # tokens, sessions, codes: the search has something to find
    blobs = {p.name: p.read_bytes() for p in tmp_path.glob("*.yaml")}
    for name, blob in blobs.items():
        assert CANARY_PASSWORD.encode() not in blob, name
        assert not looks_like_jwt(blob.decode()), name
        leaked = [s for s in issued if len(s) >= 6 and s.encode() in blob]
        assert not leaked, f"{name} holds {len(leaked)} issued secrets"
    for seeded in envs[0].backend.users:  # demo passwords and TOTP secrets
        for blob in blobs.values():
            assert seeded.password.encode() not in blob
            if seeded.totp_secret:
                assert seeded.totp_secret.encode() not in blob


def test_a_failed_run_leaves_the_previous_cassettes_untouched(tmp_path):
    shutil.copy(CASSETTES / "get-user.yaml", tmp_path / "get-user.yaml")
    before = (tmp_path / "get-user.yaml").read_bytes()

    class Failing(EmbeddedEnv):
        def code(self, username: str, attribute: str) -> str:
            raise RecordError("the outbox is unreachable")

    with pytest.raises(RecordError, match="verify-good-code"):
        record(["get-user", "verify-good-code"], "embedded", tmp_path, env_factory=Failing)
    assert (tmp_path / "get-user.yaml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["get-user.yaml"]


def test_unknown_scenario_is_refused(tmp_path):
    with pytest.raises(RecordError, match="unknown scenario nope"):
        record(["nope"], "embedded", tmp_path)


def test_the_aws_target_provisions_a_throwaway_pool_and_deletes_it(tmp_path, monkeypatch):
    """The --target aws path, pointed at the embedded backend through botocore's own
    AWS_ENDPOINT_URL_* variable: pool, client and users are created with the prefix and
    the pool is gone afterwards."""
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", strict=True) as backend:
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", backend.endpoint_url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCOGNITOTUITEST00")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-not-a-credential")
        created: list[AwsEnv] = []

        def factory() -> AwsEnv:
            env = AwsEnv(region=backend.region)
            created.append(env)
            return env

        result = record(
            ["get-user", "update-plain", "verify-good-code"], "aws", tmp_path, env_factory=factory
        )
        assert [p.name for p in result.written] == ["get-user.yaml", "update-plain.yaml"]
        assert result.skipped == [("verify-good-code", SKIP_REASONS["codes"])]
        pool_id = created[0].pool_id
        env = created[0]
        pools = env.connection().call("ListUserPools", MaxResults=60)["UserPools"]
        assert pool_id not in [p["Id"] for p in pools]
        meta = (tmp_path / "get-user.yaml").read_text()
        assert "target: aws" in meta and AWS_PREFIX not in meta  # usernames were scrubbed
        assert backend.spec_violations == []
    assert replay(tmp_path / "get-user.yaml") == 2


def test_drift_sees_structure_not_values(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(CASSETTES, old)
    shutil.copytree(CASSETTES, new)
    from contracts.checker.spec import default_spec

    assert not compare(default_spec(), [str(old)], [str(new)]).drifted
    # values only: another name, another token
    text = (new / "get-user.yaml").read_text().replace("redacted-r2", "redacted-r9")
    (new / "get-user.yaml").write_text(text)
    assert not compare(default_spec(), [str(old)], [str(new)]).drifted
    # a member appears in a GetUser response, and an error code is new
    import yaml

    data = yaml.safe_load((new / "get-user.yaml").read_text())
    body = json.loads(data["interactions"][1]["response"]["body"]["string"])
    body["NewMember"] = {"Nested": 1}
    data["interactions"][1]["response"]["body"]["string"] = json.dumps(body)
    (new / "get-user.yaml").write_text(yaml.safe_dump(data))
    report = compare(default_spec(), [str(old)], [str(new)])
    kinds = {(c.operation, c.kind, c.path) for c in report.changes}
    assert ("GetUser", "appeared", "$.NewMember") in kinds
    assert ("GetUser", "appeared", "$.NewMember.Nested") in kinds


def _edit_response(path: Path, index: int, change) -> None:
    import yaml

    data = yaml.safe_load(path.read_text())
    response = data["interactions"][index]["response"]
    body = json.loads(response["body"]["string"])
    response["body"]["string"] = json.dumps(change(body))
    data["metadata"]["target"] = "aws"
    path.write_text(yaml.safe_dump(data))


def test_drift_says_per_interaction_what_aws_answered_differently(tmp_path, capsys):
    """An AWS recording against the embedded one: another error message, a new member in an
    answer, an attribute not returned; each named by scenario, operation and call number,
    with exit codes a CI can use."""
    from contracts.checker.spec import default_spec
    from contracts.cli import main
    from contracts.recording.drift import compare_recordings

    old, new = tmp_path / "embedded", tmp_path / "aws"
    old.mkdir()
    new.mkdir()
    for name in ("get-user", "update-immutable", "signin-password"):
        shutil.copy(CASSETTES / f"{name}.yaml", old)
        shutil.copy(CASSETTES / f"{name}.yaml", new)
    assert main(["drift", str(old), str(new)]) == 0
    assert "3 scenarios compared" in capsys.readouterr().out

    # a made-up change of wording (the backend now answers with AWS's measured words, so
    # a real recording would show no difference here): drift must name it
    aws_message = "user.custom:employee_id: Attribute cannot be updated (reworded).\n"
    _edit_response(new / "update-immutable.yaml", 1, lambda b: {**b, "message": aws_message})

    def get_user(body):
        body["PreferredMfaSetting"] = "SOFTWARE_TOKEN_MFA"
        body["MFAOptions"] = [{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]
        body["UserAttributes"] = [a for a in body["UserAttributes"] if a["Name"] != "given_name"]
        return body

    _edit_response(new / "get-user.yaml", 1, get_user)
    for path in new.iterdir():  # the whole new side is an AWS recording
        _edit_response(path, 0, lambda b: b)
    report = compare_recordings(default_spec(), str(old), str(new))
    said = [str(d) for d in report.differences]
    old_message = json.loads(
        __import__("yaml").safe_load((old / "update-immutable.yaml").read_text())["interactions"][
            1
        ]["response"]["body"]["string"]
    )["message"]
    assert said == [
        "get-user: GetUser #1: the answer has items in MFAOptions (AWS sent it, embedded did not)",
        "get-user: GetUser #1: the answer has a new member PreferredMfaSetting (AWS sent it, "
        "embedded did not)",
        "get-user: GetUser #1: UserAttributes lacks given_name in AWS (embedded has it)",
        f"update-immutable: UpdateUserAttributes #1: AWS answered InvalidParameterException "
        f"{aws_message!r}, embedded answered InvalidParameterException {old_message!r}",
    ]
    assert main(["drift", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "'user.custom:employee_id: Attribute cannot be updated.\\n'" in out
    assert main(["drift", "--json", str(old), str(new)]) == 1
    assert len(json.loads(capsys.readouterr().out)["differences"]) == 4
    # a call only one side made
    import yaml

    data = yaml.safe_load((new / "signin-password.yaml").read_text())
    data["interactions"].append(data["interactions"][0])
    (new / "signin-password.yaml").write_text(yaml.safe_dump(data))
    report = compare_recordings(default_spec(), str(old), str(new))
    assert "signin-password: InitiateAuth #2: only the AWS recording makes this call" in [
        str(d) for d in report.differences
    ]
    # unusable input: a missing folder, or nothing in common
    assert main(["drift", str(old), str(tmp_path / "nowhere")]) == 2
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(CASSETTES / "refresh.yaml", lone)
    assert main(["drift", str(old), str(lone)]) == 2
    assert "no scenario in common" in capsys.readouterr().err
