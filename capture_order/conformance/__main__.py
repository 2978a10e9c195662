"""`python -m conformance`: the same as `capture-order conformance`."""

from __future__ import annotations

import sys

from capture_order.conformance.suite_command import main

sys.exit(main())
