"""`python -m tests.faults [FAULT ...]`: run the fault matrix and print its table."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.faults.matrix import CLEAN, run_matrix, table
from tests.faults.registry import FAULTS
from tests.harness import reference_server


def main(names: list[str]) -> int:
    """Run the named faults (all, and the clean run, by default); print the table."""
    chosen = names or [CLEAN, *sorted(FAULTS)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fault-matrix-") as tmp:
        with reference_server(Path(tmp)) as reference:
            runs = run_matrix(reference, chosen, Path(tmp))
        print(table(runs))
    print(f"\n{len(runs)} runs in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
