"""KAM platform kit: what every KAM service needs, once.

Nothing service-specific lives here. Modules:

- ``settings``   typed settings from environment variables (fail fast, secrets redacted)
- ``clock``      the injectable clock
- ``errors``     domain errors mapped to canonical gRPC codes
- ``auth``       signed caller-identity tokens
- ``db``         async SQLAlchemy engines/sessions and per-service Alembic migrations
- ``outbox``     the transactional outbox and its relay to JetStream
- ``consumer``   durable, idempotent JetStream consumers
- ``grpcserver`` grpc.aio bootstrap: health, reflection, interceptors, graceful shutdown
- ``telemetry``  OpenTelemetry traces/metrics and JSON logs
"""
