"""A sweep through the operations moto answers for us, in strict mode.

Each answer passes the spec check (the autouse fixture asserts no violation was
collected); these tests also check the answers are usable, so a cleaned-away member that
matters would show.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import error_of, new_user, unique


def test_pool_and_client_reads(backend, cognito):
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    assert backend.user_pool_id in {p["Id"] for p in pools}
    clients = cognito.list_user_pool_clients(UserPoolId=backend.user_pool_id, MaxResults=60)
    assert backend.client_id in {c["ClientId"] for c in clients["UserPoolClients"]}
    described = cognito.describe_user_pool_client(
        UserPoolId=backend.user_pool_id, ClientId=backend.client_id
    )["UserPoolClient"]
    assert "ALLOW_USER_SRP_AUTH" in described["ExplicitAuthFlows"]
    config = cognito.get_user_pool_mfa_config(UserPoolId=backend.user_pool_id)
    assert config["MfaConfiguration"] == "OPTIONAL"
    assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "{####}" in config["EmailMfaConfiguration"]["Message"]


def test_pool_lifecycle(cognito):
    pool_id = cognito.create_user_pool(PoolName=unique("sweep"))["UserPool"]["Id"]
    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    cognito.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "shoe_size", "AttributeDataType": "Number"}],
    )
    names = {
        a["Name"]
        for a in cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    }
    assert {"email", "custom:shoe_size"} <= names
    app = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]
    cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=app["ClientId"], ClientName="renamed"
    )
    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=app["ClientId"])
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    cognito.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as caught:
        cognito.describe_user_pool(UserPoolId=pool_id)
    assert error_of(caught)[0] == "ResourceNotFoundException"


def test_groups(backend, cognito):
    group = unique("group")
    username, _ = new_user(cognito, backend.user_pool_id)
    cognito.create_group(UserPoolId=backend.user_pool_id, GroupName=group, Description="d")
    cognito.admin_add_user_to_group(
        UserPoolId=backend.user_pool_id, Username=username, GroupName=group
    )
    listed = cognito.admin_list_groups_for_user(UserPoolId=backend.user_pool_id, Username=username)
    assert [g["GroupName"] for g in listed["Groups"]] == [group]
    members = cognito.list_users_in_group(UserPoolId=backend.user_pool_id, GroupName=group)
    assert [u["Username"] for u in members["Users"]] == [username]
    assert group in {
        g["GroupName"] for g in cognito.list_groups(UserPoolId=backend.user_pool_id)["Groups"]
    }
    cognito.get_group(UserPoolId=backend.user_pool_id, GroupName=group)
    cognito.admin_remove_user_from_group(
        UserPoolId=backend.user_pool_id, Username=username, GroupName=group
    )
    cognito.delete_group(UserPoolId=backend.user_pool_id, GroupName=group)


def test_user_admin_operations(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    cognito.admin_disable_user(UserPoolId=backend.user_pool_id, Username=username)
    assert not cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=username)["Enabled"]
    cognito.admin_enable_user(UserPoolId=backend.user_pool_id, Username=username)
    cognito.admin_user_global_sign_out(UserPoolId=backend.user_pool_id, Username=username)
    listed = cognito.list_users(
        UserPoolId=backend.user_pool_id,
        Filter=f'username = "{username}"',
        AttributesToGet=["email"],
    )
    assert [a["Name"] for a in listed["Users"][0]["Attributes"]] == ["email"]
    cognito.admin_delete_user(UserPoolId=backend.user_pool_id, Username=username)
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=username)
    assert error_of(caught) == ("UserNotFoundException", "User does not exist.")


def test_domain_resource_server_and_identity_provider(backend, cognito):
    domain = unique("sweep")
    cognito.create_user_pool_domain(UserPoolId=backend.user_pool_id, Domain=domain)
    cognito.describe_user_pool_domain(Domain=domain)
    cognito.delete_user_pool_domain(UserPoolId=backend.user_pool_id, Domain=domain)
    identifier = f"https://{domain}.example.com"
    cognito.create_resource_server(
        UserPoolId=backend.user_pool_id,
        Identifier=identifier,
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read things"}],
    )
    cognito.describe_resource_server(UserPoolId=backend.user_pool_id, Identifier=identifier)
    cognito.list_resource_servers(UserPoolId=backend.user_pool_id, MaxResults=10)
    cognito.create_identity_provider(
        UserPoolId=backend.user_pool_id,
        ProviderName="Corp",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "abc",
            "authorize_scopes": "openid",
            "oidc_issuer": "https://issuer.example.com",
            "attributes_request_method": "GET",
        },
    )
    cognito.describe_identity_provider(UserPoolId=backend.user_pool_id, ProviderName="Corp")
    cognito.list_identity_providers(UserPoolId=backend.user_pool_id, MaxResults=10)
    cognito.delete_identity_provider(UserPoolId=backend.user_pool_id, ProviderName="Corp")


def test_unimplemented_operation_answers_inside_the_spec(backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.describe_risk_configuration(UserPoolId=backend.user_pool_id)
    code, message = error_of(caught)
    assert code == "UnknownOperationException"
    assert "DescribeRiskConfiguration" in message


def test_existing_usernames_and_group_updates(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(UserPoolId=backend.user_pool_id, Username=username)
    assert error_of(caught) == ("UsernameExistsException", "User account already exists")
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(
            ClientId=backend.client_id,
            Username=username,
            Password="Correct-Horse-9",
            UserAttributes=[{"Name": "email", "Value": "other@example.com"}],
        )
    assert error_of(caught) == ("UsernameExistsException", "User already exists")
    group = unique("group")
    cognito.create_group(UserPoolId=backend.user_pool_id, GroupName=group)
    updated = cognito.update_group(
        UserPoolId=backend.user_pool_id, GroupName=group, Description="renamed", Precedence=2
    )["Group"]
    assert (updated["Description"], updated["Precedence"]) == ("renamed", 2)
    cognito.delete_group(UserPoolId=backend.user_pool_id, GroupName=group)


def test_custom_domain_certificate_update(backend, cognito):
    domain = unique("certs")
    cognito.create_user_pool_domain(UserPoolId=backend.user_pool_id, Domain=domain)
    answer = cognito.update_user_pool_domain(
        UserPoolId=backend.user_pool_id,
        Domain=domain,
        CustomDomainConfig={
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
        },
    )
    assert answer["CloudFrontDomain"].endswith(".cloudfront.net")
    cognito.delete_user_pool_domain(UserPoolId=backend.user_pool_id, Domain=domain)
