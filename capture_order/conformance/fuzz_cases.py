"""What the fuzzing phase checks, by case: light, so a run without fuzzing never loads it."""

from __future__ import annotations

FUZZ = "schema_fuzzing"

# Schemathesis check -> the cases its failures violate. Responses themselves are judged by the
# sweeps (one validator for every exchange of the run), so its response checks are off.
CHECKS: dict[str, tuple[str, ...]] = {
    "negative_data_rejection": ("CO-REQ-04/generated-invalid",),
    "positive_data_acceptance": ("CO-REQ-04/generated-invalid",),
    "missing_required_header": ("CO-AUTH-01/generated-without-token",),
    "ignored_auth": ("CO-AUTH-01/generated-without-token",),
    "unsupported_method": ("CO-REQ-08/generated-methods",),
    "allow_header_conformance": ("CO-REQ-08/generated-methods",),
    "max_response_time": ("RUN-RT-01/within-limit",),
}
# Run warnings, counted over the recorded exchanges: a run that never got past
# authentication, or never saw a 200 for a fixture order.
FIXTURE_CASE = "CO-RSP-02/generated-fixture-order"
WARNINGS: dict[str, tuple[str, ...]] = {
    "missing_auth": ("CO-AUTH-01/generated-without-token",),
    "missing_test_data": (FIXTURE_CASE,),
}
