"""CreateUserPool inputs the model allows but moto could not handle (found by bench/fuzz.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import error_of, unique


def test_a_schema_attribute_without_a_name_is_refused_not_crashed(cognito):
    schema = [
        {"Name": "department", "AttributeDataType": "String"},
        {"AttributeDataType": "Number", "Mutable": True},
    ]
    with pytest.raises(ClientError) as caught:
        cognito.create_user_pool(PoolName=unique("pool"), Schema=schema)
    assert error_of(caught) == ("InvalidParameterException", "Schema attribute 2 has no Name.")


def test_named_schema_attributes_still_create_the_pool(cognito):
    schema = [{"Name": "department", "AttributeDataType": "String"}]
    pool = cognito.create_user_pool(PoolName=unique("pool"), Schema=schema)["UserPool"]
    try:
        names = {a["Name"] for a in pool["SchemaAttributes"]}
        assert "custom:department" in names
    finally:
        cognito.delete_user_pool(UserPoolId=pool["Id"])
