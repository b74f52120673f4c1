"""Running a search-box query against ``search_terms``.

Matching (see :func:`kam_customer.search.text.probes` for which keys a query is tried against):

- EXACT: the whole term equals the query (``张伟``, ``zw``, a full ID/phone/account number);
- PREFIX: the term starts with the query (a range scan ``[q, q⁺)`` on the index); numbers also match by their
  tail (``…5678``: reversed terms, so the tail is again a prefix);
- FUZZY (only when nothing matched exactly or by prefix): the whole term is within one edit (substitution, insertion, deletion or adjacent transposition) of the
  query: the query's one-edit neighbourhood is generated in Python and looked up by equality (``term IN (…)``),
  so no extra table and the same SQL on SQLite and PostgreSQL; Chinese queries also match homophones via
  their pinyin (张玮 → zhangwei).

Ranking: EXACT before PREFIX before FUZZY; within a stage customers with a tier, then other key customers,
then the rest (``priority``); then by key kind (name, pinyin, initials, ID, credit code, phone, account), then
term and customer id (stable pages). A customer appears once, with its best match. Each lookup reads at most
``offset + limit + 1`` rows in rank order, so cost does not grow with the number of matches for unrestricted
callers; scoped callers read their own branch's matches through the (org_unit|relationship_manager, kind,
term) indexes.

Filters (SearchCustomers ``filter``, the equalities of ListCustomers) are applied inside every lookup, before its
limit, so a page is full whenever enough matches pass the filter: ``branch`` and ``relationship_manager`` on the
index's own copies; ``type``, ``tier`` and ``key_customer`` on the customer row joined by primary key. ``tier``
and ``key_customer`` also narrow the priorities probed (a tier means priority 0; ``key_customer = true`` means 0
or 1), so e.g. ``tier = "tiers/gold"`` reads only the tiered part of the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kam_kit.scope import DataScope
from sqlalchemy import and_, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kam_customer.adapters.orm import CustomerRow
from kam_customer.domain.customers import CORPORATE
from kam_customer.search import text
from kam_customer.search.orm import SearchTermRow as T

PRIORITIES = (0, 1, 2)
STAGE_BASE = {text.EXACT: 1.0, text.PREFIX: 0.8, text.FUZZY: 0.5}
KIND_RANK = {
    k: i
    for i, k in enumerate(
        (
            text.NAME,
            text.PINYIN,
            text.INITIALS,
            text.ID_NUMBER,
            text.CREDIT_CODE,
            text.PHONE,
            text.ACCOUNT,
            text.PHONE_TAIL,
            text.ACCOUNT_TAIL,
            text.ID_TAIL,
        )
    )
}
#: How deep a search may page.
MAX_RESULTS = 500
#: Filters answered by the index's copies of the customer's columns (the others join ``customers``).
INDEX_COLUMNS = {"branch": T.org_unit, "relationship_manager": T.relationship_manager}


@dataclass(frozen=True)
class Hit:
    customer_id: str
    mode: str  # EXACT | PREFIX | FUZZY
    kind: str  # the key kind; tails are reported as the key they are the tail of
    term: str  # the matched term (the full value, not reversed)
    priority: int
    score: float


async def search(
    session: AsyncSession | AsyncConnection,
    query: str,
    scope: DataScope,
    *,
    limit: int,
    offset: int = 0,
    filters: Mapping[str, object] | None = None,
    masked: bool = False,
) -> list[Hit]:
    """Hits ``offset .. offset+limit`` (plus one more when there are more, so callers can tell) among the
    customers whose columns equal ``filters`` (customer column → value). ``masked``: the caller sees personal
    data masked, so only what it may see of a value is matched (:func:`text.masked_probe`)."""
    need = min(offset + limit + 1, MAX_RESULTS + 1)
    seen: dict[str, Hit] = {}
    ranked: list[Hit] = []
    probes = text.probes(query)
    if masked:
        probes = [kept for kept in map(text.masked_probe, probes) if kept is not None]
    for stage in (text.EXACT, text.PREFIX, text.FUZZY):
        if stage == text.FUZZY and ranked:
            break  # typo tolerance is a fallback: only when nothing matched as typed
        stage_probes = [p for p in probes if p.mode == stage]
        if not stage_probes:
            continue
        found: list[tuple[tuple, Hit]] = []
        for number, priority, term, customer_id in await _lookup(
            session, stage_probes, scope, need, filters or {}, masked
        ):
            probe = stage_probes[number]
            kind = text.TAIL_OF.get(probe.kind, probe.kind)
            value = term[::-1] if probe.kind in text.TAIL_OF else term
            score = round(STAGE_BASE[stage] - 0.05 * priority - 0.005 * KIND_RANK[probe.kind], 4)
            found.append(
                (
                    (priority, KIND_RANK[probe.kind], term, customer_id),
                    Hit(customer_id, stage, kind, value, priority, score),
                )
            )
        for _, hit in sorted(found, key=lambda pair: pair[0]):
            if hit.customer_id not in seen:
                seen[hit.customer_id] = hit
                ranked.append(hit)
        if len(ranked) >= need:
            break
    return ranked[offset:need]


async def _lookup(
    session: AsyncSession | AsyncConnection,
    probes: list[text.Probe],
    scope: DataScope,
    need: int,
    filters: Mapping[str, object],
    masked: bool = False,
) -> list[tuple]:
    """Every probe of one stage in one statement: a UNION ALL of ordered, limited branches (one per probe, or
    per probe and priority for unrestricted prefix scans, so each branch is one ordered index range).

    The statement depends only on the lookup's shape (each probe's mode and kind, the priorities, the scope's and
    the filters' shape, ``need``) and takes the terms, scope and filter values as parameters; one is built per
    shape and kept (:data:`_STATEMENTS`), since building and cache-keying it cost about as much as running it."""
    priorities = _priorities(filters)
    if not priorities:
        return []
    corporate = tuple(masked and text.corporates_only(probe) for probe in probes)
    shape = (
        tuple((probe.mode, probe.kind) for probe in probes),
        corporate,
        priorities,
        scope.shape,
        tuple(sorted(filters)),
        need,
    )
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _statement(probes, corporate, priorities, scope, sorted(filters), need)
        if len(_STATEMENTS) >= MAX_STATEMENTS:
            _STATEMENTS.clear()
        _STATEMENTS[shape] = statement
    values: dict[str, object] = dict(scope.parameters)
    values.update({f"filter_{name}": value for name, value in filters.items()})
    for number, probe in enumerate(probes):
        if probe.mode == text.PREFIX:
            values[f"term_{number}"] = probe.terms[0]
            values[f"upper_{number}"] = text.prefix_upper_bound(probe.terms[0])
        else:
            values[f"term_{number}"] = list(probe.terms) if probe.mode == text.FUZZY else probe.terms[0]
    return list((await session.execute(statement, values)).all())


#: Search statements by shape (:func:`_lookup`); a few dozen shapes occur, the bound keeps a bad day finite.
_STATEMENTS: dict[tuple, object] = {}
MAX_STATEMENTS = 512


def _statement(
    probes: list[text.Probe],
    corporate: tuple[bool, ...],
    priorities: tuple[int, ...],
    scope: DataScope,
    filter_names: list[str],
    need: int,
):
    restrict = [c for c in (scope.bound_condition(T.org_unit, T.relationship_manager),) if c is not None]
    restrict += [
        INDEX_COLUMNS[name] == bindparam(f"filter_{name}") for name in filter_names if name in INDEX_COLUMNS
    ]
    joined = [
        getattr(CustomerRow, name) == bindparam(f"filter_{name}")
        for name in filter_names
        if name not in INDEX_COLUMNS
    ]
    branches = []
    for number, probe in enumerate(probes):
        term = bindparam(f"term_{number}", expanding=probe.mode == text.FUZZY)
        if probe.mode == text.FUZZY:
            condition = and_(T.kind == probe.kind, T.priority.in_(priorities), T.term.in_(term))
        elif probe.mode == text.EXACT:  # priority IN (…) lets both engines probe the primary key per priority
            condition = and_(T.kind == probe.kind, T.priority.in_(priorities), T.term == term)
        else:
            condition = and_(T.kind == probe.kind, T.term > term, T.term < bindparam(f"upper_{number}"))
        columns = (literal(number).label("probe"), T.priority, T.term, T.customer_id)
        statement = select(*columns).where(condition, *restrict)
        on_customer = list(joined)
        if corporate[number]:
            on_customer.append(CustomerRow.type == CORPORATE)
        if on_customer:
            statement = statement.join(CustomerRow, CustomerRow.id == T.customer_id).where(*on_customer)
        if scope.everything and probe.mode == text.PREFIX:
            branches += [
                statement.where(T.priority == priority).order_by(T.term, T.customer_id).limit(need)
                for priority in priorities
            ]
        else:
            if probe.mode == text.PREFIX and priorities != PRIORITIES:
                statement = statement.where(T.priority.in_(priorities))
            branches.append(statement.order_by(T.priority, T.term, T.customer_id).limit(need))
    return union_all(*(select(branch.subquery()) for branch in branches))


def _priorities(filters: Mapping[str, object]) -> tuple[int, ...]:
    """The index priorities a filtered customer can have (see :func:`kam_customer.search.index.priority_of`)."""
    allowed = set(PRIORITIES)
    if "tier" in filters:
        allowed &= {0} if filters["tier"] else {1, 2}
    if "key_customer" in filters:
        allowed &= {0, 1} if filters["key_customer"] else {0, 2}
    return tuple(sorted(allowed))
