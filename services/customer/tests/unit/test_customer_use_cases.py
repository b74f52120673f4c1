"""Unit tier: the customer use cases (customers: create, get, update, delete; their contacts) on the in-memory unit of work (customer_fakes.py) —
data scopes, etags, validation, and what is stored with a change: the customer, its outbox event, its audit
record, all on commit and nothing on a refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from customer_fakes import FakeUnitOfWork
from kam.customer.v1 import customer_pb2, events_pb2
from kam_customer.adapters.orm import ContactRow, CustomerRow
from kam_customer.domain.customers import CustomerDraft
from kam_customer.domain.identifiers import resident_id_check_char
from kam_customer.service_layer.contacts import ContactDraft, ContactService
from kam_customer.service_layer.customers import CustomerService
from kam_customer.service_layer.lifecycle import LifecycleService
from kam_kit.auth import Identity
from kam_kit.clock import ManualClock
from kam_kit.errors import Aborted, AlreadyExists, FailedPrecondition, InvalidArgument, NotFound

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
#: head office → branch b1 → sub-branch s1; branch b2 beside it
ORG_TREE = {"hq": None, "b1": "hq", "s1": "b1", "b2": "hq"}
RM = Identity("users/rm_zhang", scope="OWN", org_unit="orgUnits/s1", staff_code="E001")
BRANCH_MANAGER = Identity("users/bm_li", scope="ORG_UNIT_TREE", org_unit="orgUnits/b1")
ADMIN = Identity("users/admin", scope="ALL")
#: the relationship manager of c-1 in the contact tests (by staff code)
RM_OF_C1 = Identity("users/rm_sun", scope="OWN", org_unit="orgUnits/b2", staff_code="E042")


def _resident_id(serial: str = "001") -> str:
    first17 = f"11010119800101{serial}"
    return first17 + resident_id_check_char(first17)


def _draft(**fields) -> CustomerDraft:
    return CustomerDraft(
        **({"type": "INDIVIDUAL", "display_name": "张三", "id_number": _resident_id()} | fields)
    )


def _stored(customer_id: str, *, branch: str, manager: str = "", version: int = 3) -> CustomerRow:
    """A customer entered by staff a month ago, last changed yesterday."""
    draft = _draft(
        display_name="王五", id_number=_resident_id("002"), branch=branch, relationship_manager=manager
    )
    return CustomerRow(
        id=customer_id,
        **vars(draft),
        tier="",
        state="ACTIVE",
        source="MANUAL",
        request_id=None,
        version=version,
        create_time=START - timedelta(days=30),
        update_time=START - timedelta(days=1),
        key_customer=False,
    )


def _service(uow: FakeUnitOfWork) -> tuple[CustomerService, ManualClock]:
    clock = ManualClock(START)
    return CustomerService(uow, clock), clock


def _nothing_stored(uow: FakeUnitOfWork, stored: int = 0) -> None:
    assert (uow.commits, uow.events, uow.changes, len(uow.customers.stored)) == (0, [], [], stored)


def _violated_fields(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [violation.field for violation in error.value.violations]


# ------------------------------------------------------------------------------------------------------ create


async def test_create_stores_the_customer_with_its_event_and_audit_record_in_one_commit() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)

    row = await service.create(_draft(branch="orgUnits/b2"), customer_id="c-1", identity=ADMIN)

    assert uow.customers.stored == {"c-1": row}
    assert (row.version, row.state, row.source, row.tier, row.key_customer) == (
        1,
        "ACTIVE",
        "MANUAL",
        "",
        False,
    )
    assert row.create_time == row.update_time == START
    assert uow.commits == 1 and uow.opened == ["write"]
    [(event, resource)] = uow.events
    assert resource == "customers/c-1"
    assert isinstance(event, events_pb2.CustomerCreated)
    assert (event.customer.name, event.customer.display_name, event.customer.etag) == (
        "customers/c-1",
        "张三",
        "v1",
    )
    assert event.customer.type == customer_pb2.Customer.TYPE_INDIVIDUAL
    [change] = uow.changes
    assert (change.actor, change.action, change.resource, change.before) == (
        ADMIN,
        "customers.create",
        "customers/c-1",
        {},
    )
    assert change.after["branch"] == "orgUnits/b2" and change.after["version"] == 1


async def test_a_relationship_managers_new_customer_is_theirs_in_their_org_unit() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)

    row = await service.create(_draft(), identity=RM)
    unlinked = await service.create(
        _draft(id_number=_resident_id("003")),
        identity=Identity("users/rm_wu", scope="OWN", org_unit="orgUnits/s1"),
    )

    assert (row.branch, row.relationship_manager) == ("orgUnits/s1", "staff/E001")  # the core's staff code
    assert (unlinked.branch, unlinked.relationship_manager) == ("orgUnits/s1", "users/rm_wu")
    assert len(row.id) == 32 and row.id != unlinked.id  # ids are chosen by the service
    assert uow.commits == 2


async def test_a_branch_manager_creates_below_their_branch_but_not_beside_it() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)

    below = await service.create(_draft(branch="orgUnits/s1"), identity=BRANCH_MANAGER)
    defaulted = await service.create(_draft(id_number=_resident_id("004")), identity=BRANCH_MANAGER)
    assert (below.branch, defaulted.branch) == ("orgUnits/s1", "orgUnits/b1")
    events_before = list(uow.events)

    with pytest.raises(InvalidArgument) as refused:
        await service.create(
            _draft(branch="orgUnits/b2", relationship_manager="staff/E009"), identity=BRANCH_MANAGER
        )

    assert _violated_fields(refused) == ["customer.branch", "customer.relationship_manager"]
    assert "数据范围" in refused.value.message
    assert len(uow.customers.stored) == 2 and uow.events == events_before and len(uow.changes) == 2


async def test_only_bank_wide_callers_choose_the_id() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(InvalidArgument) as refused:
        await service.create(_draft(), customer_id="mine", identity=RM)

    assert _violated_fields(refused) == ["customer_id"]
    _nothing_stored(uow)


async def test_an_invalid_draft_is_refused_before_any_unit_of_work_opens() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(InvalidArgument) as refused:
        await service.create(_draft(type="SOMETHING", display_name="", phone="12"), customer_id="Bad_Id")

    assert _violated_fields(refused) == [
        "customer_id",
        "customer.type",
        "customer.display_name",
        "customer.phone",
    ]
    assert uow.opened == []
    _nothing_stored(uow)


async def test_a_taken_id_is_already_exists_and_nothing_is_stored() -> None:
    taken = _stored("c-1", branch="orgUnits/b2")
    uow = FakeUnitOfWork([taken], org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(AlreadyExists):
        await service.create(_draft(display_name="另一个"), customer_id="c-1")

    assert uow.customers.stored == {"c-1": taken} and taken.display_name == "王五"
    _nothing_stored(uow, stored=1)


async def test_a_repeated_request_id_answers_the_first_customer_without_a_second_change() -> None:
    uow = FakeUnitOfWork(org_units=ORG_TREE)
    service, _ = _service(uow)
    first = await service.create(_draft(), request_id="req-1", identity=RM)

    again = await service.create(_draft(display_name="李四"), request_id="req-1", identity=RM)

    assert again is first and first.display_name == "张三"
    assert (uow.commits, len(uow.events), len(uow.changes), len(uow.customers.stored)) == (1, 1, 1, 1)


async def test_a_request_id_used_outside_the_callers_scope_is_not_revealed() -> None:
    elsewhere = _stored("c-9", branch="orgUnits/b2")
    elsewhere.request_id = "req-1"
    uow = FakeUnitOfWork([elsewhere], org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(InvalidArgument) as refused:
        await service.create(_draft(), request_id="req-1", identity=BRANCH_MANAGER)

    assert _violated_fields(refused) == ["request_id"]
    _nothing_stored(uow, stored=1)


async def test_a_failed_commit_stores_neither_customer_nor_event_nor_audit_record() -> None:
    class BrokenCommit(FakeUnitOfWork):
        async def _commit(self) -> None:
            raise ConnectionError("database went away")

    uow = BrokenCommit(org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(ConnectionError):
        await service.create(_draft(), identity=RM)

    _nothing_stored(uow)


# --------------------------------------------------------------------------------------------------------- get


async def test_get_answers_customers_in_scope_and_not_found_for_the_others() -> None:
    mine = _stored("c-1", branch="orgUnits/s1")
    other = _stored("c-2", branch="orgUnits/b2")
    uow = FakeUnitOfWork([mine, other], org_units=ORG_TREE)
    service, _ = _service(uow)

    assert await service.get("customers/c-1", BRANCH_MANAGER) is mine
    assert await service.get("customers/c-2", ADMIN) is other
    with pytest.raises(NotFound) as hidden:
        await service.get("customers/c-2", BRANCH_MANAGER)
    with pytest.raises(NotFound) as missing:
        await service.get("customers/c-3", BRANCH_MANAGER)

    # outside the scope reads exactly like missing (its existence is not leaked)
    assert hidden.value.message.replace("c-2", "c-3") == missing.value.message
    assert hidden.value.metadata == {"name": "customers/c-2"}
    assert uow.opened == ["read"] * 4 and uow.commits == 0


@pytest.mark.parametrize("name", ["c-1", "customers/", "customers/c-1/contacts", "accounts/c-1"])
async def test_get_refuses_a_malformed_name(name: str) -> None:
    uow = FakeUnitOfWork([_stored("c-1", branch="orgUnits/s1")])
    service, _ = _service(uow)

    with pytest.raises(InvalidArgument) as refused:
        await service.get(name)

    assert _violated_fields(refused) == ["name"] and uow.opened == []


# ------------------------------------------------------------------------------------------------------ update


async def test_update_writes_the_masked_fields_bumps_the_etag_and_records_the_change() -> None:
    row = _stored("c-1", branch="orgUnits/s1", manager="staff/E001", version=3)
    uow = FakeUnitOfWork([row], org_units=ORG_TREE)
    service, clock = _service(uow)
    clock.advance(timedelta(hours=1))

    updated = await service.update(
        _draft(display_name="王五六", phone="13800138000", branch="ignored"),
        name="customers/c-1",
        etag="v3",
        paths=["display_name", "phone"],
        identity=RM,
    )

    assert updated is row
    assert (row.display_name, row.phone, row.branch, row.version) == (
        "王五六",
        "13800138000",
        "orgUnits/s1",
        4,
    )
    assert row.update_time == START + timedelta(hours=1)
    [(event, resource)] = uow.events
    assert isinstance(event, events_pb2.CustomerUpdated) and resource == "customers/c-1"
    assert list(event.update_mask.paths) == ["display_name", "phone"]
    assert (event.customer.display_name, event.customer.etag) == ("王五六", "v4")
    [change] = uow.changes
    assert (change.actor, change.action, change.resource) == (RM, "customers.update", "customers/c-1")
    assert set(change.before) == set(change.after) == {"display_name", "phone", "version", "update_time"}
    assert (change.before["display_name"], change.after["display_name"]) == ("王五", "王五六")
    assert (change.before["version"], change.after["version"]) == (3, 4)


@pytest.mark.parametrize(
    ("identity", "fields", "etag", "error", "details"),
    [
        pytest.param(ADMIN, {"display_name": "新名"}, "v2", Aborted, {"current_etag": "v3"}, id="stale etag"),
        pytest.param(
            RM, {"display_name": "新名"}, "v3", NotFound, {"name": "customers/c-1"}, id="outside the scope"
        ),
        pytest.param(
            BRANCH_MANAGER,
            {"branch": "orgUnits/b2"},
            "",
            InvalidArgument,
            ["customer.branch", "customer.relationship_manager"],
            id="moved out of the scope",
        ),
        pytest.param(
            None, {"display_name": ""}, "v3", InvalidArgument, ["customer.display_name"], id="invalid"
        ),
    ],
)
async def test_a_refused_update_changes_and_records_nothing(
    identity: Identity | None, fields: dict[str, str], etag: str, error: type[Exception], details: object
) -> None:
    row = _stored("c-1", branch="orgUnits/s1", version=3)  # no relationship manager: not the RM's own
    uow = FakeUnitOfWork([row], org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(error) as refused:
        await service.update(
            _draft(**fields), name="customers/c-1", etag=etag, paths=list(fields), identity=identity
        )

    found = refused.value
    assert (_violated_fields(refused) if isinstance(found, InvalidArgument) else found.metadata) == details
    assert (row.display_name, row.branch, row.version, row.update_time) == (
        "王五",
        "orgUnits/s1",
        3,
        START - timedelta(days=1),
    )
    _nothing_stored(uow, stored=1)


async def test_update_checks_the_mask_and_the_name_before_reading_anything() -> None:
    uow = FakeUnitOfWork([_stored("c-1", branch="orgUnits/s1", version=1)], org_units=ORG_TREE)
    service, _ = _service(uow)

    with pytest.raises(InvalidArgument) as bad_mask:
        await service.update(_draft(), name="customers/c-1", etag="v1", paths=["tier", "display_name"])
    with pytest.raises(InvalidArgument) as bad_name:
        await service.update(_draft(), name="c-1", etag="v1", paths=["display_name"])

    assert _violated_fields(bad_mask) == ["update_mask"]  # tier is the scan's, not the caller's
    assert _violated_fields(bad_name) == ["customer.name"]
    assert uow.opened == []
    _nothing_stored(uow, stored=1)


# ------------------------------------------------------------------------------------------------------ delete


async def test_delete_removes_the_customer_on_commit_with_its_event_and_audit_record() -> None:
    row = _stored("c-1", branch="orgUnits/s1", version=2)
    kept = _stored("c-2", branch="orgUnits/s1")
    uow = FakeUnitOfWork([row, kept], org_units=ORG_TREE)

    await LifecycleService(uow).delete(BRANCH_MANAGER, "customers/c-1", etag="v2")

    assert list(uow.customers.stored) == ["c-2"] and uow.commits == 1
    [(event, resource)] = uow.events
    assert isinstance(event, events_pb2.CustomerDeleted)
    assert (event.customer, resource) == ("customers/c-1", "customers/c-1")
    [change] = uow.changes
    assert (change.actor, change.action, change.resource, change.after) == (
        BRANCH_MANAGER,
        "customers.delete",
        "customers/c-1",
        {},
    )
    assert (change.before["display_name"], change.before["version"]) == ("王五", 2)
    with pytest.raises(NotFound):  # gone for everyone
        await CustomerService(uow, ManualClock(START)).get("customers/c-1")


async def test_delete_refuses_scanned_customers_stale_etags_group_members_and_other_scopes() -> None:
    scanned = _stored("c-scan", branch="orgUnits/s1")
    scanned.source = "CORE_BANKING"
    member = _stored("c-member", branch="orgUnits/s1")
    stale = _stored("c-stale", branch="orgUnits/s1", version=5)
    elsewhere = _stored("c-b2", branch="orgUnits/b2")
    uow = FakeUnitOfWork([scanned, member, stale, elsewhere], org_units=ORG_TREE, groups={"c-member": "g-7"})
    lifecycle = LifecycleService(uow)

    with pytest.raises(FailedPrecondition) as from_source:
        await lifecycle.delete(BRANCH_MANAGER, "customers/c-scan", etag="")
    with pytest.raises(FailedPrecondition) as in_group:
        await lifecycle.delete(BRANCH_MANAGER, "customers/c-member", etag="v3")
    with pytest.raises(Aborted) as aborted:
        await lifecycle.delete(BRANCH_MANAGER, "customers/c-stale", etag="v4")
    with pytest.raises(NotFound):
        await lifecycle.delete(BRANCH_MANAGER, "customers/c-b2", etag="")

    assert (from_source.value.reason, from_source.value.metadata) == (
        "CUSTOMER_FROM_SOURCE",
        {"name": "customers/c-scan"},
    )
    assert (in_group.value.reason, in_group.value.metadata) == (
        "CUSTOMER_IN_GROUP",
        {"group": "customerGroups/g-7"},
    )
    assert aborted.value.metadata == {"current_etag": "v5"}
    _nothing_stored(uow, stored=4)


# ---------------------------------------------------------------------------------------------------- contacts


def _contact(
    contact_id: str, customer_id: str = "c-1", *, origin: str = "MANUAL", primary: bool = False
) -> ContactRow:
    return ContactRow(
        id=contact_id,
        customer_id=customer_id,
        **vars(ContactDraft(display_name="李强", title="财务负责人", primary=primary)),
        origin=origin,
        version=2,
        create_time=START - timedelta(days=10),
        update_time=START - timedelta(days=10),
    )


def _with_contacts(*contacts: ContactRow) -> tuple[FakeUnitOfWork, ContactService]:
    customers = [
        _stored("c-1", branch="orgUnits/s1", manager="staff/E042"),
        _stored("c-2", branch="orgUnits/b2"),
    ]
    uow = FakeUnitOfWork(customers, contacts=contacts, org_units=ORG_TREE)
    return uow, ContactService(uow, ManualClock(START))


async def test_a_new_primary_contact_takes_over_from_staffs_but_not_from_the_scans() -> None:
    manual, scanned = _contact("k-1", primary=True), _contact("k-2", origin="SCAN", primary=True)
    uow, contacts = _with_contacts(manual, scanned)

    row = await contacts.create(
        BRANCH_MANAGER, "customers/c-1", ContactDraft(display_name="赵六", primary=True), request_id="r-1"
    )
    again = await contacts.create(
        BRANCH_MANAGER, "customers/c-1", ContactDraft(display_name="赵六"), request_id="r-1"
    )

    assert again is row and uow.contacts.stored[row.id] is row and uow.commits == 1
    assert (row.customer_id, row.origin, row.version, row.create_time) == ("c-1", "MANUAL", 1, START)
    assert (manual.primary, scanned.primary, row.primary) == (False, True, True)
    [change] = uow.changes
    assert (change.action, change.resource) == ("contacts.create", f"customers/c-1/contacts/{row.id}")
    assert (change.before, change.after["display_name"]) == ({}, "赵六")
    assert uow.events == []  # contacts publish no events


async def test_contacts_of_a_customer_outside_the_scope_are_not_found() -> None:
    uow, contacts = _with_contacts(_contact("k-9", customer_id="c-2"))

    with pytest.raises(NotFound) as on_create:
        await contacts.create(BRANCH_MANAGER, "customers/c-2", ContactDraft(display_name="赵六"))
    with pytest.raises(NotFound) as on_get:
        await contacts.get(BRANCH_MANAGER, "customers/c-2/contacts/k-9")
    with pytest.raises(NotFound) as under_another_customer:
        await contacts.get(BRANCH_MANAGER, "customers/c-1/contacts/k-9")

    assert on_create.value.metadata == on_get.value.metadata == {"name": "customers/c-2"}
    assert under_another_customer.value.metadata == {"name": "customers/c-1/contacts/k-9"}
    assert list(uow.contacts.stored) == ["k-9"] and uow.opened == ["write", "read", "read"]
    _nothing_stored(uow, stored=2)


async def test_a_contact_update_bumps_its_etag_and_keeps_one_primary() -> None:
    first, second = _contact("k-1", primary=True), _contact("k-2")
    uow, contacts = _with_contacts(first, second)

    row = await contacts.update(
        RM_OF_C1,
        "customers/c-1/contacts/k-2",
        ContactDraft(display_name="李强", phone="13800138000", primary=True),
        etag="v2",
        paths=["phone", "primary"],
    )

    assert row is second and (second.phone, second.primary, second.version) == ("13800138000", True, 3)
    assert (first.primary, first.version) == (False, 2)
    [change] = uow.changes
    assert set(change.after) == {"phone", "primary", "version", "update_time"}
    assert (change.before["phone"], change.after["phone"]) == ("", "13800138000")


async def test_scanned_contacts_are_read_only_and_stale_etags_aborted() -> None:
    scanned, manual = _contact("k-1", origin="SCAN"), _contact("k-2")
    uow, contacts = _with_contacts(scanned, manual)
    renamed = ContactDraft(display_name="改名")

    with pytest.raises(FailedPrecondition) as read_only:
        await contacts.update(ADMIN, "customers/c-1/contacts/k-1", renamed, etag="", paths=["display_name"])
    with pytest.raises(FailedPrecondition):
        await contacts.delete(ADMIN, "customers/c-1/contacts/k-1", etag="")
    with pytest.raises(Aborted) as stale:
        await contacts.delete(ADMIN, "customers/c-1/contacts/k-2", etag="v1")
    with pytest.raises(InvalidArgument) as invalid:
        await contacts.update(
            ADMIN, "customers/c-1/contacts/k-2", ContactDraft(), etag="v2", paths=["display_name"]
        )

    assert read_only.value.reason == "CONTACT_READ_ONLY"
    assert stale.value.metadata == {"current_etag": "v2"}
    assert _violated_fields(invalid) == ["contact.display_name"]
    assert (scanned.display_name, manual.display_name) == ("李强", "李强")
    assert set(uow.contacts.stored) == {"k-1", "k-2"}
    _nothing_stored(uow, stored=2)


async def test_deleting_a_contact_removes_it_on_commit_with_an_audit_record() -> None:
    uow, contacts = _with_contacts(_contact("k-1"), _contact("k-2"))

    await contacts.delete(BRANCH_MANAGER, "customers/c-1/contacts/k-1", etag="v2")

    assert list(uow.contacts.stored) == ["k-2"] and uow.commits == 1
    [change] = uow.changes
    assert (change.action, change.resource, change.after) == (
        "contacts.delete",
        "customers/c-1/contacts/k-1",
        {},
    )
    assert change.before["display_name"] == "李强"
    with pytest.raises(NotFound):
        await contacts.get(BRANCH_MANAGER, "customers/c-1/contacts/k-1")
