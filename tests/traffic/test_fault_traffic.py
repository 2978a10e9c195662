"""Traffic recorded through the fault matrix's proxy, one fault at a time, judged from the file.

Of the matrix's 83 faults, 70 show in the traffic the active suite sends (measured with
`make traffic-faults`, which runs them all); the other 13 are not observable from the traffic
alone (NOT_OBSERVABLE says why) and are skipped with that reason. Judged with the fixtures'
facts (`--traffic FILE --fixtures FILE`), the same recordings show all 83. `make test` runs
the sample below, one fault of each family of rules, to stay within its time. The rule: each
requirement the fault names is FAIL (WARN for a SHOULD) with reproductions, and a fault seen only
across exchanges is shown with the pair of exchanges that proves it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.faults.matrix import expected_verdict
from tests.faults.registry import FAULTS
from tests.harness import Reference
from tests.traffic.recording import Recorded, record_run

pytestmark = pytest.mark.slow
SAMPLE = (
    "double_capture",
    "unknown_item_partially_applied",
    "captured_item_partially_applied",
    "no_replay_header",
    "key_reuse_executed",
    "keys_shared_across_channels",
    "foreign_order_distinguishable",
    "not_found_as_bad_request",
    "token_ignored",
    "amount_with_three_fraction_digits",
)
# Faults only a sequence of exchanges shows: their findings carry the pair that proves them.
ACROSS = {
    "double_capture": "CO-CAP-05",
    "race_double_capture": "CO-CONC-01",
    "captured_item_partially_applied": "CO-CAP-04",
    "no_replay_header": "CO-IDEM-01",
    "key_reuse_executed": "CO-IDEM-02",
    "keys_shared_across_channels": "CO-IDEM-05",
    "foreign_order_distinguishable": "CO-OLA-02",
    "unknown_item_partially_applied": "CO-CAP-03",
    "rejected_requests_stored": "CO-IDEM-06",
    "replay_reexecutes": "CO-IDEM-01",
    "answers_never_stored": "CO-IDEM-03",
}
# Faults no traffic can show: what proves them is not in any exchange.
FACTS = (
    "needs the order as it was before the capture (the fixtures' facts), which no exchange holds"
)
NOT_OBSERVABLE = {
    "absent_attributes_cleared": FACTS + " (its items' attributes)",
    "amounts_in_minor_units": FACTS + " (its amount: x100 amounts are consistent among themselves)",
    "capture_moves_status_to_shipped": FACTS + " (its status: 500 is capturable too)",
    "currency_mislabelled": FACTS + " (its currency: kwd's digits fit try's amounts)",
    "item_amounts_rotated": FACTS + " (its items' amounts: the sum stays right)",
    "cancel_status_not_read": "CO-CAP-06: whether an order is cancelled is not in the exchanges",
    "refund_beats_cancel": "CO-CAP-06: whether an order is refunded is not in the exchanges",
    "capture_state_from_amounts": "the Order lists only captured items: items left uncaptured "
    "(free ones) are not in the answer",
    "order_numbers_case_insensitive": "the suite asks for another spelling of a captured order's "
    "number and gets 409 already captured: right, if that spelling were an order captured before "
    "the recording",
    "order_numbers_trimmed": "as order_numbers_case_insensitive, with spaces around the number",
    "status_50_not_cancelled": "CO-CAP-06: an order's status is not in the exchanges",
    "status_100_not_cancelled": "CO-CAP-06: an order's status is not in the exchanges",
    "captured_amount_of_this_capture": FACTS + " (its items' amounts: CO-CAP-08's cumulative sum)",
    **{
        f"order_numbers_{name}": f"the suite sends {spelling} listing an item no order has, "
        "and gets 422 order_item_not_found: right, if that spelling were an order of its own"
        for name, spelling in (
            ("nfc_normalised", "a decomposed number"),
            ("nfkc_normalised", "fullwidth letters in the number"),
            ("trailing_spaces_ignored", "spaces after the number"),
            ("ascii_case_insensitive", "ASCII letters in another case"),
            ("matched_with_like", "`%`, `_` or `\\` in the number"),
        )
    },
}
# Faults that act only when requests overlap: some runs never meet them.
TIMED = ("race_double_capture",)
CHOSEN = sorted(FAULTS) if os.environ.get("TRAFFIC_FAULTS") == "all" else list(SAMPLE)


@pytest.fixture(scope="module")
def recorded(
    reference: Reference, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Recorded]:
    """Each selected fault's traffic (the suite without fuzzing: its semantic checks), judged."""
    tmp = tmp_path_factory.mktemp("fault-traffic")
    wanted = [
        item.callspec.params["fault_name"]
        for item in request.session.items
        if item.path == request.path and hasattr(item, "callspec")
    ]

    def one(name: str) -> Recorded:
        return record_run(reference, Path(tmp), name, "--skip", "schema_fuzzing")

    with ThreadPoolExecutor(2) as pool:
        return {run.fault or "": run for run in pool.map(one, dict.fromkeys(wanted))}


@pytest.mark.parametrize("fault_name", CHOSEN)
def test_traffic_shows_the_fault_naming_its_requirement(
    recorded: dict[str, Recorded], fault_name: str
) -> None:
    if fault_name in NOT_OBSERVABLE:
        pytest.skip(f"not observable from traffic: {NOT_OBSERVABLE[fault_name]}")
    run, fault = recorded[fault_name], FAULTS[fault_name]
    if fault_name in TIMED and run.suite.returncode == 0:
        pytest.skip("the race the fault needs did not happen in this run (the suite saw none)")
    verdicts = run.verdicts()
    for requirement in fault.requirements:
        assert verdicts[requirement] == expected_verdict(requirement), (requirement, verdicts)
        findings = run.failures(requirement)
        assert findings and all(f.curl and f.curl[0].startswith("curl ") for f in findings)
    # Traffic never shows every rule: without a failed MUST a run is incomplete, never conformant.
    assert run.report.verdict.value == ("NOT_CONFORMANT" if fault.must else "INCOMPLETE")
    if fault_name in ACROSS:
        pairs = [f for f in run.failures(ACROSS[fault_name]) if len(f.curl) >= 2]
        assert pairs, "a fault seen across exchanges is shown with the pair"
    text = run.record.read_text(encoding="utf-8")
    assert str(run.fixtures["token"]).split(" ", 1)[-1] not in text


@pytest.mark.parametrize("fault_name", CHOSEN)
def test_traffic_with_the_fixtures_facts_shows_every_fault(
    recorded: dict[str, Recorded], fault_name: str
) -> None:
    # The same recording, judged as `--traffic FILE --fixtures FILE`: the facts tell what no
    # exchange holds (an order's state before the capture, its items, a number's variants).
    run, fault = recorded[fault_name], FAULTS[fault_name]
    if fault_name in TIMED and run.suite.returncode == 0:
        pytest.skip("the race the fault needs did not happen in this run (the suite saw none)")
    report = run.with_facts()
    verdicts = {r.requirement.id: r.status.value for r in report.requirements}
    for requirement in fault.requirements:
        assert verdicts[requirement] == expected_verdict(requirement), (requirement, verdicts)
