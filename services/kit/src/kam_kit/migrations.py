"""Per-service Alembic migrations.

Every service database carries two migration branches that Alembic upgrades together (``upgrade heads``):

- ``kit``: the kit's own tables (outbox, processed events, parked events), in ``kam_kit/alembic/kit_versions``;
- ``<service>``: the service's tables, in ``services/<svc>/src/kam_<svc>/migrations``.

One generic ``env.py`` (``kam_kit/alembic/env.py``) serves all of them, so a service only supplies its
versions directory and its ``MetaData``. Services apply migrations at start; ``kam-<svc> migrate`` runs the same
as a separate step (a Kubernetes Job).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url

from kam_kit.db import is_sqlite, kit_metadata

ALEMBIC_DIR = Path(__file__).parent / "alembic"
KIT_VERSIONS = ALEMBIC_DIR / "kit_versions"


def alembic_config(url: str, versions_dir: str | Path, metadata: MetaData | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join([str(KIT_VERSIONS), str(versions_dir)]))
    config.attributes["url"] = url
    targets: Sequence[MetaData] = [kit_metadata] + ([metadata] if metadata is not None else [])
    config.attributes["metadata"] = targets
    return config


def upgrade(url: str, versions_dir: str | Path, metadata: MetaData | None = None) -> None:
    """Bring the database to the newest revision of every branch (blocking; runs its own event loop). A SQLite
    file is left in WAL mode, as every KAM connection expects: a reader that came first to a file still in
    rollback-journal mode (a fresh one) would wait for, and could fail on, the first writer's lock."""
    command.upgrade(alembic_config(url, versions_dir, metadata), "heads")
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            with contextlib.closing(sqlite3.connect(database)) as connection:
                connection.execute("PRAGMA journal_mode=WAL")


async def upgrade_async(url: str, versions_dir: str | Path, metadata: MetaData | None = None) -> None:
    """:func:`upgrade` from inside a running event loop."""
    await asyncio.to_thread(upgrade, url, versions_dir, metadata)


def revision(url: str, versions_dir: str | Path, metadata: MetaData, message: str, branch: str) -> None:
    """Autogenerate a new revision on the service's branch (developer command)."""
    command.revision(
        alembic_config(url, versions_dir, metadata),
        message=message,
        autogenerate=True,
        head=f"{branch}@head",
        version_path=str(versions_dir),
    )


def known_revisions(versions_dir: str | Path) -> set[str]:
    """Every revision id of the kit's and the service's branches (what this code can migrate from)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://", versions_dir))
    return {revision.revision for revision in script.walk_revisions()}
