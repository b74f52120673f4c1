"""Customer service: the scan of the core-banking source (根据定义寻找大客户) — the mapping, SQL pushed down to the
source, pre-flight checks, jobs (:class:`kam_customer.scan.jobs.ScanManager`), the runner and the batch writer.
Served by :mod:`kam_customer.entrypoints.scan_api`; scheduled by :mod:`kam_customer.entrypoints.jobs`; run by
``kam-customer scan`` (:mod:`kam_customer.entrypoints.cli`)."""

from __future__ import annotations

from kam_customer.scan import orm as orm  # registers the scan tables on the service metadata
