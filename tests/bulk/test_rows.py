"""Reading the bulk CSV: header, BOM, whitespace, line numbers, bad rows collected."""

from __future__ import annotations

import pytest

from tui.core.bulk import BulkInputError, Row, csv_digest, parse_csv


def parse(text: str, bom: bool = False) -> tuple[list[Row], dict[int, tuple[str, ...]]]:
    data = text.encode()
    if bom:
        data = b"\xef\xbb\xbf" + data
    parsed = parse_csv(data)
    return parsed.rows, {p.line: p.reasons for p in parsed.problems}


def test_bom_header_case_whitespace_and_default_action():
    text = (
        "Username , Attribute,VALUE, Action  \n"
        "user00001, custom:department ,  Research  ,set \n"
        "\n"
        "user00002,nickname,,DELETE\n"
        "user00003,given_name,Ada\n"
    )
    rows, problems = parse(text, bom=True)
    assert problems == {}
    assert rows == [
        Row(2, "user00001", "custom:department", "Research", "set"),
        Row(4, "user00002", "nickname", "", "delete"),
        Row(5, "user00003", "given_name", "Ada", "set"),
    ]


def test_columns_in_any_order_and_value_column_optional():
    rows, _ = parse("action,attribute,username\ndelete,locale,user00001\n")
    assert rows == [Row(2, "user00001", "locale", "", "delete")]


def test_line_numbers_follow_quoted_values_across_lines():
    text = 'username,attribute,value\nu1,address,"{""a"":\n1}"\nu2,,x\n'
    rows, problems = parse(text)
    assert rows[0].line == 2 and rows[0].value == '{"a":\n1}'
    assert problems == {4: ("no attribute",)}


def test_bad_rows_are_collected_with_every_reason():
    text = (
        "username,attribute,value,action\n"
        ",given_name,x,set\n"
        "u1,,x,set\n"
        "u1,given_name,x,upsert\n"
        "u1,given_name,,set\n"
        "u1,given_name\n"
        "u1,given_name,x,set,surplus\n"
        "u1,given_name,x,set,,\n"
    )
    rows, problems = parse(text)
    assert problems[2] == ("no username",)
    assert problems[3] == ("no attribute",)
    assert problems[4] == ("unknown action 'upsert' (set or delete)",)
    assert "no value" in problems[5][0] and "delete" in problems[5][0]
    assert "no value" in problems[6][0]
    assert problems[7] == ("5 fields, but the header has 4 columns",)
    assert rows == [Row(8, "u1", "given_name", "x", "set")]  # empty trailing fields are fine


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"user00001,given_name,Ada\n", "first row must be the header"),
        (b"username,attribute,value,acton\nu,a,v,set\n", "unknown column acton"),
        (b"username,attribute,attribute\n", "appears twice"),
        (b"username,attribute,value\n", "no rows after the header"),
        (b"username,attribute,value\nu,n,\xff\xfe\n", "not UTF-8"),
        (b'username,attribute,value\nu,n,"unterminated\n', "not valid CSV"),
    ],
)
def test_unusable_files(data, message):
    with pytest.raises(BulkInputError, match=message):
        parse_csv(data)


def test_a_data_row_is_never_echoed_as_a_header():
    with pytest.raises(BulkInputError) as caught:
        parse_csv(b"user00001,email,secret-looking@example.com\n")
    assert "secret-looking" not in str(caught.value)


def test_digest_names_the_file_and_the_pool():
    data = b"username,attribute,value\nu,given_name,x\n"
    assert csv_digest(data, "us-east-1_a") == csv_digest(data, "us-east-1_a")
    assert csv_digest(data, "us-east-1_a") != csv_digest(data, "us-east-1_b")
    assert csv_digest(data, "us-east-1_a") != csv_digest(data + b"\n", "us-east-1_a")
