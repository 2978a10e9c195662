"""The HTML docs: one offline page that shows the operation, schemas and catalogue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from capture_order.contract.catalogue import requirements
from capture_order.contract.docs import (
    REDOCLY_ENV,
    REMOTE_ASSET,
    build,
    catalogue_markdown,
    docs_spec,
)
from capture_order.contract.lint.lint_command import REQUIRE_SPECTRAL_ENV
from capture_order.contract.npm_tools import find_tool


def table_rows(markdown: str) -> list[str]:
    """The body rows of the catalogue table."""
    return [line for line in markdown.splitlines() if line.startswith("| CO-")]


def test_catalogue_has_one_row_per_rule_and_counts(pristine_spec: dict[str, Any]) -> None:
    rules = requirements(pristine_spec)
    markdown = catalogue_markdown(pristine_spec)
    rows = table_rows(markdown)
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [r.id for r in rules]
    musts = sum(rule.level == "MUST" for rule in rules)
    shoulds = sum(rule.level == "SHOULD" for rule in rules)
    cases = sum(len(rule.cases) for rule in rules)
    assert f"{len(rules)} rules: {musts} MUST, {shoulds} SHOULD, {cases} cases." in markdown
    assert "`no-header` No `Authorization` header" in rows[0]


def test_catalogue_cells_survive_pipes_and_newlines(spec: dict[str, Any]) -> None:
    spec["x-requirements"][0]["text"] = "a | b\nc"
    first = table_rows(catalogue_markdown(spec))[0]
    assert "| a \\| b c | `no-header`" in first
    assert first.replace("\\|", "").count("|") == 6


def test_docs_spec_appends_the_catalogue_without_touching_the_source(
    pristine_spec: dict[str, Any],
) -> None:
    before = pristine_spec["info"]["description"]
    rendered = docs_spec(pristine_spec)
    assert pristine_spec["info"]["description"] == before
    assert rendered["info"]["description"].startswith(before.rstrip())
    assert rendered["info"]["description"].endswith(catalogue_markdown(pristine_spec))
    assert rendered["x-requirements"] == pristine_spec["x-requirements"]


def test_build_writes_one_self_contained_page(spec_file: Path, tmp_path: Path) -> None:
    if find_tool("redocly", REDOCLY_ENV) is None:
        if os.environ.get(REQUIRE_SPECTRAL_ENV, "") not in ("", "0"):
            pytest.fail(f"Redocly CLI missing while {REQUIRE_SPECTRAL_ENV} is set")
        pytest.skip("Redocly CLI not installed (`make docs` installs it when npm exists)")
    out = tmp_path / "docs" / "capture-order.html"
    assert build(spec_file, out) == 0
    page = out.read_text(encoding="utf-8")
    assert REMOTE_ASSET.findall(page) == []
    for expected in ("captureOrder", "Requirement catalogue", "CO-RSP-02", "CaptureOrder"):
        assert expected in page


def test_build_without_redocly_says_so_and_fails(
    spec_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(REDOCLY_ENV, str(tmp_path / "no-redocly"))
    assert build(spec_file, tmp_path / "page.html") == 1
    assert (
        capsys.readouterr().out == f"docs: {REDOCLY_ENV}={tmp_path / 'no-redocly'} is not a file\n"
    )
    assert not (tmp_path / "page.html").exists()
