"""Etags (AIP-154): one format for every resource, and one check.

A resource's etag is ``v<version>`` of a counter its service bumps on every change. A write that sends an etag
fails with ``ABORTED`` (reason ``ETAG_MISMATCH``, ``metadata.current_etag`` the current one) when it is stale; a
write without one is unconditional.
"""

from __future__ import annotations

from kam_kit.errors import Aborted


def etag_for(version: int) -> str:
    return f"v{version}"


def check(sent: str, version: int, what: str) -> None:
    """ABORTED unless ``sent`` is empty or the current etag of a resource at ``version``; ``what`` names the
    resource for people (``客户``, ``定级规则`` …)."""
    current = etag_for(version)
    if sent and sent != current:
        raise Aborted(
            f"{what}已被他人修改，请刷新后重试 ({what} changed meanwhile: etag {sent} is stale, now "
            f"{current})",
            metadata={"current_etag": current},
        )
