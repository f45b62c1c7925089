"""Case filters match the real tool (heck 0.5) on the spec's truth table; quoting is safe."""

from __future__ import annotations

import ast
import json

import pytest
import yaml

from tasker_ctl.scaffold.filters import (
    camel_case,
    kebab_case,
    pascal_case,
    py_str,
    rb_str,
    rs_str,
    snake_case,
    ts_str,
    yaml_str,
)

# input, snake_case, pascal_case, camel_case, kebab_case (spec: templates-and-plugins.md 4.3)
TRUTH_TABLE = [
    ("ProcessPayment", "process_payment", "ProcessPayment", "processPayment", "process-payment"),
    ("process_payment", "process_payment", "ProcessPayment", "processPayment", "process-payment"),
    ("process-payment", "process_payment", "ProcessPayment", "processPayment", "process-payment"),
    ("Process Payment", "process_payment", "ProcessPayment", "processPayment", "process-payment"),
    ("already_snake", "already_snake", "AlreadySnake", "alreadySnake", "already-snake"),
    ("HTTPClient", "http_client", "HttpClient", "httpClient", "http-client"),
    ("XMLHttpRequest", "xml_http_request", "XmlHttpRequest", "xmlHttpRequest", "xml-http-request"),
    (
        "getHTTPResponse",
        "get_http_response",
        "GetHttpResponse",
        "getHttpResponse",
        "get-http-response",
    ),
    ("APIKey", "api_key", "ApiKey", "apiKey", "api-key"),
    ("ABC", "abc", "Abc", "abc", "abc"),
    ("ID", "id", "Id", "id", "id"),
    ("userID", "user_id", "UserId", "userId", "user-id"),
    ("UserIDs", "user_i_ds", "UserIDs", "userIDs", "user-i-ds"),
    ("iOS", "i_os", "IOs", "iOs", "i-os"),
    ("OAuth2Token", "o_auth2_token", "OAuth2Token", "oAuth2Token", "o-auth2-token"),
    ("Version2Update", "version2_update", "Version2Update", "version2Update", "version2-update"),
    ("MyHTTP2Server", "my_http2_server", "MyHttp2Server", "myHttp2Server", "my-http2-server"),
    ("s3Bucket", "s3_bucket", "S3Bucket", "s3Bucket", "s3-bucket"),
    ("S3Bucket", "s3_bucket", "S3Bucket", "s3Bucket", "s3-bucket"),
    ("abc123Def", "abc123_def", "Abc123Def", "abc123Def", "abc123-def"),
    ("v2_api", "v2_api", "V2Api", "v2Api", "v2-api"),
    ("fetch_user_v2", "fetch_user_v2", "FetchUserV2", "fetchUserV2", "fetch-user-v2"),
    ("123abc", "123abc", "123abc", "123abc", "123abc"),
    ("SHOUTY_SNAKE", "shouty_snake", "ShoutySnake", "shoutySnake", "shouty-snake"),
    ("ProcessCSV", "process_csv", "ProcessCsv", "processCsv", "process-csv"),
    ("ABCDef", "abc_def", "AbcDef", "abcDef", "abc-def"),
    ("AbcDEF", "abc_def", "AbcDef", "abcDef", "abc-def"),
    ("a_b_c", "a_b_c", "ABC", "aBC", "a-b-c"),
    ("x__y", "x_y", "XY", "xY", "x-y"),
    (
        "__leading__trailing__",
        "leading_trailing",
        "LeadingTrailing",
        "leadingTrailing",
        "leading-trailing",
    ),
    ("Foo.Bar", "foo_bar", "FooBar", "fooBar", "foo-bar"),
    ("dollar$sign", "dollar_sign", "DollarSign", "dollarSign", "dollar-sign"),
    ("Éclair", "éclair", "Éclair", "éclair", "éclair"),
    ("", "", "", "", ""),
]


@pytest.mark.parametrize(("text", "snake", "pascal", "camel", "kebab"), TRUTH_TABLE)
def test_case_filters_match_heck(
    text: str, snake: str, pascal: str, camel: str, kebab: str
) -> None:
    assert snake_case(text) == snake
    assert pascal_case(text) == pascal
    assert camel_case(text) == camel
    assert kebab_case(text) == kebab


def test_case_filters_reject_non_strings() -> None:
    with pytest.raises(TypeError, match="snake_case filter expects a string"):
        snake_case(42)


NASTY = [
    "plain",
    'it\'s "quoted"',
    "back\\slash",
    "new\nline",
    "tab\there",
    "#{interp}",
    "${x}",
    "ünï",
]


@pytest.mark.parametrize("value", NASTY)
def test_python_literal_round_trips(value: str) -> None:
    assert ast.literal_eval(py_str(value)) == value


@pytest.mark.parametrize("value", NASTY)
def test_yaml_scalar_round_trips(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_str(value)}\n") == {"key": value}


@pytest.mark.parametrize("value", ["true", "null", "1.0", "no", "a: b", "- x", "@x", "x:"])
def test_yaml_scalar_quotes_values_yaml_would_retype(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_str(value)}\n") == {"key": value}


@pytest.mark.parametrize("value", NASTY)
def test_typescript_literal_is_a_javascript_string(value: str) -> None:
    literal = ts_str(value)
    assert literal.startswith("'") and literal.endswith("'")
    # A single-quoted JS literal with our escapes reads back the same once the quotes
    # are swapped for JSON's (our escaping never leaves a bare quote or newline inside).
    body = literal[1:-1].replace("\\'", "'").replace('"', '\\"')
    assert json.loads(f'"{body}"') == value


@pytest.mark.parametrize("value", NASTY)
def test_ruby_and_rust_literals_keep_quotes_escaped(value: str) -> None:
    ruby = rb_str(value)
    rust = rs_str(value)
    assert "\n" not in ruby and "\n" not in rust
    inner_rust = rust[1:-1].replace('\\"', "")
    assert '"' not in inner_rust
    if ruby.startswith("'"):
        assert "'" not in ruby[1:-1].replace("\\'", "")
