"""Which routes take the larger upload limit: those whose request carries a file (a top-level ``bytes`` field)."""

from __future__ import annotations

from kam.customer.v1 import customer_service_pb2
from kam.notice.v1 import announcement_service_pb2
from kam.task.v1 import task_service_pb2
from kam_gateway.routes import routes_for_service


def _routes(module, service: str) -> dict[str, object]:
    return {r.method.name: r for r in routes_for_service(module.DESCRIPTOR.services_by_name[service])}


def test_a_request_with_a_file_takes_the_upload_limit_and_no_other_does() -> None:
    notice = _routes(announcement_service_pb2, "AnnouncementService")
    assert notice["CreateAttachment"].uploads_file
    assert not notice["CreateAnnouncement"].uploads_file and not notice["DownloadAttachment"].uploads_file
    task = _routes(task_service_pb2, "TaskService")
    assert task["CreateTaskAttachment"].uploads_file  # POST /v1/tasks/*/attachments
    assert [name for name, route in task.items() if route.uploads_file] == ["CreateTaskAttachment"]
    customer = _routes(customer_service_pb2, "CustomerService")
    assert not any(route.uploads_file for route in customer.values())
