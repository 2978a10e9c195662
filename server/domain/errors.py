"""Why a capture cannot be carried out: one exception per rule, each with a stable code."""

from __future__ import annotations


class CaptureError(Exception):
    """A capture request that the rules refuse; nothing was captured."""

    code = "capture_error"

    def __init__(self, detail: str, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field_errors = field_errors or {}


class OrderNotFoundError(CaptureError):
    """No such order in the caller's channel (another channel's order included)."""

    code = "order_not_found"

    def __init__(self) -> None:
        # The same words for unknown and foreign orders: no existence leak (CO-OLA-02).
        super().__init__("No order with this number exists in your sales channel.")


class OrderCancelledError(CaptureError):
    """The order is cancelled or being cancelled."""

    code = "order_cancelled"

    def __init__(self) -> None:
        super().__init__("This order is cancelled; it cannot be captured.")


class OrderRefundedError(CaptureError):
    """The order is refunded."""

    code = "order_refunded"

    def __init__(self) -> None:
        super().__init__("This order is refunded; it cannot be captured.")


class OrderNotCapturableError(CaptureError):
    """The order's status does not allow a capture."""

    code = "order_not_capturable"

    def __init__(self, status: str) -> None:
        super().__init__(f"Orders in status {status} cannot be captured.")


class OrderAlreadyCapturedError(CaptureError):
    """Every item of the order is already captured."""

    code = "order_already_captured"

    def __init__(self) -> None:
        super().__init__("Every item of this order is already captured.")


class OrderItemAlreadyCapturedError(CaptureError):
    """A listed item is already captured."""

    code = "order_item_already_captured"

    def __init__(self, pk: int, index: int) -> None:
        super().__init__(
            f"Order item {pk} is already captured; nothing was captured.",
            {f"order_items[{index}].pk": ["Already captured."]},
        )


class OrderItemNotFoundError(CaptureError):
    """A listed pk is not an item of the order."""

    code = "order_item_not_found"

    def __init__(self, pk: int, index: int) -> None:
        super().__init__(
            f"Order item {pk} is not an item of this order; nothing was captured.",
            {f"order_items[{index}].pk": ["Not an item of this order."]},
        )


class DuplicateOrderItemError(CaptureError):
    """The same pk is listed more than once."""

    code = "duplicate_order_item"

    def __init__(self, pk: int, index: int, first_index: int) -> None:
        super().__init__(
            f"Order item {pk} is listed more than once; nothing was captured.",
            {f"order_items[{index}].pk": [f"Duplicate of order_items[{first_index}]."]},
        )


class IdempotencyKeyReusedError(CaptureError):
    """The Idempotency-Key was used before with another body."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was used with a different request body.")


class IdempotencyRequestInProgressError(CaptureError):
    """A request with the same Idempotency-Key is still running."""

    code = "idempotency_request_in_progress"

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still in progress; "
            "retry after the time in Retry-After."
        )
