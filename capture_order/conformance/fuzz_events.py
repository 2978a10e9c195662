"""Turns Schemathesis engine events into the suite's exchanges (its checks are off)."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemathesis.engine.events import ScenarioFinished
from schemathesis.engine.recorder import Interaction

from capture_order.conformance.http import Exchange


def to_exchange(interaction: Interaction, source: str) -> Exchange | None:
    """A recorded Schemathesis interaction as an Exchange (None without a response)."""
    response = interaction.response
    if response is None:
        return None
    request = interaction.request
    return Exchange(
        method=request.method,
        url=request.uri,
        request_headers=tuple((k, v) for k, values in request.headers.items() for v in values),
        request_body=request.body or b"",
        status=response.status_code,
        response_headers=tuple((k, v) for k, values in response.headers.items() for v in values),
        response_body=response.content or b"",
        elapsed_ms=response.elapsed * 1000,
        source=source,
    )


@dataclass
class Collector:
    """Accumulates the exchanges of the scenarios of one fuzzing run, and its errors."""

    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def scenario(self, event: ScenarioFinished) -> int:
        """Take in one finished scenario; returns its number of cases."""
        recorder = event.recorder
        source = f"fuzz:{event.phase.value}"
        for interaction in recorder.interactions.values():
            exchange = to_exchange(interaction, source)
            if exchange is not None:
                self.exchanges.append(exchange)
        return len(recorder.cases)
