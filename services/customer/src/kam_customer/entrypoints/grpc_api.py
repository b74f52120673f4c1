"""The customer service's gRPC API (thin: parse, call the service layer, render)."""

from __future__ import annotations

from dataclasses import dataclass

from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from kam_kit import pagination, protoconv
from kam_kit.errors import InvalidArgument
from kam_kit.filtering import boolean, parse_equalities, timestamp
from kam_kit.grpcserver import current_identity
from sqlalchemy import func, select

from kam_customer.adapters import pii, protomap
from kam_customer.adapters.orm import AccountRow, CustomerMetricsRow, CustomerRow, TransactionRow
from kam_customer.adapters.protomap import (
    TYPE_FROM_PROTO,
    WRITABLE_FIELDS,
    customer_to_proto,
    draft_from_proto,
)
from kam_customer.domain import names
from kam_customer.entrypoints.audit_api import (
    audited,
    masked_for_caller,
    may_see_personal_data,
    sees_personal_data,
)
from kam_customer.entrypoints.groups_api import GroupsApi
from kam_customer.entrypoints.lifecycle_api import LifecycleApi
from kam_customer.ingestion.push import PushService
from kam_customer.keydates import listing as key_date_listing
from kam_customer.keydates.listing import KeyDateListing
from kam_customer.service_layer import audit, filters
from kam_customer.service_layer.accounts import AccountService
from kam_customer.service_layer.audit import AccessAudit
from kam_customer.service_layer.contacts import WRITABLE as CONTACT_FIELDS
from kam_customer.service_layer.contacts import ContactDraft, ContactService
from kam_customer.service_layer.customers import CustomerService
from kam_customer.service_layer.groups import GroupService
from kam_customer.service_layer.lifecycle import LifecycleService
from kam_customer.service_layer.listing import ContactListing, CustomerListing
from kam_customer.service_layer.searching import SearchService
from kam_customer.service_layer.standing import StandingService
from kam_customer.service_layer.summary import CustomerSummaries
from kam_customer.service_layer.timeline import InteractionDraft, TimelineService

Customer = customer_pb2.Customer


def _type_filter(value: str) -> str:
    try:
        return TYPE_FROM_PROTO[Customer.Type.Value(value)]
    except (ValueError, KeyError):
        raise ValueError("应为 TYPE_INDIVIDUAL 或 TYPE_CORPORATE") from None


#: SearchCustomers filters (equalities joined by AND; applied inside each lookup of the search index).
SEARCH_FILTERS = {
    "type": _type_filter,
    "branch": str,
    "tier": str,
    "relationship_manager": str,
    "key_customer": boolean,
}
#: ListCustomers filters (the documented AIP-160 subset: every field takes = and !=; times also <, <=, >, >=).
LIST_FILTERS = {
    "type": filters.Field(CustomerRow.type, _type_filter),
    "state": filters.Field(CustomerRow.state, filters.enum_value(protomap.CUSTOMER_STATE_FROM_PROTO)),
    "source": filters.Field(CustomerRow.source, filters.enum_value(protomap.SOURCE_FROM_PROTO)),
    "tier": filters.Field(CustomerRow.tier, str),
    "branch": filters.Field(CustomerRow.branch, str),
    "relationship_manager": filters.Field(CustomerRow.relationship_manager, str),
    "key_customer": filters.Field(CustomerRow.key_customer, boolean),
    "create_time": filters.Field(CustomerRow.create_time, timestamp, filters.ORDERING),
    "update_time": filters.Field(CustomerRow.update_time, timestamp, filters.ORDERING),
    # AUM as of the last scan (CNY yuan; 0 for a customer without metrics), as ``order_by`` reads it
    **dict.fromkeys(
        ("metrics.assets_under_management", "assets_under_management"),
        filters.Field(
            func.coalesce(
                select(CustomerMetricsRow.aum)
                .where(CustomerMetricsRow.customer_id == CustomerRow.id)
                .correlate_except(CustomerMetricsRow)  # its own metrics row, even when the page joins them
                .scalar_subquery(),
                0,
            ),
            filters.amount,
            filters.ORDERING,
        ),
    ),
}
ACCOUNT_FILTERS = {
    "type": filters.Field(AccountRow.type, filters.enum_value(protomap.ACCOUNT_TYPE_FROM_PROTO)),
    "state": filters.Field(AccountRow.state, filters.enum_value(protomap.ACCOUNT_STATE_FROM_PROTO)),
    "maturity_date": filters.Field(AccountRow.maturity_date, filters.day, filters.ORDERING),
}
TRANSACTION_FILTERS = {
    "direction": filters.Field(TransactionRow.direction, filters.enum_value(protomap.DIRECTION_FROM_PROTO)),
    "channel": filters.Field(TransactionRow.channel, filters.enum_value(protomap.CHANNEL_FROM_PROTO)),
    "post_time": filters.Field(TransactionRow.post_time, timestamp, filters.ORDERING),
    "amount": filters.Field(TransactionRow.amount, filters.amount, filters.ORDERING),
}


def _mask_paths(requested: list[str], message, writable: tuple[str, ...]) -> list[str]:
    """AIP-134: no mask → every populated writable field; ``*`` → all writable fields."""
    if not requested:
        return [
            name
            for name in writable
            if getattr(message, name) not in ("", False, None)
            and (name != "birth_date" or message.HasField("birth_date"))
        ]
    return list(writable) if requested == ["*"] else requested


@dataclass(frozen=True)
class CustomerUseCases:
    """The use cases CustomerService serves (built by bootstrap)."""

    customers: CustomerService
    listing: CustomerListing
    accounts: AccountService
    contacts: ContactService
    contact_listing: ContactListing
    timeline: TimelineService
    standing: StandingService
    searcher: SearchService
    access_audit: AccessAudit
    groups: GroupService
    lifecycle: LifecycleService
    push: PushService
    key_dates: KeyDateListing
    summaries: CustomerSummaries


@audited(pb.DESCRIPTOR.services_by_name["CustomerService"])
class CustomerServicer(LifecycleApi, GroupsApi, pb_grpc.CustomerServiceServicer):
    def __init__(self, use_cases: CustomerUseCases, page_secret: bytes) -> None:
        self.customers = use_cases.customers
        self.listing = use_cases.listing
        self.accounts = use_cases.accounts
        self.contacts = use_cases.contacts
        self.contact_listing = use_cases.contact_listing
        self.timeline = use_cases.timeline
        self.standing = use_cases.standing
        self.searcher = use_cases.searcher
        self.access_audit = use_cases.access_audit
        self.groups = use_cases.groups
        self.lifecycle = use_cases.lifecycle
        self.push = use_cases.push
        self.key_dates = use_cases.key_dates
        self.summaries = use_cases.summaries
        self.pages = pagination.OffsetPages(page_secret)

    # ------------------------------------------------------------------------------------------ customers

    async def CreateCustomer(self, request: pb.CreateCustomerRequest, context) -> pb.CreateCustomerResponse:
        if not request.HasField("customer"):
            raise InvalidArgument.for_field("customer", "必填 (required)")
        row, created = await self.customers.create_or_replay(
            draft_from_proto(request.customer),
            customer_id=request.customer_id,
            request_id=request.request_id,
            identity=current_identity(),
        )
        # A new customer is answered with what its creator sent: nobody's data is disclosed to them, and the
        # change record (customers.create, with its values, address and client) says who had it — no access record.
        # A request id used before answers with a stored customer, perhaps another caller's: that is a view.
        masked = not sees_personal_data() if created else masked_for_caller(audit.customers_shown, [row])
        return pb.CreateCustomerResponse(customer=customer_to_proto(row, masked=masked))

    async def GetCustomer(self, request: pb.GetCustomerRequest, context) -> pb.GetCustomerResponse:
        row = await self.customers.get(request.name, current_identity())
        return pb.GetCustomerResponse(customer=(await self._render([row], joined=True))[0])

    async def _render(self, rows: list, *, joined: bool = False) -> list:
        """Customers as messages, masked for the caller, with their branch's and manager's display names and
        their latest metrics (a bounded number of queries for a whole page, whatever its size). ``joined``: the
        rows hold their metrics (read with ``protomap.METRICS_JOINED``), else they are read here."""
        masked = masked_for_caller(audit.customers_shown, rows)
        names_ = await self.standing.assignments(rows)
        if joined:
            metrics, prefix = protomap.joined_metrics(rows), protomap.METRICS_PREFIX
        else:
            metrics, prefix = await self.listing.metrics([row.id for row in rows]), ""
        messages = []
        for row in rows:
            message = customer_to_proto(
                row, masked=masked, metrics=metrics.get(row.id), metrics_prefix=prefix
            )
            message.branch_display_name = names_[row.id].branch_display_name
            message.relationship_manager_display_name = names_[row.id].relationship_manager_display_name
            messages.append(message)
        return messages

    async def ListCustomers(self, request: pb.ListCustomersRequest, context) -> pb.ListCustomersResponse:
        size = pagination.page_size(request.page_size)
        conditions = filters.parse(request.filter, LIST_FILTERS)
        bound = f"{request.filter}\n{request.order_by}"
        offset = self.pages.offset(request.page_token, bound)
        rows, total = await self.listing.list(
            offset=offset,
            limit=size,
            conditions=conditions,
            order_by=request.order_by,
            identity=current_identity(),
        )
        return pb.ListCustomersResponse(
            customers=await self._render(rows, joined=True),
            next_page_token=self.pages.next(offset, len(rows), offset + len(rows) < total, bound),
            total_size=total,
        )

    async def UpdateCustomer(self, request: pb.UpdateCustomerRequest, context) -> pb.UpdateCustomerResponse:
        if not request.HasField("customer"):
            raise InvalidArgument.for_field("customer", "必填 (required)")
        paths = list(request.update_mask.paths)
        if not paths:  # AIP-134: no mask means every populated field
            paths = [name for name in WRITABLE_FIELDS if getattr(request.customer, name)]
        elif paths == ["*"]:  # full replacement of the writable fields
            paths = list(WRITABLE_FIELDS)
        row = await self.customers.update(
            draft_from_proto(request.customer),
            name=request.customer.name,
            etag=request.customer.etag,
            paths=paths,
            identity=current_identity(),
        )
        return pb.UpdateCustomerResponse(customer=(await self._render([row]))[0])

    async def SearchCustomers(
        self, request: pb.SearchCustomersRequest, context
    ) -> pb.SearchCustomersResponse:
        size = pagination.page_size(request.page_size, default=20, maximum=100)
        filters_ = parse_equalities(request.filter, SEARCH_FILTERS)
        bound = f"{request.query}\n{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        masked = not sees_personal_data()
        # what may be matched follows the permission; how the results are shown follows the view too
        page, more = await self.searcher.search(
            current_identity(),
            request.query,
            offset=offset,
            limit=size,
            filters=filters_,
            masked=not may_see_personal_data(),
        )
        if not masked:
            audit.matches_shown(page)
        audit.searched(request.query, page, masked=masked)
        customers = await self._render([row for _, row in page], joined=True)
        return pb.SearchCustomersResponse(
            results=[
                pb.CustomerSearchResult(
                    customer=customer,
                    match_field=protomap.MATCH_FIELD[hit.kind],
                    score=hit.score,
                    match_kind=protomap.MATCH_KIND[hit.mode],
                    matched_value=pii.mask_match(hit.kind, hit.term, row.type) if masked else hit.term,
                )
                for (hit, row), customer in zip(page, customers, strict=True)
            ],
            next_page_token=self.pages.next(offset, size, more, bound),
        )

    async def SummarizeCustomers(
        self, request: pb.SummarizeCustomersRequest, context
    ) -> pb.SummarizeCustomersResponse:
        found = await self.summaries.summarize(current_identity(), request.group_by)
        return pb.SummarizeCustomersResponse(
            summaries=[
                customer_pb2.CustomerSummary(
                    group=summary.group,
                    display_name=summary.display_name,
                    customer_count=summary.customers,
                    key_customer_count=summary.key_customers,
                    assets_under_management=protomap.money(summary.aum),
                )
                for summary in found
            ]
        )

    # ------------------------------------------------------------------------- accounts and transactions

    async def ListAccounts(self, request: pb.ListAccountsRequest, context) -> pb.ListAccountsResponse:
        (customer_id,) = names.parse(request.parent, ("customers",), "parent")
        size = pagination.page_size(request.page_size, maximum=500)
        bound = f"{request.parent}\n{request.filter}\n{request.order_by}"
        offset = self.pages.offset(request.page_token, bound)
        rows, total = await self.accounts.list(
            current_identity(),
            customer_id,
            conditions=filters.parse(request.filter, ACCOUNT_FILTERS),
            order_by=request.order_by,
            offset=offset,
            limit=size,
        )
        masked = masked_for_caller(audit.accounts_shown, rows)
        return pb.ListAccountsResponse(
            accounts=[
                protomap.account_to_proto(row, self.accounts.key(row.id), masked=masked) for row in rows
            ],
            next_page_token=self.pages.next(offset, len(rows), offset + len(rows) < total, bound),
            total_size=total,
        )

    async def GetAccount(self, request: pb.GetAccountRequest, context) -> pb.GetAccountResponse:
        row, history = await self.accounts.get(current_identity(), request.name)
        return pb.GetAccountResponse(
            account=protomap.account_to_proto(
                row,
                self.accounts.key(row.id),
                masked=masked_for_caller(audit.accounts_shown, [row]),
                history=history,
            )
        )

    async def ListTransactions(
        self, request: pb.ListTransactionsRequest, context
    ) -> pb.ListTransactionsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        bound = f"{request.parent}\n{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        rows = await self.accounts.transactions(
            current_identity(),
            request.parent,
            conditions=filters.parse(request.filter, TRANSACTION_FILTERS),
            offset=offset,
            limit=size + 1,
        )
        masked = masked_for_caller(audit.transactions_shown, [row for row, _ in rows[:size]])
        return pb.ListTransactionsResponse(
            transactions=[protomap.transaction_to_proto(row, key, masked=masked) for row, key in rows[:size]],
            next_page_token=self.pages.next(offset, size, len(rows) > size, bound),
        )

    async def ListKeyDates(self, request: pb.ListKeyDatesRequest, context) -> pb.ListKeyDatesResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        bound = f"{request.parent}\n{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        items = await self.key_dates.list(
            current_identity(),
            request.parent,
            conditions=filters.parse(request.filter, key_date_listing.FILTERS),
            offset=offset,
            limit=size + 1,
        )
        masked = masked_for_caller(audit.key_dates_shown, items[:size])
        names_ = self.accounts.names
        return pb.ListKeyDatesResponse(
            key_dates=[
                key_date_listing.key_date_to_proto(item, names_, masked=masked) for item in items[:size]
            ],
            next_page_token=self.pages.next(offset, size, len(items) > size, bound),
        )

    # ------------------------------------------------------------------------------------------- contacts

    @staticmethod
    def _contact_draft(message: customer_pb2.Contact, field: str = "contact") -> ContactDraft:
        return ContactDraft(
            display_name=message.display_name.strip(),
            title=message.title.strip(),
            phone=message.phone.strip(),
            email=message.email.strip(),
            id_number=message.id_number.strip().upper(),
            birth_date=protoconv.date_value(message.birth_date, f"{field}.birth_date"),
            primary=message.primary,
            notes=message.notes,
        )

    async def CreateContact(self, request: pb.CreateContactRequest, context) -> pb.CreateContactResponse:
        if not request.HasField("contact"):
            raise InvalidArgument.for_field("contact", "必填 (required)")
        row = await self.contacts.create(
            current_identity(),
            request.parent,
            self._contact_draft(request.contact),
            request_id=request.request_id,
        )
        masked = masked_for_caller(audit.contacts_shown, [row])
        return pb.CreateContactResponse(contact=protomap.contact_to_proto(row, masked=masked))

    async def GetContact(self, request: pb.GetContactRequest, context) -> pb.GetContactResponse:
        row = await self.contacts.get(current_identity(), request.name)
        masked = masked_for_caller(audit.contacts_shown, [row])
        return pb.GetContactResponse(contact=protomap.contact_to_proto(row, masked=masked))

    async def ListContacts(self, request: pb.ListContactsRequest, context) -> pb.ListContactsResponse:
        size = pagination.page_size(request.page_size, maximum=200)
        offset = self.pages.offset(request.page_token, request.parent)
        rows, total = await self.contact_listing.list(
            current_identity(), request.parent, offset=offset, limit=size
        )
        masked = masked_for_caller(audit.contacts_shown, rows)
        return pb.ListContactsResponse(
            contacts=[protomap.contact_to_proto(row, masked=masked) for row in rows],
            next_page_token=self.pages.next(offset, len(rows), offset + len(rows) < total, request.parent),
        )

    async def UpdateContact(self, request: pb.UpdateContactRequest, context) -> pb.UpdateContactResponse:
        if not request.HasField("contact"):
            raise InvalidArgument.for_field("contact", "必填 (required)")
        paths = _mask_paths(list(request.update_mask.paths), request.contact, CONTACT_FIELDS)
        row = await self.contacts.update(
            current_identity(),
            request.contact.name,
            self._contact_draft(request.contact),
            etag=request.contact.etag,
            paths=paths,
        )
        masked = masked_for_caller(audit.contacts_shown, [row])
        return pb.UpdateContactResponse(contact=protomap.contact_to_proto(row, masked=masked))

    async def DeleteContact(self, request: pb.DeleteContactRequest, context) -> pb.DeleteContactResponse:
        await self.contacts.delete(current_identity(), request.name, etag=request.etag)
        return pb.DeleteContactResponse()

    # ------------------------------------------------------------------------------------------- timeline

    async def CreateInteraction(
        self, request: pb.CreateInteractionRequest, context
    ) -> pb.CreateInteractionResponse:
        if not request.HasField("interaction"):
            raise InvalidArgument.for_field("interaction", "必填 (required)")
        message = request.interaction
        draft = InteractionDraft(
            type=protomap.INTERACTION_TYPE_FROM_PROTO.get(message.type, ""),
            summary=message.summary,
            details=message.details,
            occur_time=protoconv.timestamp_value(message.occur_time, "interaction.occur_time")
            if message.HasField("occur_time")
            else None,
            contact=message.contact,
            related_resource=message.related_resource,
        )
        row = await self.timeline.create(
            current_identity(), request.parent, draft, request_id=request.request_id
        )
        return pb.CreateInteractionResponse(interaction=protomap.interaction_to_proto(row))

    async def ListInteractions(
        self, request: pb.ListInteractionsRequest, context
    ) -> pb.ListInteractionsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        bound = f"{request.parent}\n{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        entries = await self.timeline.list(
            current_identity(), request.parent, filter_text=request.filter, offset=offset, limit=size + 1
        )
        return pb.ListInteractionsResponse(
            interactions=[protomap.interaction_to_proto(entry) for entry in entries[:size]],
            next_page_token=self.pages.next(offset, size, len(entries) > size, bound),
        )

    # ------------------------------------------------------------------- group structure, credit standing

    async def GetCorporateStructure(
        self, request: pb.GetCorporateStructureRequest, context
    ) -> pb.GetCorporateStructureResponse:
        structure = await self.standing.corporate_structure(current_identity(), request.name)
        member = customer_pb2.GroupMember
        me = f"customers/{structure.customer_id}"
        return pb.GetCorporateStructureResponse(
            corporate_structure=customer_pb2.CorporateStructure(
                name=f"{me}/corporateStructure",
                group_root=f"customers/{structure.group_root}",
                parents=[
                    member(
                        customer=f"customers/{link.customer_id}",
                        role=member.ROLE_PARENT,
                        shareholding_percent=f"{link.shareholding_percent:.2f}",
                        display_name=link.display_name,
                        restricted=link.restricted,
                    )
                    for link in structure.parents
                ],
                subsidiaries=[
                    member(
                        customer=f"customers/{link.customer_id}",
                        role=member.ROLE_SUBSIDIARY,
                        parent_customer=me,
                        shareholding_percent=f"{link.shareholding_percent:.2f}",
                        display_name=link.display_name,
                        restricted=link.restricted,
                    )
                    for link in structure.subsidiaries
                ],
            )
        )

    async def GetCreditStanding(
        self, request: pb.GetCreditStandingRequest, context
    ) -> pb.GetCreditStandingResponse:
        standing = await self.standing.credit_standing(current_identity(), request.name)
        message = customer_pb2.CreditStanding(
            name=f"customers/{standing.customer_id}/creditStanding",
            rating=standing.rating,
            score=standing.score,
            credit_limit=protomap.money(standing.credit_limit),
            credit_used=protomap.money(standing.credit_used),
            overdue_count=standing.overdue_count,
            overdue_amount=protomap.money(standing.overdue_amount),
            factors=standing.factors,
        )
        if standing.assess_time:
            message.assess_time.CopyFrom(protomap.to_timestamp(standing.assess_time))
        return pb.GetCreditStandingResponse(credit_standing=message)
