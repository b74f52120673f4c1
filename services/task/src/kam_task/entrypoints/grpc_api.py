"""The task service's gRPC API (TaskService, with its attachments)."""

from __future__ import annotations

from kam.task.v1 import task_service_pb2 as pb
from kam.task.v1 import task_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import required_message, update_paths

from kam_task.service_layer.attachments import TaskAttachments
from kam_task.service_layer.efficiency import EfficiencyService
from kam_task.service_layer.tasks import COMPARABLE, FILTERS, WRITABLE, TaskService


class TaskServicer(pb_grpc.TaskServiceServicer):
    def __init__(
        self,
        tasks: TaskService,
        page_secret: bytes,
        efficiency: EfficiencyService | None = None,
        attachments: TaskAttachments | None = None,
    ) -> None:
        """``attachments``: by default with the default size limit."""
        self.tasks = tasks
        self.pages = pagination.OffsetPages(page_secret)
        self.efficiency = efficiency or EfficiencyService(tasks.db, tasks.clock)
        self.attachments = attachments or TaskAttachments(tasks)

    async def CreateTask(self, request: pb.CreateTaskRequest, context) -> pb.CreateTaskResponse:
        required_message(request, "task")
        task = await self.tasks.create(current_identity(), request.task, request_id=request.request_id)
        return pb.CreateTaskResponse(task=task)

    async def BatchCreateTasks(
        self, request: pb.BatchCreateTasksRequest, context
    ) -> pb.BatchCreateTasksResponse:
        required_message(request, "task")
        tasks = await self.tasks.batch_create(
            current_identity(),
            request.task,
            assignees=list(request.assignees),
            org_unit=request.org_unit,
            request_id=request.request_id,
        )
        return pb.BatchCreateTasksResponse(tasks=tasks)

    async def GetTask(self, request: pb.GetTaskRequest, context) -> pb.GetTaskResponse:
        return pb.GetTaskResponse(task=await self.tasks.get(current_identity(), request.name))

    async def ListTasks(self, request: pb.ListTasksRequest, context) -> pb.ListTasksResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, FILTERS, COMPARABLE)
        bound = f"{request.filter}|{request.order_by}"
        offset = self.pages.offset(request.page_token, bound)
        tasks, total = await self.tasks.list(
            current_identity(), filters, order_by=request.order_by, offset=offset, limit=size
        )
        return pb.ListTasksResponse(
            tasks=tasks,
            next_page_token=self.pages.next(offset, len(tasks), offset + len(tasks) < total, bound),
            total_size=total,
        )

    async def UpdateTask(self, request: pb.UpdateTaskRequest, context) -> pb.UpdateTaskResponse:
        required_message(request, "task")
        message = request.task
        paths = update_paths(list(request.update_mask.paths), message, WRITABLE)  # AIP-134
        task = await self.tasks.update(current_identity(), message, paths, etag=message.etag)
        return pb.UpdateTaskResponse(task=task)

    async def StartTask(self, request: pb.StartTaskRequest, context) -> pb.StartTaskResponse:
        task = await self.tasks.start(current_identity(), request.name, etag=request.etag)
        return pb.StartTaskResponse(task=task)

    async def CompleteTask(self, request: pb.CompleteTaskRequest, context) -> pb.CompleteTaskResponse:
        required_message(request, "completion")
        task = await self.tasks.complete(
            current_identity(), request.name, request.completion, etag=request.etag
        )
        return pb.CompleteTaskResponse(task=task)

    async def AcceptTask(self, request: pb.AcceptTaskRequest, context) -> pb.AcceptTaskResponse:
        task = await self.tasks.accept(
            current_identity(), request.name, comment=request.comment, etag=request.etag
        )
        return pb.AcceptTaskResponse(task=task)

    async def ReturnTask(self, request: pb.ReturnTaskRequest, context) -> pb.ReturnTaskResponse:
        task = await self.tasks.return_(
            current_identity(), request.name, reason=request.reason, etag=request.etag
        )
        return pb.ReturnTaskResponse(task=task)

    async def CancelTask(self, request: pb.CancelTaskRequest, context) -> pb.CancelTaskResponse:
        task = await self.tasks.cancel(
            current_identity(), request.name, reason=request.cancel_reason, etag=request.etag
        )
        return pb.CancelTaskResponse(task=task)

    async def CreateTaskComment(
        self, request: pb.CreateTaskCommentRequest, context
    ) -> pb.CreateTaskCommentResponse:
        required_message(request, "comment")
        comment = await self.tasks.comment(current_identity(), request.parent, request.comment.text)
        return pb.CreateTaskCommentResponse(comment=comment)

    async def ListTaskComments(
        self, request: pb.ListTaskCommentsRequest, context
    ) -> pb.ListTaskCommentsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        offset = self.pages.offset(request.page_token, request.parent)
        comments, more = await self.tasks.comments(
            current_identity(), request.parent, offset=offset, limit=size
        )
        return pb.ListTaskCommentsResponse(
            comments=comments, next_page_token=self.pages.next(offset, len(comments), more, request.parent)
        )

    async def ListTaskHistory(
        self, request: pb.ListTaskHistoryRequest, context
    ) -> pb.ListTaskHistoryResponse:
        return pb.ListTaskHistoryResponse(entries=await self.tasks.history(current_identity(), request.name))

    async def CreateTaskAttachment(
        self, request: pb.CreateTaskAttachmentRequest, context
    ) -> pb.CreateTaskAttachmentResponse:
        attachment = await self.attachments.create(
            current_identity(), request.parent, request.file_name, request.content
        )
        return pb.CreateTaskAttachmentResponse(attachment=attachment)

    async def DownloadTaskAttachment(
        self, request: pb.DownloadTaskAttachmentRequest, context
    ) -> pb.DownloadTaskAttachmentResponse:
        attachment, content = await self.attachments.download(current_identity(), request.name)
        return pb.DownloadTaskAttachmentResponse(attachment=attachment, content=content)

    async def DeleteTaskAttachment(
        self, request: pb.DeleteTaskAttachmentRequest, context
    ) -> pb.DeleteTaskAttachmentResponse:
        await self.attachments.delete(current_identity(), request.name)
        return pb.DeleteTaskAttachmentResponse()

    async def GetWorkEfficiency(
        self, request: pb.GetWorkEfficiencyRequest, context
    ) -> pb.GetWorkEfficiencyResponse:
        return pb.GetWorkEfficiencyResponse(efficiency=await self.efficiency.get(current_identity(), request))
