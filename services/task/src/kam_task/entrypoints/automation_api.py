"""The task service's gRPC API for task automation (TaskAutomationService): recurring tasks and playbooks."""

from __future__ import annotations

from kam.task.v1 import automation_service_pb2 as pb
from kam.task.v1 import automation_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import required_message, update_paths

from kam_task.service_layer.automation import (
    PLAYBOOK_FILTERS,
    PLAYBOOK_WRITABLE,
    RECURRING_FILTERS,
    RECURRING_WRITABLE,
    AutomationService,
)

#: fields whose presence, not their value, says they were given (AIP-134: an update without a mask)


class TaskAutomationServicer(pb_grpc.TaskAutomationServiceServicer):
    def __init__(self, automation: AutomationService, page_secret: bytes) -> None:
        self.automation = automation
        self.pages = pagination.OffsetPages(page_secret)

    # --- recurring tasks ----------------------------------------------------------------------------------------

    async def CreateRecurringTask(
        self, request: pb.CreateRecurringTaskRequest, context
    ) -> pb.CreateRecurringTaskResponse:
        required_message(request, "recurring_task")
        created = await self.automation.create_recurring(
            current_identity(), request.recurring_task, request_id=request.request_id
        )
        return pb.CreateRecurringTaskResponse(recurring_task=created)

    async def GetRecurringTask(
        self, request: pb.GetRecurringTaskRequest, context
    ) -> pb.GetRecurringTaskResponse:
        found = await self.automation.get_recurring(current_identity(), request.name)
        return pb.GetRecurringTaskResponse(recurring_task=found)

    async def ListRecurringTasks(
        self, request: pb.ListRecurringTasksRequest, context
    ) -> pb.ListRecurringTasksResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, RECURRING_FILTERS)
        bound = f"recurringTasks|{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        found, total = await self.automation.list_recurring(
            current_identity(), filters, offset=offset, limit=size
        )
        return pb.ListRecurringTasksResponse(
            recurring_tasks=found,
            next_page_token=self.pages.next(offset, len(found), offset + len(found) < total, bound),
            total_size=total,
        )

    async def UpdateRecurringTask(
        self, request: pb.UpdateRecurringTaskRequest, context
    ) -> pb.UpdateRecurringTaskResponse:
        required_message(request, "recurring_task")
        message = request.recurring_task
        paths = update_paths(list(request.update_mask.paths), message, RECURRING_WRITABLE)
        changed = await self.automation.update_recurring(
            current_identity(), message, paths, etag=message.etag
        )
        return pb.UpdateRecurringTaskResponse(recurring_task=changed)

    async def DeleteRecurringTask(
        self, request: pb.DeleteRecurringTaskRequest, context
    ) -> pb.DeleteRecurringTaskResponse:
        await self.automation.delete_recurring(current_identity(), request.name, etag=request.etag)
        return pb.DeleteRecurringTaskResponse()

    # --- playbooks ----------------------------------------------------------------------------------------------

    async def CreatePlaybook(self, request: pb.CreatePlaybookRequest, context) -> pb.CreatePlaybookResponse:
        required_message(request, "playbook")
        created = await self.automation.create_playbook(
            current_identity(), request.playbook, request_id=request.request_id
        )
        return pb.CreatePlaybookResponse(playbook=created)

    async def GetPlaybook(self, request: pb.GetPlaybookRequest, context) -> pb.GetPlaybookResponse:
        return pb.GetPlaybookResponse(
            playbook=await self.automation.get_playbook(current_identity(), request.name)
        )

    async def ListPlaybooks(self, request: pb.ListPlaybooksRequest, context) -> pb.ListPlaybooksResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, PLAYBOOK_FILTERS)
        bound = f"playbooks|{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        found, total = await self.automation.list_playbooks(
            current_identity(), filters, offset=offset, limit=size
        )
        return pb.ListPlaybooksResponse(
            playbooks=found,
            next_page_token=self.pages.next(offset, len(found), offset + len(found) < total, bound),
            total_size=total,
        )

    async def UpdatePlaybook(self, request: pb.UpdatePlaybookRequest, context) -> pb.UpdatePlaybookResponse:
        required_message(request, "playbook")
        message = request.playbook
        paths = update_paths(list(request.update_mask.paths), message, PLAYBOOK_WRITABLE)
        changed = await self.automation.update_playbook(current_identity(), message, paths, etag=message.etag)
        return pb.UpdatePlaybookResponse(playbook=changed)

    async def DeletePlaybook(self, request: pb.DeletePlaybookRequest, context) -> pb.DeletePlaybookResponse:
        await self.automation.delete_playbook(current_identity(), request.name, etag=request.etag)
        return pb.DeletePlaybookResponse()
