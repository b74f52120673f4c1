"""access_records.customer_ids and customers_indexed: a record's customers are written with it, its index by
customer (access_record_customers) after the commit

Revision ID: audit_0003
Revises: audit_0002
Create Date: 2026-12-07 00:10:00

The records already stored get their customers from access_record_customers and count as indexed.
"""

import itertools

import sqlalchemy as sa
from alembic import op

revision = "audit_0003"
down_revision = "audit_0002"
branch_labels = None
depends_on = None

CHUNK = 1000


def upgrade() -> None:
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_ids", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("customers_indexed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT record_id, customer_id FROM access_record_customers ORDER BY record_id, position")
    ).all()
    lists = (
        {"record_id": record_id, "ids": " ".join(customer for _, customer in group)}
        for record_id, group in itertools.groupby(rows, key=lambda row: row[0])
    )
    update = sa.text("UPDATE access_records SET customer_ids = :ids WHERE id = :record_id")
    while chunk := list(itertools.islice(lists, CHUNK)):
        bind.execute(update, chunk)
    bind.execute(sa.text("UPDATE access_records SET customers_indexed = :yes"), {"yes": True})
    op.create_index(
        "ix_access_records_unindexed",
        "access_records",
        ["seq"],
        unique=False,
        sqlite_where=sa.text("NOT customers_indexed"),
        postgresql_where=sa.text("NOT customers_indexed"),
    )


def downgrade() -> None:
    bind = op.get_bind()  # the records not indexed yet get their rows, which are then the only list
    pending = bind.execute(
        sa.text("SELECT id, customer_ids FROM access_records WHERE NOT customers_indexed")
    ).all()
    rows = [
        {"record_id": record_id, "position": n, "customer_id": customer}
        for record_id, ids in pending
        for n, customer in enumerate(ids.split())
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO access_record_customers (record_id, position, customer_id) "
                "VALUES (:record_id, :position, :customer_id)"
            ),
            rows,
        )
    op.drop_index("ix_access_records_unindexed", table_name="access_records")
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.drop_column("customers_indexed")
        batch_op.drop_column("customer_ids")
