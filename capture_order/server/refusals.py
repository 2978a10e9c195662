"""The words of a refused capture: `detail` and field `errors` for each domain error."""

from __future__ import annotations

from capture_order.server.domain import capture_errors


def detail(error: capture_errors.CaptureError) -> str | None:
    """This occurrence's `detail`, or None for the problem type's default words."""
    match error:
        case capture_errors.OrderNotCapturableError(status=status):
            return f"Orders in status {status} cannot be captured."
        case capture_errors.OrderItemAlreadyCapturedError(pk=pk):
            return f"Order item {pk} is already captured; nothing was captured."
        case capture_errors.OrderItemNotFoundError(pk=pk):
            return f"Order item {pk} is not an item of this order; nothing was captured."
        case capture_errors.DuplicateOrderItemError(pk=pk):
            return f"Order item {pk} is listed more than once; nothing was captured."
    return None


def field_errors(error: capture_errors.CaptureError) -> dict[str, list[str]]:
    """The offending item under `order_items[<index>].pk` (CO-ERR-06), else nothing."""
    match error:
        case capture_errors.OrderItemAlreadyCapturedError(index=index):
            return {f"order_items[{index}].pk": ["Already captured."]}
        case capture_errors.OrderItemNotFoundError(index=index):
            return {f"order_items[{index}].pk": ["Not an item of this order."]}
        case capture_errors.DuplicateOrderItemError(index=index, first_index=first):
            return {f"order_items[{index}].pk": [f"Duplicate of order_items[{first}]."]}
    return {}
