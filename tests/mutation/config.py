"""What the mutation run and its killer share: the switches and the suite's fixed budget."""

from __future__ import annotations

# Set by `make mutation`; without it the killer is skipped, so `make test` never runs it.
ENABLE_VARIABLE = "CAPTURE_ORDER_MUTATION"
# Where each killer run leaves its outcome (one JSON file per mutant), when set.
OUTCOMES_VARIABLE = "CAPTURE_ORDER_MUTATION_OUTCOMES"

# A fixed budget: the same generated cases for every mutant, so kills are reproducible.
SEED = 20261127
MAX_EXAMPLES = 10
# The semantic checks take 18 capturable orders (one each), fuzzing the other 2: the
# full run's need, so that no case is skipped (the plan printed before a run says so).
ORDERS = 20
ITEMS = 3
