"""`python -m capture_order`: the same as `capture-order`."""

from __future__ import annotations

import sys

from capture_order.cli import main

sys.exit(main())
