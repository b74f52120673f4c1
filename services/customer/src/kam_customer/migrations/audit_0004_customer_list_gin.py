"""PostgreSQL: access records are found by customer through a GIN index over their own list (customer_ids)

Revision ID: audit_0004
Revises: audit_0003
Create Date: 2026-12-07 13:00:00

On PostgreSQL the rows of ``access_record_customers`` cost an audited page of 50 half its write-ahead log (50 heap
rows and 100 B-tree entries, ≈ 25 KB); the GIN index over ``string_to_array(customer_ids, ' ')`` finds the same
records from the list written with the record. The upgrade builds the index, counts every record as indexed (the
index covers them all) and empties ``access_record_customers``; the downgrade gives the indexed records their rows
back (audit_0003's downgrade then adds those of records not indexed). SQLite keeps its index table: nothing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0004"
down_revision = "audit_0003"
branch_labels = None
depends_on = None

INDEX = "ix_access_records_customer_list"
#: New entries wait in the index's pending list until it holds this much; the commit that overflows it merges them
#: into the index. PostgreSQL's default (4 MB, ≈ 1,600 records of 50) made that merge a ≈ 40 ms stall of one group
#: commit; 256 KB merges ≈ 100 records at a time (a few ms). Without the list (fastupdate off) each record wrote four
#: times the log (77 against 19 KB an audited page) for more CPU.
PENDING_LIST_KB = 256


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.create_index(
        INDEX,
        "access_records",
        [sa.text("string_to_array(customer_ids, ' ')")],
        unique=False,
        postgresql_using="gin",
        postgresql_with={"gin_pending_list_limit": PENDING_LIST_KB},
    )
    op.execute("UPDATE access_records SET customers_indexed = true WHERE NOT customers_indexed")
    op.execute("TRUNCATE access_record_customers")  # (all of it: faster than a DELETE of every row)


def downgrade() -> None:
    if not _postgresql():
        return
    op.execute(
        "INSERT INTO access_record_customers (record_id, position, customer_id) "
        "SELECT r.id, (c.n - 1)::int, c.customer_id FROM access_records r, "
        "unnest(string_to_array(r.customer_ids, ' ')) WITH ORDINALITY AS c(customer_id, n) "
        "WHERE r.customers_indexed AND r.customer_ids <> ''"
    )
    op.drop_index(INDEX, table_name="access_records", postgresql_using="gin")
