"""The words of a refused capture: `detail` and field `errors` for each domain error."""

from __future__ import annotations

from capture_order.server.domain import errors


def detail(error: errors.CaptureError) -> str | None:
    """This occurrence's `detail`, or None for the problem type's default words."""
    match error:
        case errors.OrderNotCapturableError(status=status):
            return f"Orders in status {status} cannot be captured."
        case errors.OrderItemAlreadyCapturedError(pk=pk):
            return f"Order item {pk} is already captured; nothing was captured."
        case errors.OrderItemNotFoundError(pk=pk):
            return f"Order item {pk} is not an item of this order; nothing was captured."
        case errors.DuplicateOrderItemError(pk=pk):
            return f"Order item {pk} is listed more than once; nothing was captured."
    return None


def field_errors(error: errors.CaptureError) -> dict[str, list[str]]:
    """The offending item under `order_items[<index>].pk` (CO-ERR-06), else nothing."""
    match error:
        case errors.OrderItemAlreadyCapturedError(index=index):
            return {f"order_items[{index}].pk": ["Already captured."]}
        case errors.OrderItemNotFoundError(index=index):
            return {f"order_items[{index}].pk": ["Not an item of this order."]}
        case errors.DuplicateOrderItemError(index=index, first_index=first):
            return {f"order_items[{index}].pk": [f"Duplicate of order_items[{first}]."]}
    return {}
