"""The server span a call runs in when nothing records spans: the caller's trace goes on (its id in the logs, the
audit trail and the events' headers), a call without one starts its own, and nothing of it is sampled."""

from __future__ import annotations

import pytest
from kam_kit import telemetry
from opentelemetry import trace

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
CALLER_SPAN = 0x00F067AA0BA902B7


@pytest.fixture(params=[False, True], ids=["own span", "through the tracer"])
def recording(request, monkeypatch) -> bool:
    _configured_as(monkeypatch, recording=request.param)
    return request.param


def _configured_as(monkeypatch, *, recording: bool) -> None:
    """A process configured to record spans (instrumented) or not."""
    monkeypatch.setattr(telemetry, "_configured", "test")
    monkeypatch.setattr(telemetry, "_instrumented", recording)


def _inside(carrier: dict[str, str]) -> trace.SpanContext:
    token = telemetry.continue_trace(carrier, "kam.test/Call")
    try:
        return trace.get_current_span().get_span_context()
    finally:
        telemetry.end_trace(token)


def test_the_callers_trace_goes_on_in_a_span_of_its_own(recording) -> None:
    context = _inside({"traceparent": f"00-{TRACE_ID:032x}-{CALLER_SPAN:016x}-01", "tracestate": "kam=1"})
    assert context.trace_id == TRACE_ID
    if not recording:  # the proxy tracer of a process never configured passes the caller's span on as it is
        assert context.span_id not in (CALLER_SPAN, 0)
        assert not context.trace_flags.sampled and not context.is_remote
        assert context.trace_state.get("kam") == "1"
    assert trace.get_current_span().get_span_context().trace_id != TRACE_ID  # ended: the context is restored


def test_a_call_without_a_trace_starts_one(monkeypatch) -> None:
    _configured_as(monkeypatch, recording=False)
    first, second = _inside({}), _inside({})
    assert first.is_valid and second.is_valid
    assert first.trace_id != second.trace_id
    assert not first.trace_flags.sampled
