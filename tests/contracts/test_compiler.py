"""The compiled spec covers the whole installed model and is cached by botocore version."""

from __future__ import annotations

import jsonschema_rs
import pytest

from contracts.checker import spec as spec_module
from contracts.checker.model import load_service_model
from contracts.checker.spec import LazyDefs, Spec, SpecError, pack, unpack


def test_every_operation_and_shape_is_compiled(spec):
    model = load_service_model()
    assert set(spec.operations) == set(model["operations"])
    assert len(spec.operations) >= 153
    assert set(model["shapes"]) <= set(spec.defs)
    for name, op in model["operations"].items():
        compiled = spec.operations[name]
        assert compiled.input == op["input"]["shape"]
        assert compiled.output == op.get("output", {}).get("shape")
        assert list(compiled.errors) == [e["shape"] for e in op.get("errors", [])]


@pytest.mark.parametrize("kind", ["input", "output"])
def test_every_operation_schema_compiles(spec, kind):
    for name, op in spec.operations.items():
        shape = op.input if kind == "input" else op.output
        jsonschema_rs.validator_for(
            spec.schema_for(shape), pattern_options=jsonschema_rs.FancyRegexOptions()
        )
        assert spec.validate(name, kind, []) != [], name  # nothing accepts a list body


def test_every_modeled_error_compiles(spec):
    for name, op in spec.operations.items():
        for error in op.errors:
            body = {"__type": error, "message": "m"}
            assert spec.validate(name, "error", body) == [], (name, error)


def test_model_constraints_are_carried(spec):
    name = spec.defs["AttributeNameType"]
    assert (name["minLength"], name["maxLength"]) == (1, 32)
    assert name["x-java-pattern"] == r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+"
    assert spec.defs["AttributeValueType"]["maxLength"] == 2048
    assert spec.defs["QueryLimitType"]["maximum"] == 60
    assert spec.defs["AttributeType"]["additionalProperties"] is False
    assert spec.defs["AttributeType"]["required"] == ["Name"]
    assert set(spec.defs["DeliveryMediumType"]["enum"]) == {"SMS", "EMAIL"}


def test_sensitive_members_are_marked(spec):
    model = load_service_model()
    marked = {n for n, s in spec.defs.items() if s.get("x-sensitive")}
    assert marked == {n for n, s in model["shapes"].items() if s.get("sensitive")}
    assert ("AccessToken",) in spec.sensitive_paths("GetUser", "input")
    assert ("UserAttributes", "[]", "Value") in spec.sensitive_paths("GetUser", "output")
    initiate = spec.sensitive_paths("InitiateAuth", "input")
    assert ("AuthParameters", "{}") in initiate
    assert ("AuthenticationResult", "RefreshToken") in spec.sensitive_paths(
        "InitiateAuth", "output"
    )
    assert ("ChallengeResponses", "{}") in spec.sensitive_paths("RespondToAuthChallenge", "input")
    # verification codes are secrets although the model leaves them unmarked
    assert ("Code",) in spec.sensitive_paths("VerifyUserAttribute", "input")
    assert ("ConfirmationCode",) in spec.sensitive_paths("ConfirmSignUp", "input")
    assert spec.defs["ConfirmationCodeType"]["x-secret"] is True
    confirm = spec.sensitive_paths("ConfirmDevice", "input")
    assert ("DeviceSecretVerifierConfig", "PasswordVerifier") in confirm


def test_cache_is_keyed_by_botocore_version(tmp_path, monkeypatch):
    monkeypatch.setenv("COGNITO_CONTRACTS_CACHE", str(tmp_path))
    first = Spec.load()
    files = list(tmp_path.glob("spec-*.packed"))
    assert len(files) == 1
    assert files[0].name.startswith(f"spec-{first.botocore_version}-")
    # a second load reads the cache: prove it by planting a marker in the cached file
    data = unpack(files[0].read_bytes())
    data["service"]["service_id"] = "from-cache"
    files[0].write_bytes(pack(data))
    again = Spec.load()
    assert again.service["service_id"] == "from-cache"
    # the schemas read from the cache are the ones compiled
    assert isinstance(again.defs, LazyDefs)
    assert len(again.defs) == len(first.defs)
    assert again.defs["GetUserRequest"] == first.defs["GetUserRequest"]
    # another botocore version misses the cache and compiles afresh
    monkeypatch.setattr("contracts.checker.model.botocore_version", lambda: "0.0.0-test")
    other = Spec.load()
    assert other.botocore_version == "0.0.0-test"
    assert len(list(tmp_path.glob("spec-*.packed"))) == 2


def test_corrupt_cache_is_recompiled(tmp_path, monkeypatch):
    monkeypatch.setenv("COGNITO_CONTRACTS_CACHE", str(tmp_path))
    Spec.load()
    (path,) = tmp_path.glob("spec-*.packed")
    whole = path.read_bytes()
    for broken in (b'{"truncated', whole[: len(whole) // 2], b"", b"[1]\n"):
        path.write_bytes(broken)
        assert len(Spec.load().operations) >= 153
        assert unpack(path.read_bytes())["defs"]["GetUserRequest"]  # rewritten whole


def test_unwritable_cache_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COGNITO_CONTRACTS_CACHE", str(blocker / "cache"))
    assert len(Spec.load().operations) >= 153


def test_unknown_operation_and_kind(spec):
    with pytest.raises(SpecError, match="unknown operation"):
        spec.validate("GetUsers", "input", {})
    with pytest.raises(SpecError, match="unknown kind"):
        spec.validate("GetUser", "request", {})


# -- the allow-list --------------------------------------------------------------------------


def write_allowlist(tmp_path, text: str):
    path = tmp_path / "allow.toml"
    path.write_text(text)
    return path


def test_allowlist_accepts_exactly_the_listed_violation(tmp_path):
    path = write_allowlist(
        tmp_path,
        """
[[allow]]
operation = "GetUser"
path = "$.UserAttributes[*].Value"
rule = "max-length"
reason = "test: AWS returns longer values than the model allows"
""",
    )
    spec = Spec.load(allowlist=path)
    long_value = {"Username": "a", "UserAttributes": [{"Name": "x", "Value": "v" * 3000}]}
    assert spec.validate("GetUser", "output", long_value) == []
    allowed = spec.validate("GetUser", "output", long_value, include_allowed=True)
    assert [v.rule for v in allowed] == ["allowed:max-length"]
    assert "AWS returns longer values" in allowed[0].message
    # the same rule elsewhere, or another rule at that path, still fails
    assert spec.validate("AdminGetUser", "output", {"Username": "a", **long_value}) != []
    bad_pattern = {"Username": "a", "UserAttributes": [{"Name": "x\u0000", "Value": "v" * 3000}]}
    assert [v.rule for v in spec.validate("GetUser", "output", bad_pattern)] == ["pattern"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[allow]]\noperation = "GetUser"\npath = "$.X"\nrule = "type"\n', "lacks reason"),
        (
            '[[allow]]\noperation = "Nope"\npath = "$.X"\nrule = "type"\nreason = "r"\n',
            "unknown operation",
        ),
        ("[[allow]\n", "cannot read"),
    ],
)
def test_allowlist_entries_are_reviewed(tmp_path, text, problem):
    path = write_allowlist(tmp_path, text)
    with pytest.raises(SpecError, match=problem):
        _ = Spec.load(allowlist=path).allowlist


def test_project_allowlist_is_valid(spec):
    for entry in spec.allowlist.entries:
        assert entry.operation in spec.operations
        assert entry.reason


def test_common_errors_have_reasons():
    names = spec_module.load_common_errors()
    assert "ThrottlingException" in names and len(names) == len(set(names))
