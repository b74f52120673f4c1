"""OpenTelemetry set-up: traces, metrics and trace-aware logs for one KAM process.

Spans and metrics are exported over OTLP only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (standard ``OTEL_*``
variables apply); otherwise spans are not recorded (trace ids still flow), database statements get no spans, and
metric instruments are no-ops (nothing would read what they measure).
Where spans are recorded, gRPC servers and clients are instrumented here (otherwise the kit's interceptor continues
the caller's trace itself: :func:`continue_trace`); SQLAlchemy engines in ``kam_kit.db``; NATS
producer/consumer spans in ``kam_kit.outbox`` and ``kam_kit.consumer``, which carry the W3C context in message
headers so that one trace follows a request through the broker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from kam_kit.logs import configure_logging

_configured: str | None = None
_tracer_provider: TracerProvider | None = None
_instrumented = False
_meter_provider: MeterProvider | None = None

TRACER_NAME = "kam"


def exporting() -> bool:
    """Whether spans and metrics leave the process (``OTEL_EXPORTER_OTLP_ENDPOINT`` is set)."""
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure(service: str, *, version: str = "0.1.0") -> None:
    """Configure tracing, metrics and JSON logging for the process (call once, early)."""
    global _configured, _tracer_provider, _meter_provider
    configure_logging(service)
    if _configured:
        return
    _configured = service
    resource = Resource.create(
        {
            "service.name": os.environ.get("OTEL_SERVICE_NAME", f"kam-{service}"),
            "service.namespace": "kam",
            "service.version": version,
        }
    )
    exporting_now = exporting()
    # Spans nobody exports are not recorded (ALWAYS_OFF): they still carry trace ids into the logs, the audit
    # trail and the messages' headers, but no attributes, events or processors run per call (measured: see
    # docs/performance.md, "Where a read's time goes"). OTEL_TRACES_SAMPLER still decides when it is set.
    sampler = None if exporting_now or os.environ.get("OTEL_TRACES_SAMPLER") else ALWAYS_OFF
    _tracer_provider = TracerProvider(resource=resource, sampler=sampler)
    readers = []
    if exporting_now:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        _tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    trace.set_tracer_provider(_tracer_provider)
    if exporting_now:
        _meter_provider = MeterProvider(resource=resource, metric_readers=readers)
        metrics.set_meter_provider(_meter_provider)
    else:
        # an SDK meter provider without a reader still does a measurement's work on every call (attributes, the
        # exemplar filter's look at the current span: ≈ 2 % of a masked read's CPU, docs/performance.md) and keeps
        # nothing; the API's no-op provider does nothing
        metrics.set_meter_provider(metrics.NoOpMeterProvider())

    if (
        sampler is None
    ):  # spans are recorded: OpenTelemetry's gRPC instrumentation gives them their attributes
        global _instrumented
        from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorClient, GrpcAioInstrumentorServer

        GrpcAioInstrumentorServer().instrument()
        GrpcAioInstrumentorClient().instrument()
        _instrumented = True


def instrumented() -> bool:
    """Whether OpenTelemetry's instrumentation of gRPC (and the gateway's of HTTP) is installed: only where spans
    are recorded (exported, or a sampler chosen with ``OTEL_TRACES_SAMPLER``). Otherwise the kit's interceptor
    (:mod:`kam_kit.grpcserver`) and the gateway continue the caller's trace themselves — the same trace ids in the
    logs, the audit trail and the events' headers — without the instrumentation's per-call work, which was a
    quarter of the gateway's CPU per call (docs/performance.md, "Where a read's time goes")."""
    return _instrumented


def continue_trace(carrier: Mapping[str, str], name: str) -> object:
    """Make the caller's trace context (W3C ``traceparent`` in ``carrier``) current, continued by a server span
    ``name`` that is not recorded; returns the token to :func:`end_trace` with (where the context does not end
    with the task)."""
    parent = propagate.extract(carrier)
    # spans are recorded (exported, or a sampler chosen: then instrumented), or nothing was configured here: the
    # tracer decides; else the span is made here
    if _instrumented or _configured is None:
        span = _own_tracer.start_span(name, context=parent, kind=trace.SpanKind.SERVER)
    else:  # what the SDK's tracer makes when its sampler says no, without its sampler and span machinery
        caller = trace.get_current_span(parent).get_span_context()
        span = trace.NonRecordingSpan(
            trace.SpanContext(
                trace_id=caller.trace_id if caller.is_valid else _ids.generate_trace_id(),
                span_id=_ids.generate_span_id(),
                is_remote=False,
                trace_flags=trace.TraceFlags(trace.TraceFlags.DEFAULT),
                trace_state=caller.trace_state if caller.is_valid else None,
            )
        )
    return otel_context.attach(trace.set_span_in_context(span, parent))


_ids = RandomIdGenerator()


def end_trace(token: object) -> None:
    otel_context.detach(token)  # type: ignore[arg-type]


def shutdown() -> None:
    """Flush and stop exporters (called on graceful shutdown; once is enough — the gateway and the identity
    service it hosts both call it, and the SDK warns on a second call)."""
    global _tracer_provider, _meter_provider
    tracer_provider, meter_provider = _tracer_provider, _meter_provider
    _tracer_provider = _meter_provider = None
    if tracer_provider is not None:
        tracer_provider.shutdown()
    if meter_provider is not None:
        meter_provider.shutdown()


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


#: Taken once for the per-call path (a proxy until :func:`configure` sets the provider, then the real one's)
_own_tracer = tracer()


def meter() -> metrics.Meter:
    return metrics.get_meter(TRACER_NAME)
