"""Why a capture cannot be carried out: one exception per rule, each with a stable code.

The exceptions carry facts only (which item, which status); the words a client reads are
written by `capture_order.server.refusals`, at the HTTP edge.
"""

from __future__ import annotations


class CaptureError(Exception):
    """A capture request that the rules refuse; nothing was captured."""

    code = "capture_error"


class OrderNotFoundError(CaptureError):
    """No such order in the caller's channel (another channel's order included)."""

    code = "order_not_found"


class OrderCancelledError(CaptureError):
    """The order is cancelled or being cancelled."""

    code = "order_cancelled"


class OrderRefundedError(CaptureError):
    """The order is refunded."""

    code = "order_refunded"


class OrderNotCapturableError(CaptureError):
    """The order's status does not allow a capture."""

    code = "order_not_capturable"

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class OrderAlreadyCapturedError(CaptureError):
    """Every item of the order is already captured."""

    code = "order_already_captured"


class ItemError(CaptureError):
    """A refusal caused by one listed item: its pk and its index in the request."""

    def __init__(self, pk: int, index: int) -> None:
        super().__init__(pk, index)
        self.pk = pk
        self.index = index


class OrderItemAlreadyCapturedError(ItemError):
    """A listed item is already captured."""

    code = "order_item_already_captured"


class OrderItemNotFoundError(ItemError):
    """A listed pk is not an item of the order."""

    code = "order_item_not_found"


class DuplicateOrderItemError(ItemError):
    """The same pk is listed more than once; `first_index` is where it was listed first."""

    code = "duplicate_order_item"

    def __init__(self, pk: int, index: int, first_index: int) -> None:
        super().__init__(pk, index)
        self.first_index = first_index
