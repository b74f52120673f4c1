"""The task service's gRPC API for campaigns (CampaignService)."""

from __future__ import annotations

from kam.task.v1 import campaign_service_pb2 as pb
from kam.task.v1 import campaign_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import required_message, update_paths

from kam_task.service_layer.campaigns import (
    ACTIVITY_FILTERS,
    CAMPAIGN_FILTERS,
    TARGET_FILTERS,
    WRITABLE,
    CampaignService,
)

#: The most campaigns a page of ListCampaigns holds in CAMPAIGN_VIEW_FULL (each may name 10,000 customers,
#: ≈ 0.5 MB).
FULL_PAGE_MAX = 5


class CampaignServicer(pb_grpc.CampaignServiceServicer):
    def __init__(self, campaigns: CampaignService, page_secret: bytes) -> None:
        self.campaigns = campaigns
        self.pages = pagination.OffsetPages(page_secret)

    async def CreateCampaign(self, request: pb.CreateCampaignRequest, context) -> pb.CreateCampaignResponse:
        required_message(request, "campaign")
        campaign = await self.campaigns.create(
            current_identity(), request.campaign, request_id=request.request_id
        )
        return pb.CreateCampaignResponse(campaign=campaign)

    async def GetCampaign(self, request: pb.GetCampaignRequest, context) -> pb.GetCampaignResponse:
        full = request.view != pb.CAMPAIGN_VIEW_BASIC  # AIP-157: one campaign in full by default
        return pb.GetCampaignResponse(
            campaign=await self.campaigns.get(current_identity(), request.name, full=full)
        )

    async def ListCampaigns(self, request: pb.ListCampaignsRequest, context) -> pb.ListCampaignsResponse:
        full = request.view == pb.CAMPAIGN_VIEW_FULL
        # a campaign in full may name 10,000 customers (≈ 0.5 MB): a full page holds a few
        size = pagination.page_size(request.page_size, maximum=FULL_PAGE_MAX if full else 500)
        filters = parse_equalities(request.filter, CAMPAIGN_FILTERS)
        bound = f"{request.filter}|{request.order_by}"
        offset = self.pages.offset(request.page_token, bound)
        campaigns, total = await self.campaigns.list(
            current_identity(),
            filters,
            order_by=request.order_by,
            offset=offset,
            limit=size,
            full=full,  # AIP-157: by default a list leaves the customer names out
        )
        return pb.ListCampaignsResponse(
            campaigns=campaigns,
            next_page_token=self.pages.next(offset, len(campaigns), offset + len(campaigns) < total, bound),
            total_size=total,
        )

    async def PreviewCampaignTargets(
        self, request: pb.PreviewCampaignTargetsRequest, context
    ) -> pb.PreviewCampaignTargetsResponse:
        required_message(request, "campaign")
        count, held, units, sample = await self.campaigns.preview(
            current_identity(), request.campaign, request.sample_size
        )
        return pb.PreviewCampaignTargetsResponse(
            target_customer_count=count, holdout_customer_count=held, units=units, sample=sample
        )

    async def UpdateCampaign(self, request: pb.UpdateCampaignRequest, context) -> pb.UpdateCampaignResponse:
        required_message(request, "campaign")
        message = request.campaign
        paths = update_paths(list(request.update_mask.paths), message, WRITABLE)  # AIP-134
        campaign = await self.campaigns.update(current_identity(), message, paths, etag=message.etag)
        return pb.UpdateCampaignResponse(campaign=campaign)

    async def LaunchCampaign(self, request: pb.LaunchCampaignRequest, context) -> pb.LaunchCampaignResponse:
        campaign = await self.campaigns.launch(current_identity(), request.name, etag=request.etag)
        return pb.LaunchCampaignResponse(campaign=campaign)

    async def CompleteCampaign(
        self, request: pb.CompleteCampaignRequest, context
    ) -> pb.CompleteCampaignResponse:
        campaign = await self.campaigns.close(
            current_identity(), request.name, etag=request.etag, cancel=False
        )
        return pb.CompleteCampaignResponse(campaign=campaign)

    async def CancelCampaign(self, request: pb.CancelCampaignRequest, context) -> pb.CancelCampaignResponse:
        campaign = await self.campaigns.close(
            current_identity(), request.name, etag=request.etag, cancel=True
        )
        return pb.CancelCampaignResponse(campaign=campaign)

    async def ListCampaignTargets(
        self, request: pb.ListCampaignTargetsRequest, context
    ) -> pb.ListCampaignTargetsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, TARGET_FILTERS)
        bound = f"{request.parent}|{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        targets, total = await self.campaigns.list_targets(
            current_identity(), request.parent, filters, offset=offset, limit=size
        )
        return pb.ListCampaignTargetsResponse(
            campaign_targets=targets,
            next_page_token=self.pages.next(offset, len(targets), offset + len(targets) < total, bound),
            total_size=total,
        )

    async def AssignCampaignTargets(
        self, request: pb.AssignCampaignTargetsRequest, context
    ) -> pb.AssignCampaignTargetsResponse:
        targets = await self.campaigns.assign_targets(
            current_identity(), request.parent, list(request.targets), request.relationship_manager
        )
        return pb.AssignCampaignTargetsResponse(campaign_targets=targets)

    async def GetCampaignResults(
        self, request: pb.GetCampaignResultsRequest, context
    ) -> pb.GetCampaignResultsResponse:
        return pb.GetCampaignResultsResponse(
            results=await self.campaigns.results(current_identity(), request.name)
        )

    async def ListCampaignRevisions(
        self, request: pb.ListCampaignRevisionsRequest, context
    ) -> pb.ListCampaignRevisionsResponse:
        return pb.ListCampaignRevisionsResponse(
            revisions=await self.campaigns.revisions(current_identity(), request.name)
        )

    async def CreateCampaignActivity(
        self, request: pb.CreateCampaignActivityRequest, context
    ) -> pb.CreateCampaignActivityResponse:
        required_message(request, "campaign_activity")
        activity = await self.campaigns.record(
            current_identity(), request.parent, request.campaign_activity, request_id=request.request_id
        )
        return pb.CreateCampaignActivityResponse(campaign_activity=activity)

    async def ListCampaignActivities(
        self, request: pb.ListCampaignActivitiesRequest, context
    ) -> pb.ListCampaignActivitiesResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, ACTIVITY_FILTERS, ("occur_time",))
        bound = f"{request.parent}|{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        activities, total = await self.campaigns.activities(
            current_identity(), request.parent, filters, offset=offset, limit=size
        )
        more = offset + len(activities) < total
        return pb.ListCampaignActivitiesResponse(
            campaign_activities=activities,
            next_page_token=self.pages.next(offset, len(activities), more, bound),
            total_size=total,
        )
