"""CustomerService methods for corporate groups (集团客户; a mixin of CustomerServicer)."""

from __future__ import annotations

from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_kit import pagination
from kam_kit.errors import InvalidArgument
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import update_paths

from kam_customer.adapters.protomap import GROUP_ROLE_FROM_PROTO
from kam_customer.domain import names
from kam_customer.service_layer.groups import WRITABLE, GroupDraft, GroupService, MemberDraft


def _member_filter(value: str) -> str:
    (customer_id,) = names.parse(value, ("customers",), "filter")
    return customer_id


GROUP_FILTERS = {"display_name": str, "relationship_manager": str, "members.customer": _member_filter}


def _draft(message: customer_pb2.CustomerGroup) -> GroupDraft:
    return GroupDraft(
        display_name=message.display_name.strip(),
        relationship_manager=message.relationship_manager.strip(),
        members=[
            MemberDraft(
                customer=m.customer.strip(),
                role=GROUP_ROLE_FROM_PROTO.get(m.role, ""),
                parent_customer=m.parent_customer.strip(),
                shareholding_percent=m.shareholding_percent,
            )
            for m in message.members
        ],
    )


class GroupsApi:
    """The CustomerGroup methods; expects ``self.groups`` and ``self.pages`` of CustomerServicer."""

    groups: GroupService
    pages: object

    async def CreateCustomerGroup(
        self, request: pb.CreateCustomerGroupRequest, context
    ) -> pb.CreateCustomerGroupResponse:
        if not request.HasField("customer_group"):
            raise InvalidArgument.for_field("customer_group", "必填 (required)")
        view = await self.groups.create(
            current_identity(), _draft(request.customer_group), request_id=request.request_id
        )
        return pb.CreateCustomerGroupResponse(customer_group=view.to_proto())

    async def GetCustomerGroup(
        self, request: pb.GetCustomerGroupRequest, context
    ) -> pb.GetCustomerGroupResponse:
        view = await self.groups.get(current_identity(), request.name)
        return pb.GetCustomerGroupResponse(customer_group=view.to_proto())

    async def ListCustomerGroups(
        self, request: pb.ListCustomerGroupsRequest, context
    ) -> pb.ListCustomerGroupsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, GROUP_FILTERS)
        offset = self.pages.offset(request.page_token, request.filter)  # type: ignore[attr-defined]
        views, total = await self.groups.list(current_identity(), filters=filters, offset=offset, limit=size)
        return pb.ListCustomerGroupsResponse(
            customer_groups=[view.to_proto() for view in views],
            next_page_token=self.pages.next(
                offset,
                len(views),
                offset + len(views) < total,  # type: ignore[attr-defined]
                request.filter,
            ),
        )

    async def UpdateCustomerGroup(
        self, request: pb.UpdateCustomerGroupRequest, context
    ) -> pb.UpdateCustomerGroupResponse:
        if not request.HasField("customer_group"):
            raise InvalidArgument.for_field("customer_group", "必填 (required)")
        message = request.customer_group
        view = await self.groups.update(
            current_identity(),
            message.name,
            _draft(message),
            etag=message.etag,
            paths=update_paths(list(request.update_mask.paths), message, WRITABLE),
        )
        return pb.UpdateCustomerGroupResponse(customer_group=view.to_proto())

    async def DeleteCustomerGroup(
        self, request: pb.DeleteCustomerGroupRequest, context
    ) -> pb.DeleteCustomerGroupResponse:
        await self.groups.delete(current_identity(), request.name, etag=request.etag)
        return pb.DeleteCustomerGroupResponse()
