"""Rate limits on expensive calls (昂贵操作限流): per caller and kind of call, a token bucket on the injected clock.

A scan reads the whole core-banking database, a simulation re-grades every customer, a report and its export
scan the analytical store, a search fans out over the term index, the system's health asks every process: one
caller repeating them can slow the bank's work for everyone. Each kind has a bucket per caller (token subject)
that refills at ``rate`` per second up to ``burst``; a call that finds it empty is answered 429
``RESOURCE_EXHAUSTED`` ``RATE_LIMITED`` with ``Retry-After`` (and a ``RetryInfo``), and never reaches the
service. Other calls are not limited here (sign-in has its own throttle, identity/throttle.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kam_kit.clock import SYSTEM_CLOCK, Clock


@dataclass(frozen=True)
class Limit:
    kind: str
    #: Calls per second the bucket refills with.
    rate: float
    #: Calls that may come at once.
    burst: int


#: Computing a report, asked for directly or by running a schedule now.
REPORTS = Limit("report", rate=1 / 2, burst=20)

#: gRPC method → its limit. Rates are per caller.
LIMITS: dict[str, Limit] = {
    "/kam.customer.v1.ScanService/CreateScanJob": Limit("scan", rate=1 / 60, burst=3),
    "/kam.customer.v1.TierService/SimulateTierRuleSet": Limit("simulation", rate=1 / 6, burst=5),
    "/kam.customer.v1.CustomerService/SearchCustomers": Limit("search", rate=20, burst=60),
    # A drill-down click is a report: a leader clicks through a few levels quickly.
    "/kam.report.v1.ReportService/CreateReport": REPORTS,
    # A run now computes a report and sends an e-mail: the same bucket as CreateReport.
    "/kam.report.v1.ReportService/RunReportSchedule": REPORTS,
    "/kam.report.v1.ReportService/ExportReport": Limit("export", rate=1 / 6, burst=5),
    "/kam.identity.v1.SystemService/GetSystemHealth": Limit("system health", rate=1, burst=10),
}


class RateLimiter:
    #: Buckets remembered at most; the oldest are forgotten first (bounded memory).
    MAX_BUCKETS = 100_000

    def __init__(self, limits: dict[str, Limit] | None = None, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.limits = LIMITS if limits is None else limits
        self.clock = clock
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # (caller, kind) → (tokens, at)

    def retry_after(self, grpc_path: str, caller: str) -> int | None:
        """Take one call from the caller's bucket for this method; the whole seconds to wait when it is empty."""
        limit = self.limits.get(grpc_path)
        if limit is None:
            return None
        now = self.clock.now().timestamp()
        key = (caller, limit.kind)
        tokens, at = self._buckets.get(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - at) * limit.rate)
        if tokens >= 1.0:
            if len(self._buckets) >= self.MAX_BUCKETS and key not in self._buckets:
                self._buckets.pop(next(iter(self._buckets)))
            self._buckets[key] = (tokens - 1.0, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / limit.rate))
