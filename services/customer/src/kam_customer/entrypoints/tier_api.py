"""TierService: the tiering part's gRPC API (thin: parse, call the service layer, render)."""

from __future__ import annotations

from kam.customer.v1 import customer_pb2, tier_pb2
from kam.customer.v1 import tier_service_pb2 as pb
from kam.customer.v1 import tier_service_pb2_grpc as pb_grpc
from kam_kit import pagination, protoconv
from kam_kit.errors import FieldViolation, InvalidArgument
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import update_paths
from kam_kit.timeconv import aware

from kam_customer.tiering.catalogue import WRITABLE as TIER_FIELDS
from kam_customer.tiering.catalogue import TierCatalogue, TierDraft
from kam_customer.tiering.protomap import (
    STATE_TO_PROTO,
    TYPE_FROM_PROTO,
    assignment_to_proto,
    document_from_proto,
    override_to_proto,
    proto_field_path,
    rule_set_to_proto,
    state_assignment,
    tier_to_proto,
)
from kam_customer.tiering.service import TieringService


def _name_id(name: str, collection: str, field_path: str = "name") -> str:
    prefix = f"{collection}/"
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    if not rest or "/" in rest:
        raise InvalidArgument.for_field(field_path, f"应为 {collection}/{{id}} (must be {collection}/{{id}})")
    return rest


def _customer_id(name: str, field_path: str) -> str:
    return _name_id(name, "customers", field_path)


def _in_request_terms(error: InvalidArgument) -> InvalidArgument:
    violations = [FieldViolation(proto_field_path(v.field), v.description) for v in error.violations]
    return InvalidArgument(error.message, violations=violations)


def _caller() -> str:
    identity = current_identity()
    return identity.subject if identity is not None else ""


def _state_filter(value: str) -> str:
    for state, proto in STATE_TO_PROTO.items():
        if tier_pb2.TierRuleSet.State.Name(proto) == value:
            return state
    raise ValueError("应为 STATE_DRAFT、STATE_ACTIVE 或 STATE_ARCHIVED")


def _type_filter(value: str) -> str:
    for proto, name in TYPE_FROM_PROTO.items():
        if customer_pb2.Customer.Type.Name(proto) == value:
            return name
    raise ValueError("应为 TYPE_INDIVIDUAL 或 TYPE_CORPORATE")


LIST_FILTERS = {"state": _state_filter, "customer_type": _type_filter}


def _tier_draft(message: tier_pb2.Tier) -> TierDraft:
    return TierDraft(
        display_name=message.display_name.strip(), rank=message.rank, description=message.description.strip()
    )


def _label(tier: str, catalogue: dict[str, str], rule_set) -> str:
    """A tier's display name: the catalogue's, else the rule set's (a tier not yet in the catalogue)."""
    tier_def = rule_set.tier(tier)
    return catalogue.get(tier) or (tier_def.label if tier_def else "")


class TierServicer(pb_grpc.TierServiceServicer):
    def __init__(self, service: TieringService, page_secret: bytes) -> None:
        self.service = service
        self.page_secret = page_secret
        self.catalogue = TierCatalogue(service.db, service.clock)

    # --- the tier catalogue (writes: the rule-set editors) ----------------------------------------------------

    async def CreateTier(self, request, context):
        view = await self.catalogue.create(
            request.tier_id.strip(), _tier_draft(request.tier), current_identity()
        )
        return pb.CreateTierResponse(tier=tier_to_proto(view.row, view.customer_count))

    async def GetTier(self, request, context):
        view = await self.catalogue.get(_name_id(request.name, "tiers"), current_identity())
        return pb.GetTierResponse(tier=tier_to_proto(view.row, view.customer_count))

    async def ListTiers(self, request, context):
        views = await self.catalogue.list(current_identity())
        return pb.ListTiersResponse(tiers=[tier_to_proto(v.row, v.customer_count) for v in views])

    async def UpdateTier(self, request, context):
        message = request.tier
        paths = update_paths(list(request.update_mask.paths), message, TIER_FIELDS)
        view = await self.catalogue.update(
            _name_id(message.name, "tiers", "tier.name"),
            _tier_draft(message),
            etag=message.etag,
            paths=paths,
            identity=current_identity(),
        )
        return pb.UpdateTierResponse(tier=tier_to_proto(view.row, view.customer_count))

    async def DeleteTier(self, request, context):
        await self.catalogue.delete(_name_id(request.name, "tiers"), current_identity())
        return pb.DeleteTierResponse()

    # --- rule sets --------------------------------------------------------------------------------------------

    async def CreateTierRuleSet(self, request, context):
        if not request.HasField("tier_rule_set"):
            raise InvalidArgument.for_field("tier_rule_set", "必填 (required)")
        try:
            row = await self.service.create_rule_set(
                document_from_proto(request.tier_rule_set),
                display_name=request.tier_rule_set.display_name,
                creator=_caller(),
                request_id=request.request_id,
                identity=current_identity(),
            )
        except InvalidArgument as error:
            raise _in_request_terms(error) from None
        return pb.CreateTierRuleSetResponse(tier_rule_set=rule_set_to_proto(row))

    async def GetTierRuleSet(self, request, context):
        row = await self.service.get_rule_set(_name_id(request.name, "tierRuleSets"))
        return pb.GetTierRuleSetResponse(tier_rule_set=rule_set_to_proto(row))

    async def ListTierRuleSets(self, request, context):
        size = pagination.page_size(request.page_size, default=50, maximum=200)
        filters = parse_equalities(request.filter, LIST_FILTERS)
        cursor = pagination.decode_token(request.page_token, bound_to=request.filter, secret=self.page_secret)
        offset = int(cursor["offset"]) if cursor else 0
        rows, total = await self.service.list_rule_sets(
            state=filters.get("state"), customer_type=filters.get("customer_type"), offset=offset, limit=size
        )
        token = ""
        if offset + len(rows) < total:
            token = pagination.encode_token(
                {"offset": offset + len(rows)}, bound_to=request.filter, secret=self.page_secret
            )
        return pb.ListTierRuleSetsResponse(
            tier_rule_sets=[rule_set_to_proto(r) for r in rows], next_page_token=token
        )

    async def UpdateTierRuleSet(self, request, context):
        message = request.tier_rule_set
        rule_set_id = _name_id(message.name, "tierRuleSets", "tier_rule_set.name")
        paths = set(request.update_mask.paths) or {"display_name", "rules"}
        unknown = paths - {"display_name", "rules", "downgrade_after_scans", "*"}
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask", f"不可修改的字段 (cannot update): {', '.join(sorted(unknown))}"
            )
        document = None
        if paths & {"rules", "downgrade_after_scans", "*"}:
            current = await self.service.get_rule_set(rule_set_id)
            merged = tier_pb2.TierRuleSet()
            merged.CopyFrom(rule_set_to_proto(current))
            if paths & {"rules", "*"}:
                del merged.rules[:]
                merged.rules.extend(message.rules)
            if paths & {"downgrade_after_scans", "*"}:
                merged.downgrade_after_scans = message.downgrade_after_scans
            document = document_from_proto(merged)
        try:
            row = await self.service.update_rule_set(
                rule_set_id,
                etag=message.etag,
                document=document,
                display_name=message.display_name if paths & {"display_name", "*"} else None,
                identity=current_identity(),
            )
        except InvalidArgument as error:
            raise _in_request_terms(error) from None
        return pb.UpdateTierRuleSetResponse(tier_rule_set=rule_set_to_proto(row))

    async def SimulateTierRuleSet(self, request, context):
        if request.sample_size < 0:
            raise InvalidArgument.for_field("sample_size", "不能为负数 (must not be negative)")
        try:
            if request.name and request.name != "-":
                rule_set, result = await self.service.simulate(
                    rule_set_id=_name_id(request.name, "tierRuleSets"),
                    sample_size=min(request.sample_size, 20),
                    identity=current_identity(),
                )
            elif request.HasField("tier_rule_set"):
                rule_set, result = await self.service.simulate(
                    document=document_from_proto(request.tier_rule_set),
                    sample_size=min(request.sample_size, 20),
                    identity=current_identity(),
                )
            else:
                raise InvalidArgument.for_field(
                    "name", "请指定规则名称或 tier_rule_set (name or tier_rule_set required)"
                )
        except InvalidArgument as error:
            raise _in_request_terms(error) from None
        response = pb.SimulateTierRuleSetResponse(
            evaluated_count=result.evaluated, changed_count=result.changed
        )
        for (from_tier, to_tier), count in sorted(result.matrix.items()):
            response.transitions.append(
                tier_pb2.TierTransition(from_tier=from_tier, to_tier=to_tier, customer_count=count)
            )
            if (from_tier, to_tier) in result.samples:
                response.samples.append(
                    pb.TransitionSample(
                        from_tier=from_tier,
                        to_tier=to_tier,
                        customers=[f"customers/{c}" for c in result.samples[(from_tier, to_tier)]],
                    )
                )
        labels = await self.catalogue.display_names()
        for tier, count in result.tier_counts.items():
            response.tier_counts.append(
                tier_pb2.TierCount(
                    tier=tier, display_name=_label(tier, labels, rule_set) or "未定级", customer_count=count
                )
            )
        return response

    async def ActivateTierRuleSet(self, request, context):
        row, _ = await self.service.activate(
            _name_id(request.name, "tierRuleSets"), etag=request.etag, identity=current_identity()
        )
        return pb.ActivateTierRuleSetResponse(tier_rule_set=rule_set_to_proto(row))

    # --- a customer's tier ------------------------------------------------------------------------------------

    async def ListTierAssignments(self, request, context):
        customer_id = _customer_id(request.parent, "parent")
        size = pagination.page_size(request.page_size, default=20, maximum=200)
        cursor = pagination.decode_token(request.page_token, bound_to=request.parent, secret=self.page_secret)
        rows = await self.service.history(
            current_identity(), customer_id, before=int(cursor["before"]) if cursor else None, limit=size + 1
        )
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = pagination.encode_token(
                {"before": rows[-1].seq}, bound_to=request.parent, secret=self.page_secret
            )
        return pb.ListTierAssignmentsResponse(
            tier_assignments=[assignment_to_proto(r) for r in rows], next_page_token=token
        )

    async def GetCustomerTier(self, request, context):
        parts = request.name.split("/")
        if len(parts) != 3 or parts[0] != "customers" or not parts[1] or parts[2] != "tier":
            raise InvalidArgument.for_field(
                "name", "应为 customers/{customer}/tier (must be customers/{customer}/tier)"
            )
        view = await self.service.customer_tier(current_identity(), parts[1])
        tier = view.customer.tier or ""
        message = tier_pb2.CustomerTier(
            name=request.name,
            tier=tier,
            tier_display_name=_label(tier, await self.catalogue.display_names(), view.rule_set),
            downgrade_after_scans=view.rule_set.downgrade_after_scans,
        )
        if view.state is not None:
            message.graded_tier = view.state.graded_tier
            message.verdict_tier = view.state.verdict_tier
            message.consecutive_scans_below = view.state.below_count
            message.assignment.CopyFrom(state_assignment(view.state))
        if view.override is not None and aware(view.override.expire_time) > self.service.clock.now():
            message.override.CopyFrom(override_to_proto(view.override))
        return pb.GetCustomerTierResponse(customer_tier=message)

    async def CreateTierOverride(self, request, context):
        customer_id = _customer_id(request.parent, "parent")
        override = request.tier_override
        row = await self.service.create_override(
            current_identity(),
            customer_id,
            tier=override.tier,
            reason=override.reason,
            expire_time=protoconv.timestamp_value(override.expire_time, "tier_override.expire_time")
            if override.HasField("expire_time")
            else None,
        )
        return pb.CreateTierOverrideResponse(tier_override=override_to_proto(row))

    async def DeleteTierOverride(self, request, context):
        parts = request.name.split("/")
        if (
            len(parts) != 4
            or parts[0] != "customers"
            or parts[2] != "tierOverrides"
            or not parts[1]
            or not parts[3]
        ):
            raise InvalidArgument.for_field(
                "name", "应为 customers/{customer}/tierOverrides/{tier_override} (must be that pattern)"
            )
        await self.service.delete_override(current_identity(), parts[1], parts[3])
        return pb.DeleteTierOverrideResponse()
