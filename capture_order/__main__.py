"""`python -m capture_order`: the same as `capture-order`."""

from __future__ import annotations

import sys

from capture_order.cli import main

# Guarded: a spawned process (the traffic judge's second one) imports this module again.
if __name__ == "__main__":
    sys.exit(main())
