"""The attribute draft keeps every pending edit until the service confirms it."""

from __future__ import annotations

import pytest

from tui.core.attributes import (
    Draft,
    delete_problems,
    format_problems,
    name_problems,
    value_problems,
)
from tui.core.errors import CognitoError
from tui.core.schema import AttributeSchema, PoolSchema

SERVER = {"sub": "1", "email": "ada@example.com", "email_verified": "true", "nickname": "ada"}


def test_sets_deletes_and_undo():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.set("given_name", "Ada")
    draft.delete("email_verified")
    assert draft.state("nickname") == "change"
    assert draft.state("given_name") == "add"
    assert draft.state("email_verified") == "delete"
    assert [c.kind for c in draft.changes()] == ["change", "add", "delete"]
    assert draft.names()[-1] == "given_name"
    assert draft.undo("nickname") and not draft.undo("nickname")
    draft.set("given_name", "Ada")
    draft.set("email", "ada@example.com")  # back to the server value: nothing pending
    assert draft.state("email") is None
    assert draft.pending


def test_setting_a_deleted_attribute_cancels_the_delete():
    draft = Draft(SERVER)
    draft.delete("nickname")
    draft.set("nickname", "x")
    assert draft.state("nickname") == "change" and "nickname" not in draft.deletes


def test_failed_update_keeps_everything():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.delete("email_verified")

    def update(values):
        raise CognitoError("TooManyRequestsException", "Rate exceeded")

    result = draft.save(update, lambda names: None)
    assert not result.ok and result.error.code == "TooManyRequestsException"
    assert draft.sets == {"nickname": "countess"} and draft.deletes == {"email_verified"}


def test_failed_delete_keeps_the_deletions_but_not_the_applied_sets():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.delete("email_verified")
    sent = {}

    def delete(names):
        raise CognitoError("InvalidParameterException", "required")

    result = draft.save(lambda values: sent.update(values) or [], delete)
    assert sent == {"nickname": "countess"}
    assert result.updated == ["nickname"] and result.error.code == "InvalidParameterException"
    assert draft.sets == {} and draft.deletes == {"email_verified"}
    assert draft.server["nickname"] == "countess"


def test_successful_save_clears_the_draft():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.delete("email_verified")
    result = draft.save(lambda values: ["delivery"], lambda names: None)
    assert result.ok and result.deliveries == ["delivery"] and not draft.pending
    assert "email_verified" not in draft.server


def test_rebase_keeps_pending_edits():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.set("given_name", "Ada")
    draft.delete("email_verified")
    draft.rebase({**SERVER, "given_name": "Ada"})
    assert draft.sets == {"nickname": "countess"} and draft.deletes == {"email_verified"}


def test_journal_round_trip():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.delete("email_verified")
    again = Draft(SERVER)
    again.restore(draft.to_journal())
    assert again.changes() == draft.changes()


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("n" * 33, "longer than 32 characters"),
        ("", "empty"),
        ("bad\u0000", "is not allowed"),
        ("sub", "set by Cognito"),
        ("department", "custom attributes start with custom:"),
    ],
)
def test_name_problems_without_a_pool_schema(name, problem):
    found = name_problems(name)
    assert found and problem in found[0]


def test_name_problems_with_a_pool_schema():
    schema = PoolSchema(attributes={"custom:department": AttributeSchema("custom:department")})
    assert name_problems("custom:department", schema) == []
    (problem,) = name_problems("department", schema)
    assert "did you mean custom:department?" in problem


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("email", "ada@example.com", True),
        ("email", "ada@", False),
        ("phone_number", "+15555550123", True),
        ("phone_number", "555-0123", False),
        ("birthdate", "1815-12-10", True),
        ("birthdate", "0000-12-10", True),
        ("birthdate", "1815-02-30", False),
        ("birthdate", "10/12/1815", False),
        ("updated_at", "1700000000", True),
        ("updated_at", "yesterday", False),
        ("address", '{"locality": "London", "country": "UK"}', True),
        ("address", "10 Downing St", False),
        ("address", '{"city": "London"}', False),
        ("email_verified", "true", True),
        ("email_verified", "yes", False),
        ("website", "https://example.com", True),
        ("website", "example.com", False),
        ("locale", "en-GB", True),
        ("nickname", "anything at all", True),
    ],
)
def test_formats_of_standard_attributes(name, value, ok):
    assert (format_problems(name, value) == []) is ok


def test_value_length_comes_from_the_model():
    (problem,) = value_problems("nickname", "x" * 2049)
    assert problem.startswith("value: longer than 2048 characters")
    assert value_problems("nickname", "x" * 2048) == []


def test_pool_schema_constraints():
    schema = PoolSchema(
        attributes={
            "custom:level": AttributeSchema("custom:level", "Number", min_value=1, max_value=10),
            "custom:code": AttributeSchema("custom:code", max_length=4),
            "custom:employee_id": AttributeSchema("custom:employee_id", mutable=False),
            "email": AttributeSchema("email", required=True),
        }
    )
    assert value_problems("custom:level", "5", schema) == []
    assert "at most 10" in value_problems("custom:level", "11", schema)[0]
    assert "whole number" in value_problems("custom:level", "five", schema)[0]
    assert "at most 4 characters" in value_problems("custom:code", "12345", schema)[0]
    assert "immutable" in value_problems("custom:employee_id", "E1", schema)[0]
    assert "required" in delete_problems("email", schema)[0]
    assert delete_problems("custom:code", schema) == []


def test_draft_problems_block_the_save():
    draft = Draft(SERVER)
    draft.set("email", "not an email")
    draft.delete("sub")
    problems = draft.problems()
    assert set(problems) == {"email", "sub"}


# -- rules found by fuzzing (tests/robustness) ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("phone_number", "+1\uff15\uff15\uff15\uff15"),  # fullwidth digits: \d takes them
        ("phone_number", "+\u0661\u0662\u0663\u0664\u0665"),  # Arabic-Indic digits
        ("phone_number", "+123"),  # Cognito refuses fewer than 4 digits
        ("updated_at", "\u00b9\u00b2\u00b3"),  # superscripts: str.isdigit() takes them
        ("birthdate", "\uff11\uff18\uff11\uff15-12-10"),
        ("address", "[" * 5000),  # nested deeper than json's recursion limit
        ("email", ""),  # an empty address is refused: removing it is a deletion
        ("phone_number", ""),
    ],
    ids=lambda v: v if len(v) < 20 else f"{v[:8]}...({len(v)})",
)
def test_only_what_cognito_parses_is_accepted(name, value):
    (problem,) = format_problems(name, value)
    assert problem.startswith(name)


def test_number_attributes_take_ascii_digits_only():
    schema = PoolSchema(attributes={"custom:n": AttributeSchema("custom:n", "Number")})
    assert value_problems("custom:n", "-12", schema) == []
    for odd in ("1_000", " 12", "\u0661\u0662", "+5", "1e3"):
        (problem,) = value_problems("custom:n", odd, schema)
        assert "whole number" in problem, odd


def test_only_an_admin_sets_the_verified_flags():
    (problem,) = name_problems("email_verified", admin=False)
    assert "only an administrator" in problem
    assert name_problems("email_verified", admin=True) == []
    mine = Draft(SERVER)
    mine.set("email_verified", "false")
    assert "email_verified" in mine.problems()
    admins = Draft(SERVER, admin=True)
    admins.set("email_verified", "false")
    assert admins.problems() == {}


def test_a_restored_journal_drops_what_the_server_already_holds():
    draft = Draft(SERVER)
    draft.set("nickname", "countess")
    draft.delete("email_verified")
    journal = draft.to_journal()
    # the save reached Cognito before the editor died: the server now holds both edits
    after = {k: v for k, v in SERVER.items() if k != "email_verified"} | {"nickname": "countess"}
    again = Draft(after)
    again.restore(journal)
    assert again.changes() == []
