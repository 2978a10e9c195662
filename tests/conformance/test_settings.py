"""Fixtures files (JSON, TOML), environment and flag overrides, validation messages."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from capture_order.conformance.fixtures import FixtureOrder, FixturesError, load_fixtures
from capture_order.conformance.settings import normalise_token, resolve

FIXTURES = {
    "base_url": "http://127.0.0.1:9000",
    "token": "Token file-token-123",
    "orders": [{"number": "CO-1", "items": [1, 2]}],
    "foreign_token": "Token file-foreign-456",
    "foreign_orders": [{"number": "CO-B", "items": [9]}],
    "uncapturable_orders": [{"number": "CO-X", "code": "order_refunded"}],
}


def _write(tmp_path: Path, data: object, name: str = "fixtures.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_fixtures_are_read_into_values(tmp_path: Path) -> None:
    fixtures = load_fixtures(_write(tmp_path, FIXTURES))
    assert fixtures.orders == (FixtureOrder("CO-1", (1, 2)),)
    assert fixtures.uncapturable_orders[0].code == "order_refunded"


def test_toml_fixtures_are_read_like_json(tmp_path: Path) -> None:
    path = tmp_path / "fixtures.toml"
    path.write_text(
        'base_url = "http://h:1"\ntoken = "Token t-1234567"\n'
        '[[orders]]\nnumber = "CO-9"\nitems = [5, 6]\n',
        encoding="utf-8",
    )
    fixtures = load_fixtures(path)
    assert fixtures.base_url == "http://h:1"
    assert fixtures.orders == (FixtureOrder("CO-9", (5, 6)),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"top level: \[\] is not of type 'object'"),
        (
            {"orders": [{"number": "CO-1", "items": []}]},
            r"orders\[0\]\.items: \[\] should be non-empty",
        ),
        ({"orders": [{"number": "CO-1", "items": [1, 1]}]}, r"orders\[0\]\.items: .* non-unique"),
        (
            {"orders": [{"number": "", "items": [1]}]},
            r"orders\[0\]\.number: '' should be non-empty",
        ),
        ({"uncapturable_orders": [{"number": "X", "code": "nope"}]}, "'nope' is not one of"),
        ({"token": 5}, "token: 5 is not of type 'string'"),
        ({"foreign_order": []}, r"Additional properties are not allowed \('foreign_order'"),
        (
            {"orders": [{"number": "A", "items": [1]}, {"number": "A", "items": [2]}]},
            r"orders\[1\]\.number 'A' is listed twice",
        ),
    ],
)
def test_malformed_fixtures_are_refused_with_the_reason(
    tmp_path: Path, data: object, message: str
) -> None:
    with pytest.raises(FixturesError, match=message):
        load_fixtures(_write(tmp_path, data))


def test_unreadable_fixtures_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FixturesError, match="not valid"):
        load_fixtures(tmp_path / "bad.json")
    with pytest.raises(FixturesError, match="cannot read"):
        load_fixtures(tmp_path / "missing.json")


def test_environment_overrides_file_and_flags_override_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, FIXTURES)
    env = {"CAPTURE_ORDER_TOKEN": "env-token-789", "CAPTURE_ORDER_BASE_URL": "http://env:1"}
    from_env = resolve({"fixtures": str(path)}, env)
    assert from_env.token == "Token env-token-789"
    assert from_env.base_url == "http://env:1"
    assert from_env.foreign_token == "Token file-foreign-456"
    from_flags = resolve({"fixtures": str(path), "token": "Token flag-token-000"}, env)
    assert from_flags.token == "Token flag-token-000"


def test_fixtures_path_may_come_from_the_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, FIXTURES)
    settings = resolve({}, {"CAPTURE_ORDER_FIXTURES": str(path)})
    assert settings.orders[0].number == "CO-1"


def test_missing_base_url_is_refused() -> None:
    with pytest.raises(FixturesError, match="no base URL"):
        resolve({}, {})
    with pytest.raises(FixturesError, match="not an http"):
        resolve({"base_url": "ftp://x"}, {})


def test_redacted_settings_carry_no_token(tmp_path: Path) -> None:
    settings = resolve({"fixtures": str(_write(tmp_path, FIXTURES))}, {})
    text = json.dumps(settings.redacted())
    assert "file-token-123" not in text
    assert "file-foreign-456" not in text
    assert settings.redacted()["orders"] == [{"number": "CO-1", "items": [1, 2]}]


def test_fixtures_schema_ships_inside_the_package_and_is_a_valid_schema() -> None:
    from importlib.resources import files

    from jsonschema import Draft202012Validator

    text = (
        files("capture_order.conformance")
        .joinpath("fixtures.schema.json")
        .read_text(encoding="utf-8")
    )
    Draft202012Validator.check_schema(json.loads(text))


def test_options_come_from_one_table_for_cli_environment_and_pytest() -> None:
    import argparse

    from capture_order.conformance.options import OPTIONS, add_arguments, options_for_pytest

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = {a.dest for a in parser._actions if a.dest != "help"}
    assert flags == {o.name for o in OPTIONS}
    assert {flag for _, flag in options_for_pytest()} >= {"--base-url", "--fixtures-file"}
    assert "--fixtures" not in {flag for _, flag in options_for_pytest()}


def test_environment_values_are_converted_and_bad_ones_named() -> None:
    settings = resolve({"base_url": "http://h:1"}, {"CAPTURE_ORDER_RATE_LIMIT": "2.5"})
    assert settings.rate_limit == 2.5
    with pytest.raises(FixturesError, match="CAPTURE_ORDER_SEED must be an integer, got 'x'"):
        resolve({"base_url": "http://h:1"}, {"CAPTURE_ORDER_SEED": "x"})
    with pytest.raises(FixturesError, match="rate limit must be positive"):
        resolve({"base_url": "http://h:1", "rate_limit": -1.0}, {})


def test_order_facts_are_read_exactly_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "fixtures.json"
    order = {
        "number": "CO-F",
        "status": "450",
        "currency": "kwd",
        "amount": 620.125,
        "items": [{"pk": 1, "amount": "620.125", "attributes": {"gift": True}}, 2],
    }
    path.write_text(json.dumps({"orders": [order]}), encoding="utf-8")
    (read,) = load_fixtures(path).orders
    assert (read.status, read.currency, read.amount) == ("450", "kwd", Decimal("620.125"))
    assert read.item_amounts == {1: Decimal("620.125")} and read.items == (1, 2)
    assert read.item_attributes == {1: {"gift": True}}
    assert read.as_fixture()["items"] == [
        {"pk": 1, "amount": "620.125", "attributes": {"gift": True}},
        2,
    ]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ({"number": "A", "items": [1], "status": "100"}, "'100' is not a capturable status"),
        ({"number": "A", "items": [1], "currency": "xyz"}, "'xyz' is not a Currency"),
        ({"number": "A", "items": [1, {"pk": 1, "amount": "1"}]}, "lists a pk twice"),
        ({"number": "A", "items": [{"pk": 1, "amount": "1.2.3"}]}, r"items\[0\]"),
    ],
)
def test_wrong_facts_are_refused_with_the_reason(
    tmp_path: Path, order: dict[str, object], message: str
) -> None:
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps({"orders": [order]}), encoding="utf-8")
    with pytest.raises(FixturesError, match=message):
        load_fixtures(path)


@pytest.mark.parametrize(
    ("given", "sent"),
    [("abc123", "Token abc123"), ("Token abc123", "Token abc123"), ("token  abc", "token  abc")],
)
def test_a_bare_key_gets_the_scheme_and_a_written_one_is_kept(given: str, sent: str) -> None:
    assert normalise_token(given) == sent
