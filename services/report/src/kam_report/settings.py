"""Settings of the report service beyond the kit's (all from environment variables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kam_kit.settings import env_float, env_int, env_str

#: How old (seconds) the columnar copy may be and still answer a report (docs/architecture.md, "Engine").
DEFAULT_COLUMNAR_MAX_AGE = 120


@dataclass(frozen=True)
class ReportSettings:
    #: The DuckDB file of the columnar copy the money reports read (``KAM_REPORT_COLUMNAR_PATH``; the refreshes
    #: write ``<stem>.<n><suffix>`` beside it, so one path per process). None: no copy, every report reads the
    #: service database. ``make run`` and the Kubernetes manifests set it.
    columnar_path: Path | None = None
    #: A copy older than this (seconds) does not answer; a report then reads the service database.
    columnar_max_age: int = DEFAULT_COLUMNAR_MAX_AGE
    #: A store whose last copy took at most this long (seconds) answers its reports itself once it has changed
    #: since the copy (it is small, so quick); a larger one is read on the copy up to ``columnar_max_age``.
    columnar_quick: float = 2.0
    #: DuckDB's memory limit while copying and reading (its ``memory_limit`` setting).
    columnar_memory: str = "1GB"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReportSettings:
        path = env_str("KAM_REPORT_COLUMNAR_PATH", "", environ=environ)
        return cls(
            columnar_path=Path(path) if path else None,
            columnar_max_age=env_int(
                "KAM_REPORT_COLUMNAR_MAX_AGE",
                DEFAULT_COLUMNAR_MAX_AGE,
                minimum=10,
                maximum=86_400,
                environ=environ,
            ),
            columnar_quick=env_float("KAM_REPORT_COLUMNAR_QUICK", 2.0, environ=environ),
            columnar_memory=env_str("KAM_REPORT_COLUMNAR_MEMORY", "1GB", environ=environ),
        )
