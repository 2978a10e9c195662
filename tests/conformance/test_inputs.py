"""Input classes: sampling by seed and profile, the class checks of the lint, the report counts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from capture_order.conformance.inputs import DEFAULT_SEED, InputLedger, sampling_seed
from capture_order.conformance.judge.broken import target
from capture_order.conformance.near_keys import near_misses
from capture_order.conformance.reproduce import redactor_for
from capture_order.conformance.scenarios.request_handling import path_spellings
from capture_order.contract.catalogue import cases_by_ref, input_classes
from capture_order.contract.docs import catalogue_markdown
from capture_order.contract.lint.catalogue_rules import check_input_classes
from capture_order.contract.spec import OPERATION_PATH, base_path, load_spec
from tests.harness import Reference, run_suite

CANDIDATES = list(range(100))
KEEP = [7, 50, 99]


def test_same_seed_samples_the_same_inputs_and_another_seed_others() -> None:
    first = InputLedger(seed=11).choose("c", CANDIDATES, KEEP, sample=8)
    again = InputLedger(seed=11).choose("c", CANDIDATES, KEEP, sample=8)
    other = InputLedger(seed=12).choose("c", CANDIDATES, KEEP, sample=8)
    assert first == again
    assert first != other


def test_keep_is_always_tried_first_and_the_sample_has_its_size() -> None:
    for seed in range(20):
        chosen = InputLedger(seed=seed).choose("c", CANDIDATES, KEEP, sample=8)
        assert chosen[:3] == KEEP
        assert len(chosen) == len(set(chosen)) == 3 + 8
        assert set(chosen) <= set(CANDIDATES)


def test_certify_tries_every_candidate() -> None:
    ledger = InputLedger.for_run(5, True, "certify")
    chosen = ledger.choose("c", CANDIDATES, KEEP, sample=8)
    assert sorted(chosen) == CANDIDATES and chosen[:3] == KEEP
    assert ledger.tried("c").as_dict() == {"class": "c", "tried": 100, "total": 100}


def test_ledger_counts_tried_and_total_per_class_over_scenarios() -> None:
    ledger = InputLedger(seed=3)
    ledger.choose("c", CANDIDATES, KEEP, sample=4)
    ledger.choose("c", CANDIDATES, KEEP, sample=4)  # a second scenario: the same sample
    ledger.choose("d", ["x", "y"], sample=4)
    assert ledger.tried("c").as_dict() == {"class": "c", "tried": 7, "total": 100}
    assert ledger.tried("d").words() == "d: tried 2 of 2"
    assert ledger.tried("never").words() == "never: not tried"
    assert ledger.tried("never").total is None


def test_classes_are_sampled_independently_of_each_other() -> None:
    alone = InputLedger(seed=9).choose("c", CANDIDATES, sample=5)
    ledger = InputLedger(seed=9)
    ledger.choose("other", CANDIDATES, sample=50)
    assert ledger.choose("c", CANDIDATES, sample=5) == alone


def test_without_seed_the_sample_uses_the_fixed_seed() -> None:
    assert sampling_seed(123, False) == DEFAULT_SEED
    assert sampling_seed(123, True) == 123


def test_every_class_of_the_spec_is_named_by_a_case() -> None:
    named = {c.input_class for c in cases_by_ref().values() if c.input_class}
    assert named == set(input_classes())
    assert check_input_classes(load_spec()) == []


def _spec_with(change: Any) -> dict[str, Any]:
    spec = copy.deepcopy(dict(load_spec()))
    change(spec)
    return spec


def test_a_case_naming_an_unknown_class_is_a_lint_error() -> None:
    def name_unknown(spec: dict[str, Any]) -> None:
        spec["x-requirements"][0]["cases"][0]["class"] = "no-such-class"

    messages = [f.message for f in check_input_classes(_spec_with(name_unknown))]
    assert any("unknown input class 'no-such-class'" in m for m in messages), messages


def test_a_class_no_case_names_is_a_lint_error() -> None:
    def add_unused(spec: dict[str, Any]) -> None:
        spec["x-input-classes"].append(
            {"name": "lonely", "technique": "boundary values", "source": "s", "text": "t"}
        )

    messages = [f.message for f in check_input_classes(_spec_with(add_unused))]
    assert messages == ["input class lonely is named by no case"]


def test_a_class_with_an_unknown_technique_is_a_lint_error() -> None:
    def misname(spec: dict[str, Any]) -> None:
        spec["x-input-classes"][0]["technique"] = "guessing"

    messages = [f.message for f in check_input_classes(_spec_with(misname))]
    assert len(messages) == 1 and "technique must be one of" in messages[0]


def _inputs_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["id"]: c["inputs"] for r in report["requirements"] for c in r["cases"] if "inputs" in c
    }


def test_report_gives_each_classed_case_its_tried_and_total(
    reference: Reference, tmp_path: Path
) -> None:
    fixtures = reference.seed(orders=4)
    only = ("--only", "CO-REQ-02/over-limit,CO-REQ-07/too-long", "--max-examples", "1")
    default = run_suite("--fixtures", str(fixtures), *only, report_dir=tmp_path / "default")
    assert default.report is not None, default.stdout + default.stderr
    inputs = _inputs_of(default.report)
    classed = {ref: c.input_class for ref, c in cases_by_ref().items() if c.input_class}
    assert {ref: i["class"] for ref, i in inputs.items()} == classed
    size = inputs["CO-REQ-02/over-limit"]
    assert size == inputs["CO-REQ-02/at-limit"]
    assert 3 <= size["tried"] < size["total"]  # the boundary values and a sample
    assert default.report["inputs_seed"] == DEFAULT_SEED
    assert f"inputs seed {DEFAULT_SEED}" in default.stdout
    assert f"over-limit: body-size: tried {size['tried']} of {size['total']}" in default.stdout
    untried = [i for ref, i in inputs.items() if not ref.startswith(("CO-REQ-02", "CO-REQ-07"))]
    assert all(i["tried"] == 0 and i["total"] is None for i in untried)
    html = (tmp_path / "default" / "report.html").read_text(encoding="utf-8")
    assert f"body-size: tried {size['tried']} of {size['total']}" in html

    certify = run_suite(
        "--fixtures", str(fixtures), *only, "--profile", "certify", report_dir=tmp_path / "all"
    )
    assert certify.report is not None, certify.stdout + certify.stderr
    everything = _inputs_of(certify.report)["CO-REQ-02/over-limit"]
    assert everything["tried"] == everything["total"] == size["total"]


def test_near_miss_keys_are_redacted_like_the_key() -> None:
    key = "3f1cAbCdEf0123456789abcdef0123456789ABCD"
    redactor = redactor_for(f"Token {key}", None)
    keep, every = near_misses(key)
    assert set(keep) <= set(every) and key not in every
    assert len(every) == len(set(every)) >= 12
    for near in every:
        shown = redactor.text(f"Authorization: Token {near}")
        assert near not in shown and key not in shown, shown
        assert key[2:-2].swapcase() not in shown, shown


def test_docs_name_each_cases_class_and_list_the_classes() -> None:
    text = catalogue_markdown(load_spec())
    for ref, case in cases_by_ref().items():
        if case.input_class:
            assert f"`{case.id}` " in text and f"(input class `{case.input_class}`)" in text, ref
    for name in input_classes():
        assert f"| `{name}` |" in text


def test_request_target_spellings_are_judged_as_rfc_3986_normalises_them() -> None:
    equivalent, other = path_spellings(OPERATION_PATH)
    root = "http://127.0.0.1:1/prefix" + base_path()
    assert target(root + OPERATION_PATH) == "path"
    assert {target(root + p) for p in equivalent} == {"equivalent", "dot-segments"}
    assert {target(root + p) for p in other} == {"other"}
    assert target(root + "/./" + OPERATION_PATH.strip("/") + "/") == "dot-segments"
    assert target(root + "/capture%2Forder/") == "other"
