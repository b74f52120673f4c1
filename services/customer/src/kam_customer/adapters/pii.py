"""One masking rule per kind of personal data, applied wherever that data appears in a response.

:data:`FIELDS` names every response field that can hold a person's name, an ID number, a phone, an e-mail, an
address, a birth date or an account number, with its kind; :func:`mask` walks a message (and every message
inside it) and replaces each such value by what a caller without ``customers.pii.read`` may see. Converters build
the full message and call :func:`mask` when the caller sees masked data, so a field cannot be masked in one
response and shown in another. Every other string field of a customer-service response is listed in
:data:`NOT_PERSONAL` with the reason; a test walks the response messages of every method and fails on a field
in neither list.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from kam_customer.domain import customers as domain

PERSON_NAME = "PERSON_NAME"  # a person's name: 张三丰 → 张**
CUSTOMER_NAME = "CUSTOMER_NAME"  # a customer's name: masked for individuals; corporate names are public
ID_NUMBER = "ID_NUMBER"  # 身份证号 / 统一社会信用代码: first 4 and last 4 shown
PHONE = "PHONE"  # first 3 and last 4 shown
EMAIL = "EMAIL"  # first letter and the domain shown
ADDRESS = "ADDRESS"  # the first six characters (province/city/district) shown
ACCOUNT_NUMBER = "ACCOUNT_NUMBER"  # first 4 and last 4 shown
BIRTH_DATE = "BIRTH_DATE"  # removed
MATCHED_VALUE = "MATCHED_VALUE"  # a search match: masked by the kind of value it matched
QUERY = "QUERY"  # a search query kept in the audit trail: masked like the value it looks for

_C = "kam.customer.v1."
FIELDS: dict[str, str] = {
    f"{_C}Customer.display_name": CUSTOMER_NAME,
    f"{_C}Customer.id_number": ID_NUMBER,
    f"{_C}Customer.phone": PHONE,
    f"{_C}Customer.email": EMAIL,
    f"{_C}Customer.address": ADDRESS,
    f"{_C}Customer.legal_representative": PERSON_NAME,
    f"{_C}Customer.birth_date": BIRTH_DATE,
    f"{_C}Contact.display_name": PERSON_NAME,
    f"{_C}Contact.id_number": ID_NUMBER,
    f"{_C}Contact.phone": PHONE,
    f"{_C}Contact.email": EMAIL,
    f"{_C}Contact.birth_date": BIRTH_DATE,
    f"{_C}Account.account_number": ACCOUNT_NUMBER,
    f"{_C}Transaction.counterparty": PERSON_NAME,
    f"{_C}KeyDate.customer_display_name": CUSTOMER_NAME,
    f"{_C}KeyDate.contact_display_name": PERSON_NAME,
    f"{_C}CustomerSearchResult.matched_value": MATCHED_VALUE,
    f"{_C}AccessRecord.search_query": QUERY,
}

#: String fields of customer-service responses that hold no personal data of a customer, and why.
NOT_PERSONAL: dict[str, str] = {
    **dict.fromkeys(
        (
            f"{_C}{m}.name"
            for m in (
                "Customer",
                "Account",
                "Transaction",
                "Contact",
                "Interaction",
                "CustomerGroup",
                "CreditStanding",
                "CorporateStructure",
                "Tier",
                "TierRuleSet",
                "TierAssignment",
                "CustomerTier",
                "TierOverride",
                "ScanJob",
                "AccessRecord",
            )
        ),
        "resource name (ids, not personal data; an account is named by a keyed hash)",
    ),
    **dict.fromkeys(
        (
            f"{_C}{m}.next_page_token"
            for m in (
                "ListCustomersResponse",
                "SearchCustomersResponse",
                "ListAccountsResponse",
                "ListTransactionsResponse",
                "ListContactsResponse",
                "ListInteractionsResponse",
                "ListCustomerGroupsResponse",
                "ListTierRuleSetsResponse",
                "ListTierAssignmentsResponse",
                "ListScanJobsResponse",
                "ListAccessRecordsResponse",
                "ListKeyDatesResponse",
            )
        ),
        "opaque signed cursor",
    ),
    **dict.fromkeys(
        (f"{_C}{m}.etag" for m in ("Customer", "Contact", "CustomerGroup", "Tier", "TierRuleSet")),
        "version tag",
    ),
    **dict.fromkeys(
        (f"{_C}Customer.{f}" for f in ("branch", "relationship_manager", "tier", "industry", "source_id")),
        "bank data about the relationship (org unit, staff, tier, industry code, core-banking number)",
    ),
    **dict.fromkeys(
        (f"{_C}Customer.{f}" for f in ("branch_display_name", "relationship_manager_display_name")),
        "names of the bank's own branch and staff member",
    ),
    **dict.fromkeys(
        (f"{_C}Account.{f}" for f in ("product", "product_display_name", "branch", "repayment_state")),
        "the bank's product and branch, the repayment state",
    ),
    **dict.fromkeys(
        (f"{_C}KeyDate.{f}" for f in ("customer", "account", "contact", "tier", "relationship_manager")),
        "resource names of the customer, its account or contact, tier and relationship manager (staff)",
    ),
    **dict.fromkeys(
        (f"{_C}CustomerSummary.{f}" for f in ("group", "display_name")),
        "a relationship manager (staff) or org unit of the bank, and its name",
    ),
    f"{_C}KeyDate.contact_title": "the contact's role (法定代表人, 配偶 …)",
    f"{_C}Transaction.summary": "the core system's posting text (摘要), e.g. 工资 or 转账",
    **dict.fromkeys(
        (f"{_C}Contact.{f}" for f in ("title", "notes")),
        "the contact's role (法定代表人 …) and staff notes about the relationship",
    ),
    **dict.fromkeys(
        (f"{_C}Interaction.{f}" for f in ("summary", "details", "author", "contact", "related_resource")),
        "staff's record of their work with the customer (author: a staff member; contact: a name)",
    ),
    **dict.fromkeys(
        (f"{_C}CustomerGroup.{f}" for f in ("display_name", "relationship_manager")),
        "the group's name and its relationship manager (staff)",
    ),
    **dict.fromkeys(
        (f"{_C}GroupMember.{f}" for f in ("customer", "parent_customer", "shareholding_percent")),
        "group structure: resource names and shareholdings",
    ),
    f"{_C}GroupMember.display_name": "a group company's registered name (members are corporates; an individual "
    "shareholder's name is always masked by the service)",
    **dict.fromkeys(
        (f"{_C}CreditStanding.{f}" for f in ("rating", "factors")), "the bank's credit assessment"
    ),
    f"{_C}CorporateStructure.group_root": "resource name",
    **dict.fromkeys((f"{_C}Tier.{f}" for f in ("display_name", "description")), "tier catalogue"),
    **dict.fromkeys(
        (
            f"{_C}{f}"
            for f in (
                "TierRuleSet.display_name",
                "TierRuleSet.creator",
                "TierRule.tier",
                "TierRule.description",
                "TierRule.tier_display_name",
                "TierRule.tier_display_name_en",
                "MetricCondition.value",
                "TierCondition.value",
                "TierTransition.from_tier",
                "TierTransition.to_tier",
                "TransitionSample.from_tier",
                "TransitionSample.to_tier",
                "TransitionSample.customers",
                "TierCount.tier",
                "TierCount.display_name",
                "TierAssignment.tier",
                "TierAssignment.previous_tier",
                "TierAssignment.rule_set",
                "MetricValue.value",
                "TierAssignment.explanation",
                "TierAssignment.scan",
                "TierAssignment.matched_condition",
                "TierAssignment.actor",
                "CustomerTier.tier",
                "CustomerTier.tier_display_name",
                "CustomerTier.graded_tier",
                "CustomerTier.verdict_tier",
                "TierOverride.tier",
                "TierOverride.reason",
                "TierOverride.creator",
            )
        ),
        "tier rules and decisions: tiers, metric figures, staff who decided",
    ),
    **dict.fromkeys(
        (
            f"{_C}ScanJob.{f}"
            for f in ("start_watermark", "end_watermark", "error_message", "creator", "phase", "mapping")
        ),
        "scan job state (watermarks are no longer filled; the mapping is a file name)",
    ),
    **dict.fromkeys(
        (f"{_C}ScanIssue.{f}" for f in ("entity", "field", "problem")), "what a bad source row lacked"
    ),
    f"{_C}ScanIssue.examples": "source row keys; values of personal-data fields are always masked by the service",
    **dict.fromkeys(
        (f"{_C}{m}.errors" for m in ("StreamTransactionsResponse", "IngestTransactionsResponse")),
        "why pushed transactions were rejected (references and field names)",
    ),
    **dict.fromkeys(
        (
            f"{_C}AccessRecord.{f}"
            for f in (
                "actor",
                "actor_display_name",
                "actor_roles",
                "actor_org_unit",
                "method",
                "customers",
                "request_id",
                "trace_id",
            )
        ),
        "who (a staff member or system) looked at what, when",
    ),
    f"{_C}AccessRecord.reason": "why staff showed personal data, as they typed it (the trail is compliance's only)",
}

_DIGITS = re.compile(r"\d")
_MASKERS: dict[str, Callable[[str], str]] = {
    PERSON_NAME: domain.mask_name,
    ID_NUMBER: domain.mask_id_number,
    PHONE: domain.mask_phone,
    EMAIL: domain.mask_email,
    ADDRESS: domain.mask_address,
    ACCOUNT_NUMBER: domain.mask_id_number,  # same shape: first 4 and last 4
}


def render(message: Message, masked: bool) -> Message:
    """A response message as the call's view wants it: all personal data masked when ``masked``; otherwise — the
    caller may see it — all of it, or only the names with ``PII_VIEW_BASIC``."""
    if masked:
        return mask(message)
    if basic_view():
        return mask(message, NAMES)
    return message


def mask_account_number(value: str) -> str:
    """``6222020200001234`` → ``6222********1234``."""
    return _MASKERS[ACCOUNT_NUMBER](value)


def mask_query(value: str) -> str:
    """A search query as a masked reader sees it: numbers as ID numbers (first 4 and last 4), names as names."""
    if len(_DIGITS.findall(value)) >= 4:
        return domain.mask_id_number(value)
    return domain.mask_name(value)


def mask_match(kind: str, value: str, customer_type: str) -> str:
    """What a masked caller sees of a search match of ``kind`` (the search index's N/P/I/D/C/M/A codes)."""
    if kind in ("N", "P", "I"):
        return domain.mask_name(value) if customer_type == domain.INDIVIDUAL else value
    if kind == "M":
        return domain.mask_phone(value)
    if kind == "A":
        return mask_account_number(value)
    return domain.mask_id_number(value)


def _masked_value(kind: str, value: str, owner: Message) -> str:
    if not value:
        return value
    if kind == CUSTOMER_NAME:
        # A Customer's own ``type``, or the ``customer_type`` a message about a customer carries (KeyDate).
        fields = owner.DESCRIPTOR.fields_by_name
        field = fields.get("type") or fields["customer_type"]
        individual = getattr(owner, field.name) == field.enum_type.values_by_name["TYPE_INDIVIDUAL"].number
        return domain.mask_name(value) if individual else value
    if kind == QUERY:
        return mask_query(value)
    return _MASKERS[kind](value)


#: What the basic view (``PII_VIEW_BASIC``) leaves unmasked for a caller who may see personal data: names.
NAMES = frozenset({CUSTOMER_NAME, PERSON_NAME})
PII_VIEW_BASIC = 3  # kam.customer.v1.PiiView
#: The view the current call asked for (set with the call's disclosures, service_layer/audit.collecting).
_view: contextvars.ContextVar[int] = contextvars.ContextVar("kam_pii_view", default=0)


def use_view(view: int) -> contextvars.Token[int]:
    return _view.set(view)


def reset_view(token: contextvars.Token[int]) -> None:
    _view.reset(token)


def basic_view() -> bool:
    """Whether the current call asked for names only (``PII_VIEW_BASIC``)."""
    return _view.get() == PII_VIEW_BASIC


def mask(message: Message, keep: frozenset[str] = frozenset()) -> Message:
    """Mask every personal-data field of ``message`` and the messages inside it (in place; returned for
    chaining), but those of the kinds in ``keep``, and set ``masked`` where the message has that field."""
    for field, kind in _plan(message.DESCRIPTOR):
        if kind in keep:
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if kind == BIRTH_DATE:
                message.ClearField(field.name)
            elif field.is_repeated:
                for item in getattr(message, field.name):
                    mask(item, keep)
            elif message.HasField(field.name):
                mask(getattr(message, field.name), keep)
        elif field.is_repeated:
            value = getattr(message, field.name)
            value[:] = [_masked_value(kind, item, message) for item in value]
        elif value := getattr(message, field.name):  # an unset field stays unset
            setattr(message, field.name, _masked_value(kind, value, message))
    if "masked" in message.DESCRIPTOR.fields_by_name:
        message.masked = True  # type: ignore[attr-defined]
    return message


#: Per message type, the fields :func:`mask` touches (measured: walking every set field of every message, the
#: timestamps included, was a third of rendering a page of customers).
_PLANS: dict[str, tuple[tuple[FieldDescriptor, str | None], ...]] = {}
_HOLDS: dict[str, bool] = {}


def _plan(descriptor) -> tuple[tuple[FieldDescriptor, str | None], ...]:
    """The fields of a message type holding personal data: its personal-data strings (not search matches, which
    the search masks), its birth dates, and the messages (not map entries) that hold any."""
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        plan = _PLANS[descriptor.full_name] = tuple(
            (field, FIELDS.get(field.full_name)) for field in descriptor.fields if _touched(field)
        )
    return plan


def _touched(field: FieldDescriptor, path: frozenset[str] = frozenset()) -> bool:
    """A personal-data string (not a search match, which the search masks), a birth date, or a message (not a map
    entry) holding any."""
    kind = FIELDS.get(field.full_name)
    if field.type != FieldDescriptor.TYPE_MESSAGE:
        return kind is not None and kind != MATCHED_VALUE and field.type == FieldDescriptor.TYPE_STRING
    if kind == BIRTH_DATE:
        return True
    return not field.message_type.GetOptions().map_entry and _holds(field.message_type, path)


def _holds(descriptor, path: frozenset[str] = frozenset()) -> bool:
    """Whether a message type holds personal data, itself or in the messages inside it. A type met again on the
    way down counts as holding nothing there (its fields are looked at where it was first met), so only an answer
    reached from the top of the walk, or a yes, is kept."""
    known = _HOLDS.get(descriptor.full_name)
    if known is not None:
        return known
    if descriptor.full_name in path:
        return False
    inner = path | {descriptor.full_name}
    holds = any(_touched(field, inner) for field in descriptor.fields)
    if holds or not path:
        _HOLDS[descriptor.full_name] = holds
    return holds
