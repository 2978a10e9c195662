"""What the fuzzing scenario exercises: light, so a run without fuzzing never loads it."""

from __future__ import annotations

FUZZ = "schema_fuzzing"
FIXTURE_CASE = "CO-RSP-02/generated-fixture-order"
# The cases the generated requests exercise; the judge decides each, as for every exchange.
CASES: tuple[str, ...] = (
    "CO-REQ-04/generated-invalid",
    "CO-AUTH-01/generated-without-token",
    "CO-REQ-08/generated-methods",
    FIXTURE_CASE,
)
# The cases only a request with a valid token exercises (401 comes before 400 and before the
# order): SKIP "no --token given" in a run without one.
NEED_TOKEN: tuple[str, ...] = ("CO-REQ-04/generated-invalid", FIXTURE_CASE)
# One generated case in this many goes without the token, or with a key the deployment cannot
# know, so that requests without valid credentials are generated too.
WITHOUT_TOKEN_EVERY = 8
