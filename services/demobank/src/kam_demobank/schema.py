"""The demo core-banking source schema ("the bank's own schema"; KAM only reads it).

Table and column names are fixed: the demo mapping (``mappings/demo.toml``) refers to them. Works on SQLite and
PostgreSQL. Value conventions (what the generator and the live feed write):

* dates are ``DATE`` (SQLite: ``'YYYY-MM-DD'`` text); timestamps are naive Asia/Shanghai business times
  (SQLite: SQLAlchemy's ``'YYYY-MM-DD HH:MM:SS.ffffff'`` text, so string comparison with bound datetimes works);
* money is ``NUMERIC(20,2)`` CNY (SQLite stores it as REAL);
* ``acct.cur_bal`` and ``txn.bal_after``: deposits/wealth/funds = the customer's money; LOAN = outstanding
  principal; CARD = amount used. For LOAN and CARD a debit ('D') increases the balance and a credit ('C')
  decreases it; for every other product a credit increases it.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
)

metadata = MetaData()

MONEY = Numeric(20, 2)

org = Table(
    "org",
    metadata,
    Column("org_id", Text, primary_key=True),
    Column("org_name", Text, nullable=False),
    Column("parent_org_id", Text),
    Column("org_level", Text, nullable=False),  # H head office | B branch 分行 | S sub-branch 支行
    Column("region", Text),
)

staff = Table(
    "staff",
    metadata,
    Column("staff_id", Text, primary_key=True),
    Column("staff_name", Text, nullable=False),
    Column("org_id", Text, nullable=False),
    Column("post", Text, nullable=False),  # RM | MGR | TELLER
    Column("mobile", Text),
    Index("ix_staff_org", "org_id"),
)

cust_indv = Table(
    "cust_indv",
    metadata,
    Column("cust_no", Text, primary_key=True),
    Column("cust_name", Text, nullable=False),
    Column("id_no", Text, nullable=False),
    Column("birth_dt", Date),
    Column("gender", Text),  # M | F
    Column("mobile", Text),
    Column("org_id", Text),
    Column("rm_id", Text),
    Column("open_dt", Date),
    Column("cust_status", Text, nullable=False),  # A active | D dormant | C closed
    Column("upd_ts", DateTime, nullable=False),
    Index("ix_cust_indv_upd_ts", "upd_ts"),
    Index("ix_cust_indv_id_no", "id_no"),
)

cust_corp = Table(
    "cust_corp",
    metadata,
    Column("cust_no", Text, primary_key=True),
    Column("corp_name", Text, nullable=False),
    Column("uscc", Text, nullable=False),
    Column("industry", Text),
    Column("found_dt", Date),
    Column("legal_rep", Text),
    Column("legal_rep_id_no", Text),
    Column("legal_rep_mobile", Text),
    Column("fin_contact", Text),
    Column("fin_contact_mobile", Text),
    Column("controller", Text),
    Column("org_id", Text),
    Column("rm_id", Text),
    Column("open_dt", Date),
    Column("cust_status", Text, nullable=False),
    Column("upd_ts", DateTime, nullable=False),
    Index("ix_cust_corp_upd_ts", "upd_ts"),
    Index("ix_cust_corp_uscc", "uscc"),
)

corp_rel = Table(
    "corp_rel",
    metadata,
    Column("parent_cust_no", Text, nullable=False),
    Column("child_cust_no", Text, nullable=False),
    Column("share_pct", Numeric(7, 4), nullable=False),
    PrimaryKeyConstraint("parent_cust_no", "child_cust_no", name="pk_corp_rel"),
    Index("ix_corp_rel_child", "child_cust_no"),
)

indv_rel = Table(
    "indv_rel",
    metadata,
    Column("cust_no", Text, nullable=False),
    Column("rel_type", Text, nullable=False),  # SPOUSE
    Column("rel_name", Text),
    Column("rel_id_no", Text),
    Column("rel_mobile", Text),
    Index("ix_indv_rel_cust", "cust_no"),
)

prod = Table(
    "prod",
    metadata,
    Column("prod_cd", Text, primary_key=True),
    Column("prod_name", Text, nullable=False),
    Column("prod_type", Text, nullable=False),  # DMD | TD | WM | FUND | LOAN | CARD
)

acct = Table(
    "acct",
    metadata,
    Column("acct_no", Text, primary_key=True),
    Column("cust_no", Text, nullable=False),
    Column("prod_cd", Text, nullable=False),
    Column("org_id", Text),
    Column("open_dt", Date, nullable=False),
    Column("mature_dt", Date),
    Column("acct_status", Text, nullable=False),  # N normal | F frozen | C closed
    Column("cur_bal", MONEY, nullable=False),
    Column("credit_limit", MONEY),
    Column("repay_status", Text),  # N normal | O overdue | S settled (loans/cards)
    Column("overdue_times", Integer, nullable=False, default=0),
    Column("upd_ts", DateTime, nullable=False),
    Index("ix_acct_cust", "cust_no"),
    Index("ix_acct_upd_ts", "upd_ts"),
)

acct_bal_hist = Table(
    "acct_bal_hist",
    metadata,
    Column("acct_no", Text, nullable=False),
    Column("bal_dt", Date, nullable=False),
    Column("bal", MONEY, nullable=False),
    PrimaryKeyConstraint("acct_no", "bal_dt", name="pk_acct_bal_hist"),
    Index("ix_acct_bal_hist_dt", "bal_dt"),
)

txn = Table(
    "txn",
    metadata,
    Column("txn_id", Text, primary_key=True),
    Column("acct_no", Text, nullable=False),
    Column("txn_ts", DateTime, nullable=False),
    Column("dc_flag", Text, nullable=False),  # D debit | C credit
    Column("amt", MONEY, nullable=False),
    Column("bal_after", MONEY, nullable=False),
    Column("channel", Text, nullable=False),  # CTR | ATM | NET | MOB | POS
    Column("cash_flag", Text, nullable=False),  # Y | N
    Column("cp_name", Text),
    Column("cp_acct", Text),
    Column("memo", Text),
    Index("ix_txn_acct_ts", "acct_no", "txn_ts"),
    Index("ix_txn_ts", "txn_ts"),
)

cust_rating = Table(
    "cust_rating",
    metadata,
    Column("cust_no", Text, primary_key=True),
    Column("rating", Text, nullable=False),  # AAA AA A BBB BB B CCC CC C
    Column("rated_dt", Date, nullable=False),
)

#: Load order (parents first; there are no foreign keys, as in many core systems' reporting copies).
TABLES: tuple[Table, ...] = (
    org,
    staff,
    prod,
    cust_indv,
    cust_corp,
    corp_rel,
    indv_rel,
    cust_rating,
    acct,
    acct_bal_hist,
    txn,
)

#: Product types whose balance is owed by the customer (a debit increases it).
LIABILITY_TYPES = frozenset({"LOAN", "CARD"})
