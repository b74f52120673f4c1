"""tiering: rule sets (seeded with the version-1 defaults), tier state, history, overrides

Revision ID: tier_0001
Revises:
Create Date: 2026-11-28 17:14:04
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "tier_0001"
down_revision = None
branch_labels = ("tier",)
depends_on = "customer_0002"

SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
# The default rule sets as of this revision (a frozen copy of kam_customer.tiering.defaults).
DEFAULT_RULE_SETS = [{'id': 'individual-v1',
  'customer_type': 'INDIVIDUAL',
  'display_name': '个人客户默认定级规则',
  'definition': {'customer_type': 'INDIVIDUAL',
                 'downgrade_after_scans': 2,
                 'tiers': [{'id': 'private-banking',
                            'display_name': {'zh-CN': '私人银行', 'en-US': 'Private Banking'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'aum', 'op': '>=', 'value': '6000000'},
                                                         {'metric': 'adb_90', 'op': '>=', 'value': '6000000'}]}},
                           {'id': 'diamond',
                            'display_name': {'zh-CN': '钻石', 'en-US': 'Diamond'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'aum', 'op': '>=', 'value': '2000000'},
                                                         {'metric': 'adb_90', 'op': '>=', 'value': '2000000'}]}},
                           {'id': 'platinum',
                            'display_name': {'zh-CN': '白金', 'en-US': 'Platinum'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'aum', 'op': '>=', 'value': '1000000'},
                                                         {'metric': 'adb_90', 'op': '>=', 'value': '1000000'}]}},
                           {'id': 'gold',
                            'display_name': {'zh-CN': '金卡', 'en-US': 'Gold'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'aum', 'op': '>=', 'value': '500000'},
                                                         {'metric': 'adb_90', 'op': '>=', 'value': '500000'},
                                                         {'metric': 'contribution',
                                                          'op': '>=',
                                                          'value': '10000'}]}}]}},
 {'id': 'corporate-v1',
  'customer_type': 'CORPORATE',
  'display_name': '对公客户默认定级规则',
  'definition': {'customer_type': 'CORPORATE',
                 'downgrade_after_scans': 2,
                 'tiers': [{'id': 'strategic',
                            'display_name': {'zh-CN': '战略', 'en-US': 'Strategic'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'consolidated_aum',
                                                          'op': '>=',
                                                          'value': '100000000'},
                                                         {'metric': 'consolidated_loan_balance',
                                                          'op': '>=',
                                                          'value': '200000000'},
                                                         {'metric': 'contribution',
                                                          'op': '>=',
                                                          'value': '2000000'}]}},
                           {'id': 'core',
                            'display_name': {'zh-CN': '核心', 'en-US': 'Core'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'consolidated_aum',
                                                          'op': '>=',
                                                          'value': '30000000'},
                                                         {'metric': 'consolidated_loan_balance',
                                                          'op': '>=',
                                                          'value': '50000000'},
                                                         {'metric': 'contribution',
                                                          'op': '>=',
                                                          'value': '500000'}]}},
                           {'id': 'important',
                            'display_name': {'zh-CN': '重点', 'en-US': 'Important'},
                            'condition': {'match': 'any',
                                          'conditions': [{'metric': 'consolidated_aum',
                                                          'op': '>=',
                                                          'value': '10000000'},
                                                         {'metric': 'consolidated_loan_balance',
                                                          'op': '>=',
                                                          'value': '20000000'},
                                                         {'metric': 'contribution',
                                                          'op': '>=',
                                                          'value': '200000'}]}}]}}]


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('customer_tier_states',
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('customer_type', sa.String(length=16), nullable=False),
    sa.Column('graded_tier', sa.String(length=64), nullable=False),
    sa.Column('below_count', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.String(length=64), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Text(), nullable=False),
    sa.Column('verdict_tier', sa.String(length=64), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('scan_id', sa.String(length=64), nullable=False),
    sa.Column('assign_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('grade_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_tier_states'))
    )
    op.create_table('tier_history',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('from_tier', sa.String(length=64), nullable=False),
    sa.Column('to_tier', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('matched', sa.Text(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('rule_set_id', sa.String(length=64), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('rule_index', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_tier_history'))
    )
    with op.batch_alter_table('tier_history', schema=None) as batch_op:
        batch_op.create_index('ix_tier_history_customer_seq', ['customer_id', 'seq'], unique=False)

    op.create_table('tier_overrides',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expire_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=False),
    sa.Column('open_key', sa.String(length=8), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_overrides')),
    sa.UniqueConstraint('customer_id', 'open_key', name='uq_tier_overrides_customer_open')
    )
    with op.batch_alter_table('tier_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_overrides_customer_id'), ['customer_id'], unique=False)

    op.create_table('tier_rule_sets',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('customer_type', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('creator', sa.String(length=128), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activate_time', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_rule_sets')),
    sa.UniqueConstraint('request_id', name=op.f('uq_tier_rule_sets_request_id'))
    )
    with op.batch_alter_table('tier_rule_sets', schema=None) as batch_op:
        batch_op.create_index('ix_tier_rule_sets_type_state', ['customer_type', 'state'], unique=False)

    # ### end Alembic commands ###
    rule_sets = sa.table(
        "tier_rule_sets", sa.column("id"), sa.column("customer_type"), sa.column("version"), sa.column("state"),
        sa.column("display_name"), sa.column("definition", sa.JSON), sa.column("creator"), sa.column("revision"),
        sa.column("create_time"), sa.column("update_time"), sa.column("activate_time"),
    )
    op.bulk_insert(rule_sets, [
        {**seed, "version": 1, "state": "ACTIVE", "creator": "system", "revision": 1, "create_time": SEED_TIME,
         "update_time": SEED_TIME, "activate_time": SEED_TIME}
        for seed in DEFAULT_RULE_SETS
    ])


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('tier_rule_sets', schema=None) as batch_op:
        batch_op.drop_index('ix_tier_rule_sets_type_state')

    op.drop_table('tier_rule_sets')
    with op.batch_alter_table('tier_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_overrides_customer_id'))

    op.drop_table('tier_overrides')
    with op.batch_alter_table('tier_history', schema=None) as batch_op:
        batch_op.drop_index('ix_tier_history_customer_seq')

    op.drop_table('tier_history')
    op.drop_table('customer_tier_states')
    # ### end Alembic commands ###
