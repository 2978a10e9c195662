"""No module writes a fact of the spec again: each reads it from `capture_order.contract.facts`.

The literals looked for are derived from the spec here (the body limit in every spelling, the
key length, the Order's money fields as a written list), so this test writes none of them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from capture_order.contract.facts import money_fields, request_limits

ROOT = Path(__file__).resolve().parents[2]
TREES = ("capture_order", "tests", "bench")
# A written list naming this many of the money fields, and mostly them, is a copy of the fact.
MONEY_LIST_MIN = 3
# Files whose lists of amounts are a few a test picks, not the list of money fields.
ALLOWED_MONEY = {"tests/traffic/test_odd_bodies.py"}

# (path, text on the line): uses of the same digits that are not the spec's fact.
ALLOWED = {
    # GitHub's own limit on a comment's characters, not the body limit.
    ("capture_order/contract/diff/github.py", "GitHub refuses comments"),
    # The diff's docstring on how numbers are spelt ("... are the same number").
    ("capture_order/contract/diff/normative.py", "are the same number"),
    # TCP ports end just below the same power of two.
    ("capture_order/conformance/traffic/proxy_command.py", "int(port) <"),
    # A bound on the tokens a traffic run learns, not the body limit.
    ("capture_order/conformance/traffic/channels.py", "bounded: a stream of one-off tokens"),
    # Socket read sizes of the proxy and its tests.
    ("capture_order/conformance/traffic/upstream.py", "READ_CHUNK ="),
    ("tests/traffic/test_front.py", "conn.recv("),
    # The diff's corpus and wording tests quote the spec's text as data, or edit it.
    ("tests/diff/corpus_requests.py", "keys of 65-"),
    ("tests/diff/test_wording.py", "A body larger than"),
    ("tests/diff/test_normative.py", "larger than"),
}


def _sources() -> Iterator[tuple[str, str]]:
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text("utf-8")


def _number_patterns() -> dict[str, re.Pattern[str]]:
    limits = request_limits()
    body = limits.body_bytes
    spellings = {str(body), f"{body:_}", f"{body:,}"}
    return {
        "the body limit (x-max-bytes)": re.compile(
            r"(?<![\w.])(" + "|".join(map(re.escape, spellings)) + r")(?![\w.])"
        ),
        "the key length (Idempotency-Key maxLength)": re.compile(
            rf"(?<![\w.]){limits.key_max}(?![\w.])"
        ),
    }


def _allowed(path: str, line: str) -> bool:
    return any(path == where and text in line for where, text in ALLOWED)


def written_numbers() -> list[str]:
    """`file:line: which fact` for every line that writes a limit of the spec."""
    found = []
    patterns = _number_patterns()
    for path, text in _sources():
        for number, line in enumerate(text.splitlines(), 1):
            for fact, pattern in patterns.items():
                if pattern.search(line) and not _allowed(path, line):
                    found.append(f"{path}:{number}: {fact}: {line.strip()}")
    return found


def written_money_lists() -> list[str]:
    """`file:line` for every tuple, list or set literal that names the money fields."""
    money = set(money_fields("Order"))
    found = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text, path)):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                named = {
                    e.value
                    for e in node.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                }
                money_named = len(named & money)
                if MONEY_LIST_MIN <= money_named > len(node.elts) / 2 and path not in ALLOWED_MONEY:
                    found.append(f"{path}:{node.lineno}: the money fields (`$ref: Money`)")
    return found


def test_no_module_writes_a_limit_of_the_spec() -> None:
    assert written_numbers() == []


def test_no_module_writes_the_money_fields() -> None:
    assert written_money_lists() == []


def test_the_money_fields_are_the_orders_money_refs() -> None:
    order = money_fields("Order")
    assert "amount" in order
    assert "captured_amount" in order
    # A rate is a decimal but not money: it is not written with the currency's digits.
    assert "shipping_tax_rate" not in order


def test_the_scan_finds_a_written_limit() -> None:
    limit = request_limits().body_bytes
    line = f"MAX = {limit:_}"
    assert any(p.search(line) for p in _number_patterns().values())
    assert not any(p.search(f"port = {limit - 1}") for p in _number_patterns().values())
