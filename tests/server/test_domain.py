"""The capture rules as pure functions: no database, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from capture_order.server.domain import capture_errors
from capture_order.server.domain.capture_plan import CaptureRequest, RequestedItem, plan_capture
from capture_order.server.domain.money import quantize
from capture_order.server.domain.order_model import CAPTURABLE_STATUSES, Order, OrderItem

NOW = datetime(2024, 11, 21, 9, 30, tzinfo=UTC)
EARLIER = datetime(2024, 11, 20, 9, 30, tzinfo=UTC)


def order(
    *,
    status: str = "450",
    cancel_status: str | None = None,
    captured: tuple[int, ...] = (),
    captured_amount: str = "0",
) -> Order:
    """Order 1000.00 TRY with items 101 (400), 102 (300), 103 (280): 20 of shipping."""
    amounts = {101: "400", 102: "300", 103: "280"}
    return Order(
        id=1,
        number="CO-1",
        status=status,
        cancel_status=cancel_status,
        currency="try",
        amount=Decimal("1000"),
        captured_amount=Decimal(captured_amount),
        items=tuple(
            OrderItem(pk, Decimal(a), {"color": "red"}, EARLIER if pk in captured else None)
            for pk, a in amounts.items()
        ),
    )


def items(*pks: int) -> tuple[RequestedItem, ...]:
    return tuple(RequestedItem(pk) for pk in pks)


@pytest.mark.requirement("CO-CAP-01", "CO-MON-01", "CO-CAP-08")
def test_full_capture_takes_every_item_and_the_whole_amount() -> None:
    capture = plan_capture(order(), CaptureRequest("CO-1"), NOW)
    assert [c.pk for c in capture.items] == [101, 102, 103]
    assert capture.amount == Decimal("1000")
    assert capture.order_captured_amount == Decimal("1000")
    assert capture.fully_captured


@pytest.mark.requirement("CO-CAP-02", "CO-CAP-08", "CO-MON-01")
def test_partial_capture_takes_exactly_the_listed_items() -> None:
    capture = plan_capture(order(), CaptureRequest("CO-1", items(102)), NOW)
    assert [c.pk for c in capture.items] == [102]
    assert capture.amount == Decimal("300")
    assert capture.order_captured_pks == (102,)
    assert not capture.fully_captured
    assert capture.order_captured_amount < Decimal("1000")


@pytest.mark.requirement("CO-MON-01")
def test_last_partial_capture_also_takes_the_unattributed_rest() -> None:
    before = order(captured=(101, 102), captured_amount="700")
    capture = plan_capture(before, CaptureRequest("CO-1", items(103)), NOW)
    assert capture.amount == Decimal("300")  # 280 for the item + 20 of shipping
    assert capture.order_captured_amount == Decimal("1000")
    assert capture.fully_captured


@pytest.mark.requirement("CO-CAP-03")
def test_unknown_item_refuses_the_whole_request() -> None:
    with pytest.raises(capture_errors.OrderItemNotFoundError) as refused:
        plan_capture(order(), CaptureRequest("CO-1", items(101, 999)), NOW)
    assert (refused.value.pk, refused.value.index) == (999, 1)


@pytest.mark.requirement("CO-CAP-04")
def test_already_captured_item_refuses_the_whole_request() -> None:
    with pytest.raises(capture_errors.OrderItemAlreadyCapturedError):
        plan_capture(
            order(captured=(101,), captured_amount="400"),
            CaptureRequest("CO-1", items(102, 101)),
            NOW,
        )


@pytest.mark.requirement("CO-CAP-05")
def test_fully_captured_order_is_already_captured() -> None:
    done = order(captured=(101, 102, 103), captured_amount="1000")
    with pytest.raises(capture_errors.OrderAlreadyCapturedError):
        plan_capture(done, CaptureRequest("CO-1"), NOW)
    with pytest.raises(capture_errors.OrderAlreadyCapturedError):
        plan_capture(done, CaptureRequest("CO-1", items(101)), NOW)


@pytest.mark.requirement("CO-CAP-06")
@pytest.mark.parametrize(
    ("status", "cancel_status", "refusal"),
    [
        ("50", None, capture_errors.OrderCancelledError),
        ("100", None, capture_errors.OrderCancelledError),
        ("450", "waiting", capture_errors.OrderCancelledError),
        ("600", None, capture_errors.OrderRefundedError),
        ("300", None, capture_errors.OrderNotCapturableError),
        ("200", None, capture_errors.OrderNotCapturableError),
        ("547", None, capture_errors.OrderNotCapturableError),
    ],
)
def test_status_outside_the_capturable_ones_is_refused(
    status: str, cancel_status: str | None, refusal: type[capture_errors.CaptureError]
) -> None:
    with pytest.raises(refusal):
        plan_capture(order(status=status, cancel_status=cancel_status), CaptureRequest("CO-1"), NOW)


@pytest.mark.requirement("CO-CAP-09")
@pytest.mark.parametrize("status", sorted(CAPTURABLE_STATUSES))
def test_every_capturable_status_allows_a_capture(status: str) -> None:
    assert plan_capture(order(status=status), CaptureRequest("CO-1"), NOW).fully_captured


@pytest.mark.requirement("CO-REQ-06")
def test_duplicate_pk_is_refused_before_anything_else() -> None:
    with pytest.raises(capture_errors.DuplicateOrderItemError) as refused:
        plan_capture(None, CaptureRequest("CO-1", items(101, 102, 101)), NOW)
    assert (refused.value.pk, refused.value.index, refused.value.first_index) == (101, 2, 0)


@pytest.mark.requirement("CO-OLA-01")
def test_missing_order_is_not_found() -> None:
    with pytest.raises(capture_errors.OrderNotFoundError):
        plan_capture(None, CaptureRequest("CO-1"), NOW)


@pytest.mark.requirement("CO-CAP-07")
def test_given_attributes_replace_and_absent_ones_stay() -> None:
    request = CaptureRequest("CO-1", (RequestedItem(101, {"gift_wrap": True}), RequestedItem(102)))
    capture = plan_capture(order(), request, NOW)
    assert [dict(c.attributes) for c in capture.items] == [{"gift_wrap": True}, {"color": "red"}]


@pytest.mark.requirement("CO-MON-01")
def test_orders_whose_items_exceed_the_amount_cannot_exist() -> None:
    with pytest.raises(ValueError, match="exceed"):
        Order(
            1,
            "X",
            "450",
            None,
            "try",
            Decimal("10"),
            Decimal(0),
            (OrderItem(1, Decimal("11"), {}),),
        )


@pytest.mark.requirement("CO-MON-03")
def test_amounts_with_more_digits_than_the_currency_cannot_exist() -> None:
    with pytest.raises(ValueError, match="not a valid"):
        Order(1, "X", "450", None, "try", Decimal("10.001"), Decimal(0), ())
    assert quantize(Decimal("1.2345"), "kwd") == Decimal("1.234")
    Order(1, "X", "450", None, "kwd", Decimal("10.001"), Decimal(0), ())


@pytest.mark.requirement("CO-CAP-06", "CO-ERR-05")
@pytest.mark.parametrize(
    ("status", "cancel_status", "captured", "refusal"),
    [
        ("600", "cancelled", (), capture_errors.OrderCancelledError),
        ("300", "waiting", (), capture_errors.OrderCancelledError),
        ("100", None, (101, 102, 103), capture_errors.OrderCancelledError),
        ("600", None, (101, 102, 103), capture_errors.OrderRefundedError),
        ("547", None, (101, 102, 103), capture_errors.OrderNotCapturableError),
    ],
)
def test_order_state_refusals_apply_cancelled_refunded_not_capturable_then_captured(
    status: str,
    cancel_status: str | None,
    captured: tuple[int, ...],
    refusal: type[capture_errors.CaptureError],
) -> None:
    amount = "1000" if captured else "0"
    state = order(
        status=status, cancel_status=cancel_status, captured=captured, captured_amount=amount
    )
    with pytest.raises(refusal):
        plan_capture(state, CaptureRequest("CO-1"), NOW)


@pytest.mark.requirement("CO-MON-01", "CO-CAP-08")
def test_with_only_a_free_item_left_the_whole_amount_is_captured_and_the_order_is_partial() -> None:
    free = Order(
        id=2,
        number="CO-2",
        status="450",
        cancel_status=None,
        currency="eur",
        amount=Decimal("300"),
        captured_amount=Decimal(0),
        items=(
            OrderItem(201, Decimal("100"), {}),
            OrderItem(202, Decimal("200"), {}),
            OrderItem(203, Decimal(0), {}),
        ),
    )
    plan = plan_capture(free, CaptureRequest("CO-2", items(201, 202)), NOW)
    assert not plan.fully_captured
    assert plan.order_captured_amount == free.amount == plan.amount
