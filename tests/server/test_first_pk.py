"""`seed --first-pk N`: realistic pks (across a digit count, past 2**53) on SQLite and PostgreSQL,
never colliding with earlier or later rows; seeded order numbers with non-ASCII letters."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from capture_order.cli import main
from capture_order.conformance.fixtures import parse_fixtures
from capture_order.server.seeding import create_channel, new_order, seed_fixtures
from capture_order.server.store import Store
from tests.harness import ServerProcess
from tests.server.conftest import ENDPOINT, POSTGRES_ADMIN_URL, now

PAST_2_53 = 2**53 - 2  # 9007199254740990: three items reach 2**53 and pass it
PK_MAX = 2**63 - 1


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own (the session's PostgreSQL one has rows of others)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pks.sqlite3'}"
        return
    name = f"capture_order_pks_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_store(empty_url: str) -> Iterator[Store]:
    """An open store on an empty database."""
    store = Store.open(empty_url)
    yield store
    store.close()


def item_pks(fixtures: dict[str, object], key: str = "orders") -> list[list[int]]:
    """The item pks of each order of a fixtures document, as listed."""
    orders = fixtures[key]
    assert isinstance(orders, list)
    return [[item["pk"] for item in order["items"]] for order in orders]


def test_item_pks_start_at_first_pk_and_cross_a_digit_count_inside_one_order(
    empty_store: Store,
) -> None:
    fixtures = seed_fixtures(empty_store, "", 2, 3, now(), first_pk=998)
    assert item_pks(fixtures) == [[998, 999, 1000], [1001, 1002, 1003]]
    # channel B's orders and the uncapturable ones continue the same numbering
    assert item_pks(fixtures, "foreign_orders") == [[1004, 1005, 1006], [1007, 1008, 1009]]
    channel = empty_store.channel_for_token(_hash(fixtures["token"]))
    assert channel is not None
    first = empty_store.order(channel, fixtures["orders"][0]["number"])
    assert first is not None and first.id == 998  # the order pks start there too


def test_a_second_seed_and_later_default_rows_continue_after_the_highest_pk(
    empty_store: Store,
) -> None:
    first = seed_fixtures(empty_store, "", 2, 3, now(), first_pk=998)
    again = seed_fixtures(empty_store, "", 2, 3, now(), first_pk=998)
    plain = seed_fixtures(empty_store, "", 2, 3, now())  # default pks: the table's own numbering
    seen = [pk for run in (first, again, plain) for order in item_pks(run) for pk in order]
    assert len(seen) == len(set(seen))
    highest_first = max(pk for order in item_pks(first, "foreign_orders") for pk in order)
    assert item_pks(again)[0][0] > highest_first
    # On PostgreSQL only a moved sequence keeps a default insert off the explicit pks.
    channel, _ = create_channel(empty_store, f"later-{secrets.token_hex(4)}", now())
    (later,) = empty_store.add_orders(channel, [new_order("LATER-1", 2, now())])
    assert min(later) > max(seen)


def test_pks_past_2_53_are_stored_and_answered_exactly(
    empty_url: str, launch_server: Callable[..., ServerProcess]
) -> None:
    store = Store.open(empty_url)
    try:
        fixtures = seed_fixtures(store, "", 1, 3, now(), first_pk=PAST_2_53)
    finally:
        store.close()
    assert item_pks(fixtures) == [[PAST_2_53, PAST_2_53 + 1, PAST_2_53 + 2]]
    server = launch_server("--database", empty_url)
    order = fixtures["orders"][0]["number"]
    answer = httpx.post(
        server.base_url + ENDPOINT,
        json={"order": order, "order_items": [{"pk": PAST_2_53 + 2}]},
        headers={"Authorization": fixtures["token"]},
    )
    assert answer.status_code == 200, answer.text
    # int, not float: 2**53 + 1 and 2**53 are one float
    body = json.loads(answer.content)
    assert body["capture"]["items"][0]["pk"] == PAST_2_53 + 2
    assert body["captured_items"] == [PAST_2_53 + 2]
    assert body["pk"] == PAST_2_53


def test_seed_first_pk_past_the_largest_pk_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'seed.sqlite3'}"
    assert main(["seed", "--database", url, "--first-pk", str(PK_MAX - 5)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"capture-order seed: 10 orders pks from {PK_MAX - 5} pass {PK_MAX}, the largest pk; "
        "choose a smaller --first-pk"
    ]
    for bad in ("0", str(PK_MAX + 1), "ten"):
        with pytest.raises(SystemExit) as exited:
            main(["seed", "--database", url, "--first-pk", bad])
        assert exited.value.code == 2
        assert "argument --first-pk:" in capsys.readouterr().err


def test_seeded_fixtures_have_non_ascii_order_numbers_and_stay_valid(
    empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["seed", "--database", empty_url, "--json", "--orders", "4", "--first-pk", "998"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    parsed = parse_fixtures(document)  # the suite's own check: fixtures.schema.json
    numbers = [o.number for o in parsed.orders] + [o.number for o in parsed.foreign_orders]
    assert any(not n.isascii() for n in numbers) and any(n.isascii() for n in numbers)
    assert list(parsed.orders[0].items) == [998, 999, 1000]


def _hash(authorization: object) -> str:
    from capture_order.server.token_cache import hash_token

    assert isinstance(authorization, str)
    return hash_token(authorization.removeprefix("Token "))
