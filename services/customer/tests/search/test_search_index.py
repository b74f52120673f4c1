"""Search over the index: every key, prefix, one typo, ranking, data scope — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from kam_customer.adapters.orm import CustomerRow
from kam_customer.search.index import reindex
from kam_customer.search.orm import SearchTermRow
from kam_customer.service_layer.searching import SearchService
from kam_kit.auth import Identity
from kam_kit.errors import InvalidArgument
from sqlalchemy import func, select, update

ADMIN = Identity(subject="users/admin", roles=("roles/admin",), org_unit="orgUnits/head")


async def _search(db, query: str, identity: Identity = ADMIN, limit: int = 20, offset: int = 0):
    page, _ = await SearchService(db).search(identity, query, offset=offset, limit=limit)
    return [(hit.customer_id, hit.mode, hit.kind) for hit, _ in page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张伟", ("c-zhang", "EXACT", "N")),
        ("zhangwei", ("c-zhang", "EXACT", "P")),
        ("ZW", ("c-zhang", "EXACT", "I")),
        ("11010519491231002x", ("c-zhang", "EXACT", "D")),
        ("138 1234 5678", ("c-zhang", "EXACT", "M")),
        ("+8613812345678", ("c-zhang", "EXACT", "M")),
        ("6222020200001234", ("c-zhang", "EXACT", "A")),
        ("91350100M000100Y43", ("c-corp", "EXACT", "C")),
        ("fjmmkjyxgs", ("c-corp", "EXACT", "I")),
    ],
)
async def test_finds_by_each_key(bank, query, expected) -> None:
    assert (await _search(bank, query))[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("福建某某", ("c-corp", "PREFIX", "N")),
        ("zhangweim", ("c-zhangm", "PREFIX", "P")),
        ("zwm", ("c-zhangm", "EXACT", "I")),
        ("32010219", ("c-zhangm", "PREFIX", "D")),
        ("1370000", ("c-zhangm", "PREFIX", "M")),
        ("5678", ("c-zhang", "PREFIX", "M")),  # phone tail (尾号)
        ("8901", ("c-corp", "PREFIX", "A")),  # account tail
        ("913501", ("c-corp", "PREFIX", "C")),
    ],
)
async def test_prefix_and_tail(bank, query, expected) -> None:
    assert expected in await _search(bank, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zhangwie", ("c-zhang", "FUZZY", "P")),  # transposition
        ("zhagwei", ("c-zhang", "FUZZY", "P")),  # missing letter
        ("zhangwel", ("c-zhang", "FUZZY", "P")),  # wrong letter
        ("11010519491213002X", ("c-zhang", "FUZZY", "D")),  # digit transposition in an ID number
        ("13812345687", ("c-zhang", "FUZZY", "M")),  # transposition in a phone number
        ("6222020200001235", ("c-zhang", "FUZZY", "A")),  # one wrong digit in an account number
        ("张玮", ("c-zhang", "FUZZY", "P")),  # homophone
    ],
)
async def test_one_typo(bank, query, expected) -> None:
    assert expected in await _search(bank, query)


async def test_polyphonic_surname_found_by_surname_and_common_reading(bank) -> None:
    assert ("c-shan", "EXACT", "P") in await _search(bank, "shanwei")
    assert ("c-shan", "EXACT", "P") in await _search(bank, "danwei")
    assert ("c-shan", "EXACT", "I") in await _search(bank, "sw")


async def test_ranking_exact_before_prefix_tiered_first(bank) -> None:
    hits = await _search(bank, "张伟")
    assert hits[:3] == [("c-zhang", "EXACT", "N"), ("c-zhang3", "EXACT", "N"), ("c-zhangm", "PREFIX", "N")]
    # Among prefixes, key customers with a tier come first: promote c-zhang3's namesake's neighbour.
    page1 = await _search(bank, "zhang", limit=1)
    page2 = await _search(bank, "zhang", limit=1, offset=1)
    assert page1 == [("c-zhang", "PREFIX", "P")]  # tier → priority 0
    assert page2 == [("c-zhangm", "PREFIX", "P")]  # key customer without tier → priority 1


async def test_scope_branch_subtree_and_own_customers(bank) -> None:
    beijing = Identity(subject="users/other", roles=("roles/branch_manager",), org_unit="orgUnits/bj")
    assert [h[0] for h in await _search(bank, "张伟", beijing)] == ["c-zhang3", "c-zhangm"]
    beijing_rm = Identity(
        subject="users/other", roles=("roles/relationship_manager",), org_unit="orgUnits/bj"
    )
    assert (
        await _search(bank, "张伟", beijing_rm) == []
    )  # a relationship manager's scope is their own customers
    shanghai = Identity(subject="users/mgr", roles=("roles/branch_manager",), org_unit="orgUnits/sh")
    assert [h[0] for h in await _search(bank, "张伟", shanghai)] == ["c-zhang"]  # sh-pd is under sh
    own = Identity(subject="users/rm1", roles=("roles/relationship_manager",), org_unit="orgUnits/elsewhere")
    assert [h[0] for h in await _search(bank, "zhang", own)] == ["c-zhang"]  # staff/rm1 manages it
    assert await _search(bank, "13812345678", beijing_rm) == []


async def test_reindex_follows_changes_and_removals(bank) -> None:
    async with bank.transaction() as session:
        await session.execute(
            update(CustomerRow).where(CustomerRow.id == "c-zhang3").values(phone="13511112222")
        )
        await reindex(session, ["c-zhang3"])
    assert ("c-zhang3", "EXACT", "M") in await _search(bank, "13511112222")
    assert await _search(bank, "13900001111") == []
    async with bank.transaction() as session:
        await session.delete(await session.get(CustomerRow, "c-zhang3"))
        await reindex(session, ["c-zhang3"])
        left = await session.scalar(
            select(func.count()).select_from(SearchTermRow).where(SearchTermRow.customer_id == "c-zhang3")
        )
    assert left == 0


async def test_short_numbers_and_empty_queries(bank) -> None:
    assert await _search(bank, "138") == []  # fewer than 4 digits: not searched
    with pytest.raises(InvalidArgument):
        await _search(bank, "  ")
