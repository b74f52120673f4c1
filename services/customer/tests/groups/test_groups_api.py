"""Corporate groups (集团客户) on a real server, on SQLite and PostgreSQL; one call through the HTTP gateway."""

from __future__ import annotations

from datetime import timedelta

import grpc
from customer_testlib import gateway_client
from google.protobuf import field_mask_pb2
from groups_testlib import events, failure, reason, violations
from kam.customer.v1 import customer_pb2, events_pb2
from kam.customer.v1 import customer_service_pb2 as pb

Group = customer_pb2.CustomerGroup
Member = customer_pb2.GroupMember
ADMIN = ("roles/admin",)


def _group(*members: Member, name: str = "某某控股集团", rm: str = "") -> Group:
    return Group(display_name=name, relationship_manager=rm, members=list(members))


def _member(customer: str, role: int, parent: str = "", share: str = "") -> Member:
    return Member(
        customer=f"customers/{customer}",
        role=role,
        parent_customer=f"customers/{parent}" if parent else "",
        shareholding_percent=share,
    )


HOLDING = (
    _member("g1", Member.ROLE_PARENT),
    _member("g2", Member.ROLE_SUBSIDIARY, "g1"),
    _member("g3", Member.ROLE_AFFILIATE, "g2", "30"),
)


async def _create(client, md, group: Group, **kw) -> Group:
    return (
        await client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(customer_group=group, **kw), metadata=md(*ADMIN)
        )
    ).customer_group


async def test_create_get_and_source_shareholding(app, client, md) -> None:
    created = await _create(client, md, _group(*HOLDING, rm="users/rm9"), request_id="r-1")
    assert created.name.startswith("customerGroups/") and created.etag == "v1"
    assert [
        (m.customer, m.role, m.parent_customer, m.shareholding_percent, m.display_name)
        for m in created.members
    ] == [
        ("customers/g1", Member.ROLE_PARENT, "", "", "某某控股集团有限公司"),
        (
            "customers/g2",
            Member.ROLE_SUBSIDIARY,
            "customers/g1",
            "51.50",
            "某某科技有限公司",
        ),  # from the source
        ("customers/g3", Member.ROLE_AFFILIATE, "customers/g2", "30.00", "某某物流有限公司"),
    ]
    again = await _create(client, md, _group(*HOLDING), request_id="r-1")
    assert again == created  # request_id: the first group, not a second one
    got = (
        await client.GetCustomerGroup(pb.GetCustomerGroupRequest(name=created.name), metadata=md(*ADMIN))
    ).customer_group
    assert got == created
    published = [
        events_pb2.CustomerGroupCreated.FromString(p) for p in await events(app, "CustomerGroupCreated")
    ]
    assert [e.customer_group for e in published] == [created]


async def test_list_filters_scope_and_pages(app, client, md) -> None:
    holding = await _create(client, md, _group(*HOLDING, rm="users/rm9"))
    app.test_clock.advance(timedelta(minutes=1))  # listed oldest first
    beijing = await _create(client, md, _group(_member("g9", Member.ROLE_PARENT), name="北京某某集团"))

    async def names(filter_text: str = "", *roles: str, **kw) -> list[str]:
        listed = await client.ListCustomerGroups(
            pb.ListCustomerGroupsRequest(filter=filter_text), metadata=md(*(roles or ADMIN), **kw)
        )
        return [g.name for g in listed.customer_groups]

    assert await names('members.customer = "customers/g3"') == [holding.name]
    assert await names('display_name = "北京*"') == [beijing.name]
    assert await names('display_name = "北京"') == []
    assert await names('relationship_manager = "users/rm9"') == [holding.name]
    assert await names("", "roles/branch_manager", org_unit="orgUnits/bj") == [beijing.name]
    assert await names("", "roles/relationship_manager", org_unit="", subject="users/rm9") == [holding.name]
    hidden = await failure(
        client.GetCustomerGroup(
            pb.GetCustomerGroupRequest(name=holding.name),
            metadata=md("roles/branch_manager", org_unit="orgUnits/bj"),
        )
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    first = await client.ListCustomerGroups(pb.ListCustomerGroupsRequest(page_size=1), metadata=md(*ADMIN))
    second = await client.ListCustomerGroups(
        pb.ListCustomerGroupsRequest(page_size=1, page_token=first.next_page_token), metadata=md(*ADMIN)
    )
    assert [g.name for g in [*first.customer_groups, *second.customer_groups]] == [holding.name, beijing.name]
    assert not second.next_page_token
    bad = await failure(
        client.ListCustomerGroups(pb.ListCustomerGroupsRequest(filter="tier = x"), metadata=md(*ADMIN))
    )
    assert set(violations(bad)) == {"filter"}


async def test_update_with_mask_and_etag(app, client, md) -> None:
    created = await _create(client, md, _group(*HOLDING))
    rename = Group(name=created.name, display_name="某某控股集团（新）", etag="v7")
    mask = field_mask_pb2.FieldMask(paths=["display_name"])
    stale = await failure(
        client.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(customer_group=rename, update_mask=mask), metadata=md(*ADMIN)
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    rename.etag = created.etag
    renamed = (
        await client.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(customer_group=rename, update_mask=mask), metadata=md(*ADMIN)
        )
    ).customer_group
    assert renamed.display_name == "某某控股集团（新）" and renamed.etag == "v2" and len(renamed.members) == 3
    shrunk = (
        await client.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(customer_group=Group(name=created.name, members=HOLDING[:2])),
            metadata=md(*ADMIN),
        )
    ).customer_group  # no mask: populated fields
    assert [m.customer for m in shrunk.members] == ["customers/g1", "customers/g2"]
    assert shrunk.display_name == "某某控股集团（新）"
    same = (
        await client.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(customer_group=Group(name=created.name)), metadata=md(*ADMIN)
        )
    ).customer_group
    assert same == shrunk  # nothing populated: nothing changes, no event
    await _create(
        client, md, _group(_member("g3", Member.ROLE_PARENT), name="某某物流集团")
    )  # g3 is free again
    updates = [
        events_pb2.CustomerGroupUpdated.FromString(p) for p in await events(app, "CustomerGroupUpdated")
    ]
    assert [list(e.update_mask.paths) for e in updates] == [["display_name"], ["members"]]
    readonly = await failure(
        client.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(
                customer_group=Group(name=created.name),
                update_mask=field_mask_pb2.FieldMask(paths=["create_time"]),
            ),
            metadata=md(*ADMIN),
        )
    )
    assert set(violations(readonly)) == {"update_mask"}


async def test_invalid_members_name_every_field(client, md) -> None:
    error = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=Group(
                    display_name=" ",
                    relationship_manager="rm9",
                    members=[
                        _member("g1", Member.ROLE_PARENT),
                        _member("g2", Member.ROLE_PARENT),  # two parents
                        _member("c1", Member.ROLE_SUBSIDIARY, "g1"),  # an individual
                        _member("g3", Member.ROLE_SUBSIDIARY),  # no parent_customer
                        _member("nobody", Member.ROLE_AFFILIATE, "g1"),  # not a customer
                        _member("g9", Member.ROLE_SUBSIDIARY, "g1", "150"),  # share out of range
                        _member("g9", 0, "g1"),  # duplicate, no role
                    ],
                )
            ),
            metadata=md(*ADMIN),
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(error)) == {
        "customer_group.display_name",
        "customer_group.relationship_manager",
        "customer_group.members[1].role",
        "customer_group.members[2].customer",
        "customer_group.members[3].parent_customer",
        "customer_group.members[4].customer",
        "customer_group.members[5].shareholding_percent",
        "customer_group.members[6].customer",
        "customer_group.members[6].role",
    }
    cycle = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=_group(
                    _member("g1", Member.ROLE_PARENT),
                    _member("g2", Member.ROLE_SUBSIDIARY, "g3"),
                    _member("g3", Member.ROLE_SUBSIDIARY, "g2"),
                )
            ),
            metadata=md(*ADMIN),
        )
    )
    assert set(violations(cycle)) == {
        "customer_group.members[1].parent_customer",
        "customer_group.members[2].parent_customer",
    }
    orphans = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=_group(
                    _member("g2", Member.ROLE_AFFILIATE, "g3"), _member("g3", Member.ROLE_AFFILIATE, "g2")
                )
            ),
            metadata=md(*ADMIN),
        )
    )
    assert "customer_group.members" in violations(orphans)


async def test_a_customer_belongs_to_one_group(client, md) -> None:
    await _create(client, md, _group(*HOLDING))
    error = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=_group(
                    _member("g9", Member.ROLE_PARENT), _member("g2", Member.ROLE_SUBSIDIARY, "g9")
                )
            ),
            metadata=md(*ADMIN),
        )
    )
    assert "已属于集团" in violations(error)["customer_group.members[1].customer"]


async def test_writes_need_a_role_and_members_in_scope(client, md) -> None:
    denied = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(customer_group=_group(*HOLDING)),
            metadata=md("roles/relationship_manager"),
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED and reason(denied) == "PERMISSION_DENIED"
    out_of_scope = await failure(
        client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(customer_group=_group(*HOLDING)),
            metadata=md("roles/branch_manager", org_unit="orgUnits/bj"),
        )
    )
    assert set(violations(out_of_scope)) == {f"customer_group.members[{i}].customer" for i in range(3)}
    created = await client.CreateCustomerGroup(
        pb.CreateCustomerGroupRequest(customer_group=_group(*HOLDING)),
        metadata=md("roles/branch_manager", org_unit="orgUnits/sh"),
    )
    assert len(created.customer_group.members) == 3


async def test_delete_with_etag_keeps_the_members(app, client, md) -> None:
    created = await _create(client, md, _group(*HOLDING))
    stale = await failure(
        client.DeleteCustomerGroup(
            pb.DeleteCustomerGroupRequest(name=created.name, etag="v2"), metadata=md(*ADMIN)
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    await client.DeleteCustomerGroup(
        pb.DeleteCustomerGroupRequest(name=created.name, etag=created.etag), metadata=md(*ADMIN)
    )
    gone = await failure(
        client.GetCustomerGroup(pb.GetCustomerGroupRequest(name=created.name), metadata=md(*ADMIN))
    )
    assert gone.code() == grpc.StatusCode.NOT_FOUND
    assert (
        await client.GetCustomer(pb.GetCustomerRequest(name="customers/g2"), metadata=md(*ADMIN))
    ).customer.name
    deleted = [
        events_pb2.CustomerGroupDeleted.FromString(p) for p in await events(app, "CustomerGroupDeleted")
    ]
    assert [e.customer_group for e in deleted] == [created.name]
    await _create(client, md, _group(*HOLDING))  # the members are free for a new group


async def test_rest_through_the_gateway(app, md, token_secret) -> None:
    service = pb.DESCRIPTOR.services_by_name["CustomerService"]
    headers = {"authorization": dict(md(*ADMIN))["authorization"]}
    async with gateway_client(app, token_secret, services=[service]) as http:
        created = await http.post(
            "/v1/customerGroups",
            headers=headers,
            json={
                "displayName": "某某控股集团",
                "members": [
                    {"customer": "customers/g1", "role": "ROLE_PARENT"},
                    {
                        "customer": "customers/g2",
                        "role": "ROLE_SUBSIDIARY",
                        "parentCustomer": "customers/g1",
                    },
                ],
            },
        )
        assert created.status_code == 200, created.text
        assert created.json()["members"][1]["shareholdingPercent"] == "51.50"
        bad = await http.post("/v1/customerGroups", headers=headers, json={"displayName": ""})
        assert bad.status_code == 400
        fields = [v["field"] for d in bad.json()["error"]["details"] for v in d.get("fieldViolations", [])]
        assert fields == ["customer_group.display_name"]
        deleted = await http.delete(f"/v1/{created.json()['name']}", headers=headers)
        assert deleted.status_code == 200, deleted.text
        scanned = await http.delete("/v1/customers/c1", headers=headers)
        assert scanned.status_code == 400 and scanned.json()["error"]["status"] == "FAILED_PRECONDITION"
