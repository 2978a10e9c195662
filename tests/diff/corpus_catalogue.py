"""Labelled edits of the requirement catalogue."""

from __future__ import annotations

from tests.diff.edits import BC, BD, DOCS, NB, Spec, need, operation, registry, rule

EDITS, edit = registry()


@edit(BD, "deployments must now meet a rule they may not meet")
def must_rule_added(spec: Spec) -> None:
    need(spec, "x-requirements").append(
        {
            "id": "CO-REQ-99",
            "level": "MUST",
            "title": "Requests carry a request ID",
            "text": "Every response echoes `X-Request-Id` when the request sent one.",
        }
    )
    operation(spec)["x-requirements"].append("CO-REQ-99")


@edit(NB, "a new SHOULD is advice, not a conformance failure")
def should_rule_added(spec: Spec) -> None:
    need(spec, "x-requirements").append(
        {"id": "CO-ERR-99", "level": "SHOULD", "title": "Short", "text": "Details are short."}
    )
    operation(spec)["x-requirements"].append("CO-ERR-99")


@edit(BD, "a SHOULD made MUST: deployments that skip it no longer conform")
def should_became_must(spec: Spec) -> None:
    rule(spec, "CO-IDEM-04")["level"] = "MUST"


@edit(BC, "clients relied on the 413 guarantee")
def must_became_should(spec: Spec) -> None:
    rule(spec, "CO-REQ-02")["level"] = "SHOULD"


@edit(BC, "clients relied on never getting a 5xx for their input")
def must_rule_removed(spec: Spec) -> None:
    spec["x-requirements"] = [e for e in need(spec, "x-requirements") if e["id"] != "CO-ERR-03"]
    operation(spec)["x-requirements"].remove("CO-ERR-03")


@edit(NB, "a withdrawn SHOULD was never a guarantee")
def should_rule_removed(spec: Spec) -> None:
    spec["x-requirements"] = [e for e in need(spec, "x-requirements") if e["id"] != "CO-ERR-04"]
    operation(spec)["x-requirements"].remove("CO-ERR-04")


@edit(DOCS, "the same identifiers, status and negation, other words")
def must_reworded_same_meaning(spec: Spec) -> None:
    entry = rule(spec, "CO-REQ-01")
    text = need(entry, "text")
    # Other words around the same identifiers, numbers and condition words.
    assert " is answered " in text and text.startswith("A request whose body"), text
    entry["text"] = text.replace("A request whose body", "Requests whose body", 1).replace(
        " is answered ", " get the answer ", 1
    )


@edit(BD, "a new condition (`unless`) changes what deployments must do")
def must_reworded_with_new_condition(spec: Spec) -> None:
    entry = rule(spec, "CO-REQ-02")
    entry["text"] = need(entry, "text").rstrip(".") + " unless the client sent `Expect`."


@edit(DOCS, "titles carry no rule")
def rule_title_changed(spec: Spec) -> None:
    rule(spec, "CO-REQ-03")["title"] = "Broken JSON gets 400"


@edit(BD, "new cases for a MUST add conditions deployments must meet")
def must_cases_added(spec: Spec) -> None:
    rule(spec, "CO-REQ-06")["cases"] = [
        {"given": "`order_items` lists `pk` 101 twice", "then": "422 `duplicate_order_item`"}
    ]


@edit(BC, "the operation no longer promises CO-REQ-08")
def operation_drops_must_rule(spec: Spec) -> None:
    operation(spec)["x-requirements"].remove("CO-REQ-08")
