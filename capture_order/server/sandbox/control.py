"""The control API's handlers, one per operationId of `openapi/sandbox.yaml`.

Each change is one transaction with its event, so the log never shows what did not happen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from capture_order.server.sandbox import faults, sandbox_orders
from capture_order.server.sandbox import tables as t
from capture_order.server.sandbox.clock import clock_document, in_range, read_offset, write_offset
from capture_order.server.sandbox.control_api import Call, Handler, json_response
from capture_order.server.sandbox.control_problems import ControlProblem
from capture_order.server.sandbox.events import EventRecord, clear, page, record
from capture_order.server.sandbox.snapshot import restore_snapshot
from capture_order.server.services import utc_now
from capture_order.server.store import Transaction
from capture_order.server.store import schema as st

Disarm = Callable[[Transaction], list[faults.ArmedFault]]


async def list_channels(call: Call) -> Response:
    """GET /channels."""

    def unit(tx: Transaction) -> list[Any]:
        return list(tx.conn.execute(select(st.channels).order_by(st.channels.c.id)))

    rows = await call.sandbox.run(unit)
    tokens = call.sandbox.demo_tokens
    listed = [{"id": int(r.id), "name": r.name, "token": tokens.get(int(r.id))} for r in rows]
    listed.sort(key=lambda c: c["id"] != call.sandbox.default_channel)
    return json_response({"channels": listed})


async def create_order(call: Call) -> Response:
    """POST /orders: insert the order open, then capture it and move it into its state."""
    sandbox = call.sandbox
    plan = sandbox_orders.plan_order(call.body, sandbox.default_channel)

    def check(tx: Transaction) -> None:
        if not sandbox_orders.channel_exists(tx, plan.channel):
            raise ControlProblem(
                "unknown_channel", errors={"channel": [f"no channel {plan.channel}"]}
            )
        if plan.channel in sandbox_orders.channels_of(tx, plan.number):
            raise ControlProblem("order_exists")

    await sandbox.run(check)
    await sandbox.refresh_clock()
    try:
        pks = await asyncio.to_thread(
            sandbox.store.add_orders, plan.channel, [plan.new_order(sandbox.clock())]
        )
    except IntegrityError:
        raise ControlProblem("order_exists") from None  # created meanwhile by another request
    if plan.state in sandbox_orders.CAPTURED_STATES:
        body: dict[str, Any] = {"order": plan.number}
        if plan.state == "partially_captured":
            body["order_items"] = [{"pk": pks[0][0]}]
        reply = await sandbox.capture.unfaulted(plan.channel, body)
        assert reply.answer.status == 200, reply.answer.body
    status = {
        "cancelled": sandbox_orders.CANCELLED_STATUS,
        "refunded": sandbox_orders.REFUNDED_STATUS,
    }
    now = sandbox.clock()

    def finish(tx: Transaction) -> dict[str, Any]:
        if plan.state in status:
            sandbox_orders.move(
                tx, sandbox_orders.find(tx, plan.number, plan.channel), status[plan.state], now
            )
        created = sandbox_orders.document(sandbox_orders.find(tx, plan.number, plan.channel))
        detail = (
            f"{plan.state} order of {len(plan.amounts)} items ({created['amount']} {plan.currency})"
        )
        record(tx, now, [EventRecord("order.created", detail, plan.channel, plan.number)])
        return created

    return json_response(await sandbox.run(finish), 201)


async def get_order(call: Call) -> Response:
    """GET /orders/{number}."""
    number, channel = call.params["number"], call.params.get("channel")
    found = await call.sandbox.run(
        lambda tx: sandbox_orders.document(sandbox_orders.find(tx, number, channel))
    )
    return json_response(found)


async def cancel_order(call: Call) -> Response:
    """POST /orders/{number}/cancel."""
    return json_response(await _move(call, sandbox_orders.CANCELLED_STATUS, "order.cancelled"))


async def refund_order(call: Call) -> Response:
    """POST /orders/{number}/refund."""
    return json_response(await _move(call, sandbox_orders.REFUNDED_STATUS, "order.refunded"))


async def _move(call: Call, status: str, kind: str) -> dict[str, Any]:
    sandbox = call.sandbox
    number, channel = call.params["number"], call.params.get("channel")
    await sandbox.refresh_clock()
    now = sandbox.clock()

    def unit(tx: Transaction) -> dict[str, Any]:
        loaded = sandbox_orders.find(tx, number, channel)
        sandbox_orders.move(tx, loaded, status, now)
        moved = sandbox_orders.document(sandbox_orders.find(tx, number, loaded.row["channel_id"]))
        detail = f"status {status} ({moved['state']}), captured {moved['captured_amount']}"
        record(tx, now, [EventRecord(kind, detail, moved["channel"], number)])
        return moved

    return await sandbox.run(unit)


async def list_faults(call: Call) -> Response:
    """GET /faults."""
    armed = await call.sandbox.run(faults.armed)
    return json_response({"faults": [f.document() for f in armed]})


async def arm_fault(call: Call) -> Response:
    """POST /faults."""
    sandbox = call.sandbox
    try:
        values = faults.fault_values(call.body)
    except faults.NotApplicableError as wrong:
        raise ControlProblem("not_applicable", errors={wrong.field: [str(wrong)]}) from None
    await sandbox.refresh_clock()
    now = sandbox.clock()

    def unit(tx: Transaction) -> dict[str, Any]:
        channel = values["channel_id"]
        if channel is not None and not sandbox_orders.channel_exists(tx, channel):
            raise ControlProblem(
                "unknown_channel", errors={"match.channel": [f"no channel {channel}"]}
            )
        fault = faults.arm(tx, values, now)
        event = EventRecord(
            "fault.armed", fault.describe(), fault.channel, fault.order, code=fault.kind,
            fault=fault.id,
        )  # fmt: skip
        record(tx, now, [event])
        return fault.document()

    return json_response(await sandbox.run(unit), 201)


async def get_fault(call: Call) -> Response:
    """GET /faults/{fault}."""
    found = await call.sandbox.run(lambda tx: faults.get(tx, call.params["fault"]))
    if found is None:
        raise ControlProblem("fault_not_found")
    return json_response(found.document())


async def disarm_fault(call: Call) -> Response:
    """DELETE /faults/{fault}."""
    await _disarm(call, lambda tx: [f for f in [faults.disarm(tx, call.params["fault"])] if f])
    return Response(status_code=204)


async def disarm_faults(call: Call) -> Response:
    """DELETE /faults."""
    await _disarm(call, faults.disarm_all, required=False)
    return Response(status_code=204)


async def _disarm(call: Call, disarm: Disarm, *, required: bool = True) -> None:
    sandbox = call.sandbox
    await sandbox.refresh_clock()
    now = sandbox.clock()

    def unit(tx: Transaction) -> None:
        gone = disarm(tx)
        if required and not gone:
            raise ControlProblem("fault_not_found")
        record(
            tx,
            now,
            [
                EventRecord(
                    "fault.disarmed", f.describe(), f.channel, f.order, code=f.kind, fault=f.id
                )
                for f in gone
            ],
        )

    await sandbox.run(unit)


async def get_clock(call: Call) -> Response:
    """GET /clock."""
    await call.sandbox.refresh_clock()
    return json_response(clock_document(call.sandbox.clock))


async def set_clock(call: Call) -> Response:
    """PUT /clock: the offset that makes the clock show the time given."""
    target = _moment(call.body["now"])
    return await _set_offset(call, lambda _offset: target - utc_now(), "clock.set")


async def advance_clock(call: Call) -> Response:
    """POST /clock/advance."""
    step = timedelta(seconds=float(call.body["seconds"]))
    return await _set_offset(call, lambda offset: offset + step, "clock.advanced")


async def _set_offset(
    call: Call, new_offset: Callable[[timedelta], timedelta], kind: str
) -> Response:
    sandbox = call.sandbox

    def unit(tx: Transaction) -> timedelta:
        offset = new_offset(read_offset(tx))
        now = utc_now() + offset
        if not in_range(now):
            raise ControlProblem("clock_out_of_range")
        write_offset(tx, offset)
        detail = f"clock at {now.isoformat()}, {offset.total_seconds():+.6f} s from real time"
        record(tx, now, [EventRecord(kind, detail)])
        return offset

    sandbox.clock.offset = await sandbox.run(unit)
    return json_response(clock_document(sandbox.clock))


def _moment(text: str) -> datetime:
    """An RFC 3339 date-time (its form checked by the schema) the clock can show."""
    try:
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ControlProblem("invalid_request", errors={"now": ["Give the UTC offset."]})
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. 0001-01-01T00:00:00+23:59, before year 1 in UTC
        detail = f"{text[:40]} is not a time the clock can show."
        raise ControlProblem("clock_out_of_range", detail) from None
    if not in_range(moment):
        raise ControlProblem("clock_out_of_range")
    return moment


async def reset_sandbox(call: Call) -> Response:
    """POST /reset: the seeded state, no faults, real time, a log holding only the reset."""
    sandbox = call.sandbox

    def unit(tx: Transaction) -> None:
        restore_snapshot(tx)
        tx.conn.execute(delete(t.faults))
        clear(tx)
        write_offset(tx, timedelta(0))
        detail = "back to the state of the start: faults disarmed, real time, events cleared"
        record(tx, utc_now(), [EventRecord("sandbox.reset", detail)])

    await sandbox.run(unit)
    sandbox.clock.offset = timedelta(0)
    return Response(status_code=204)


async def list_events(call: Call) -> Response:
    """GET /events."""
    since, limit = call.params.get("since"), call.params.get("limit", 100)
    return json_response(await call.sandbox.run(lambda tx: page(tx, since, limit)))


HANDLERS: dict[str, Handler] = {
    "listChannels": list_channels,
    "createOrder": create_order,
    "getOrder": get_order,
    "cancelOrder": cancel_order,
    "refundOrder": refund_order,
    "listFaults": list_faults,
    "armFault": arm_fault,
    "disarmFaults": disarm_faults,
    "getFault": get_fault,
    "disarmFault": disarm_fault,
    "getClock": get_clock,
    "setClock": set_clock,
    "advanceClock": advance_clock,
    "resetSandbox": reset_sandbox,
    "listEvents": list_events,
}
