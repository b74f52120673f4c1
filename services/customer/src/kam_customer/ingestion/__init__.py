"""Transactions pushed or scanned, through one idempotent path (:mod:`kam_customer.ingestion.ingest`); what the
core system pushes through the API (:mod:`kam_customer.ingestion.push`) and the CDC wire format
(:mod:`kam_customer.ingestion.cdc`)."""
