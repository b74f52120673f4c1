"""Fixtures shared by the kit's tests."""

from __future__ import annotations

import pytest
from kam_kit import migrations
from kam_kit.db import Database


@pytest.fixture
async def db(database_url, tmp_path):
    """A database with the kit's own tables only (outbox, processed and parked events, audit, leases)."""
    versions = tmp_path / "versions"
    versions.mkdir()
    await migrations.upgrade_async(database_url, versions)
    database = Database(database_url)
    yield database
    await database.dispose()
