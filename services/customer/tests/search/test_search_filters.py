"""SearchCustomers with filters: only matching customers, still ranked, scoped and masked — SQLite and PostgreSQL."""

from __future__ import annotations

import grpc
import pytest
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.service_layer.searching import SearchService
from kam_kit.auth import Identity

ADMIN = Identity(subject="users/admin", roles=("roles/admin",), org_unit="orgUnits/head")


async def _search(
    db, query: str, filters: dict, identity: Identity = ADMIN, limit: int = 20, offset: int = 0
):
    page, _ = await SearchService(db).search(identity, query, offset=offset, limit=limit, filters=filters)
    return [(hit.customer_id, hit.mode) for hit, _ in page]


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("张伟", {}, [("c-zhang", "EXACT"), ("c-zhang3", "EXACT"), ("c-zhangm", "PREFIX")]),
        ("张伟", {"tier": ""}, [("c-zhang3", "EXACT"), ("c-zhangm", "PREFIX")]),
        ("张伟", {"tier": "tiers/diamond"}, [("c-zhang", "EXACT")]),
        ("张伟", {"key_customer": True}, [("c-zhang", "EXACT"), ("c-zhangm", "PREFIX")]),
        ("张伟", {"key_customer": False}, [("c-zhang3", "EXACT")]),
        ("zhangwei", {"branch": "orgUnits/bj"}, [("c-zhang3", "EXACT"), ("c-zhangm", "PREFIX")]),
        ("zhang", {"relationship_manager": "staff/rm1"}, [("c-zhang", "PREFIX")]),
        ("fj", {"type": "CORPORATE"}, [("c-corp", "PREFIX")]),
        ("fjmmkjyxgs", {"type": "INDIVIDUAL"}, []),
        ("zhangwie", {"branch": "orgUnits/bj", "type": "INDIVIDUAL"}, [("c-zhang3", "FUZZY")]),  # one typo
        ("13812345678", {"tier": "tiers/core"}, []),
    ],
)
async def test_filters_keep_only_matching_customers_in_rank_order(bank, query, filters, expected) -> None:
    assert await _search(bank, query, filters) == expected


async def test_filtered_pages_are_full_and_ranked(bank) -> None:
    # The filter applies before each lookup's limit: the second page still finds the next matching customer.
    first = await _search(bank, "zhang", {"type": "INDIVIDUAL", "branch": "orgUnits/bj"}, limit=1)
    second = await _search(bank, "zhang", {"type": "INDIVIDUAL", "branch": "orgUnits/bj"}, limit=1, offset=1)
    assert first == [("c-zhangm", "PREFIX")]  # key customer (priority 1) before c-zhang3 (priority 2)
    assert second == [("c-zhang3", "PREFIX")]


async def test_filters_and_scope_combine(bank) -> None:
    beijing_manager = Identity(subject="users/other", roles=("roles/branch_manager",), org_unit="orgUnits/bj")
    assert await _search(bank, "张伟", {"key_customer": True}, beijing_manager) == [("c-zhangm", "PREFIX")]
    # Filtering on a branch outside the caller's scope finds nothing (no leak through the filter).
    assert await _search(bank, "张伟", {"branch": "orgUnits/sh-pd"}, beijing_manager) == []


async def test_search_rpc_filters_masks_and_binds_page_tokens(api) -> None:
    leader = api.md("roles/head_office_leader")  # sees everything, masked
    found = await api.client.SearchCustomers(
        pb.SearchCustomersRequest(query="zhangwei", filter="key_customer = true AND type = TYPE_INDIVIDUAL"),
        metadata=leader,
    )
    # A masked caller matches an individual's name only as a whole (张伟), not by a prefix (张伟明 would reveal
    # the hidden characters): c-zhangm is found by callers who see names.
    assert [r.customer.name for r in found.results] == ["customers/c-zhang"]
    assert found.results[0].match_kind == pb.CustomerSearchResult.MATCH_KIND_EXACT
    assert found.results[0].customer.display_name == "张*" and found.results[0].matched_value == "z*******"
    compliance = api.md("roles/compliance")  # sees everything, unmasked
    found = await api.client.SearchCustomers(
        pb.SearchCustomersRequest(query="zhangwei", filter="key_customer = true AND type = TYPE_INDIVIDUAL"),
        metadata=compliance,
    )
    assert [r.customer.name for r in found.results] == ["customers/c-zhang", "customers/c-zhangm"]
    leader = compliance  # paging and filters below need prefix matches on individuals
    paged = await api.client.SearchCustomers(
        pb.SearchCustomersRequest(query="zhang", filter='branch = "orgUnits/bj"', page_size=1),
        metadata=leader,
    )
    assert [r.customer.name for r in paged.results] == ["customers/c-zhangm"] and paged.next_page_token
    rest = await api.client.SearchCustomers(
        pb.SearchCustomersRequest(
            query="zhang", filter='branch = "orgUnits/bj"', page_size=1, page_token=paged.next_page_token
        ),
        metadata=leader,
    )
    assert [r.customer.name for r in rest.results] == ["customers/c-zhang3"]
    for request, field in [
        (pb.SearchCustomersRequest(query="zhang", filter="colour = red"), "filter"),
        (pb.SearchCustomersRequest(query="zhang", filter="key_customer = maybe"), "filter"),
        (pb.SearchCustomersRequest(query="zhang", filter="type = TYPE_ROBOT"), "filter"),
        (pb.SearchCustomersRequest(query="zhang", filter="tier > gold"), "filter"),
        (
            pb.SearchCustomersRequest(
                query="zhang", filter='branch = "orgUnits/sh"', page_token=paged.next_page_token
            ),
            "page_token",
        ),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await api.client.SearchCustomers(request, metadata=leader)
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert bad.value.details().startswith(f"{field}: ")  # the violation names the field


async def test_a_statement_built_for_one_search_serves_the_next_of_its_shape(bank) -> None:
    from kam_customer.search import query

    beijing = {"branch": "orgUnits/bj", "type": "INDIVIDUAL"}
    pudong = {"branch": "orgUnits/sh-pd", "type": "INDIVIDUAL"}
    shanghai_manager = Identity(
        subject="users/other", roles=("roles/branch_manager",), org_unit="orgUnits/sh-pd"
    )
    fresh = []  # each search's answer from a statement built for it alone
    for filters, identity in ((beijing, ADMIN), (pudong, ADMIN), ({}, shanghai_manager), ({}, ADMIN)):
        query._STATEMENTS.clear()
        fresh.append(await _search(bank, "zhangwei", filters, identity))
    assert fresh[0] == [("c-zhang3", "EXACT"), ("c-zhangm", "PREFIX")] and fresh[0] != fresh[1]
    query._STATEMENTS.clear()
    built = []
    for _ in range(2):  # the same shapes with other values: the values of each search, not the last one's
        assert await _search(bank, "zhangwei", beijing) == fresh[0]
        assert await _search(bank, "zhangwei", pudong) == fresh[1]
        assert await _search(bank, "zhangwei", {}, shanghai_manager) == fresh[2]
        assert await _search(bank, "zhangwei", {}) == fresh[3]
        built.append(len(query._STATEMENTS))
    assert 0 < built[0] == built[1]  # the second round built none
