"""A scheduled report (定时报表) end to end, every part real: the gateway, the report and notice services as
processes, NATS, and an SMTP server (aiosmtpd) in this test. A branch manager schedules 地区销售额统计 through the
HTTP API for the next minute in the bank's time; 试发送 (run now) and then the cron run each reach her mailbox as
an e-mail with the Excel file attached — the scheduled one at its minute, not before — and her inbox."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiosmtpd.controller import Controller
from kam_devkit import procs
from kam_devkit.testing import KamProcesses
from openpyxl import load_workbook

pytestmark = pytest.mark.e2e
BANK = ZoneInfo("Asia/Shanghai")
PASSWORD = "kam-demo-2026"
MAILBOX = "branch_manager@kam-demo.example"


class Mailbox:
    """An SMTP handler keeping every message with the time it arrived."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        if MAILBOX in envelope.rcpt_tos:
            self.messages.append((time.time(), message))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp() -> tuple[Mailbox, int]:
    mailbox, port = Mailbox(), procs.free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="module")
def stack(smtp, token_secret: str, tmp_path_factory: pytest.TempPathFactory):
    _, port = smtp
    kam = KamProcesses(
        tmp_path_factory.mktemp("kam"),
        token_secret,
        {
            "KAM_NOTICE_SMTP_HOST": "127.0.0.1",
            "KAM_NOTICE_SMTP_PORT": str(port),
            "KAM_NOTICE_SMTP_FROM": "kam-notice@kam-demo.example",
        },
    )
    try:
        kam.start("report", "notice", "gateway")
        yield kam
    finally:
        kam.close()


async def _mail(mailbox: Mailbox, count: int, timeout: float) -> list[tuple[float, EmailMessage]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(mailbox.messages) >= count:
            return mailbox.messages[:count]
        await asyncio.sleep(0.25)
    raise AssertionError(f"{len(mailbox.messages)} e-mails after {timeout} s, expected {count}")


def _attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_content()


async def test_a_branch_manager_gets_her_scheduled_report_by_e_mail(stack, smtp) -> None:
    mailbox, _ = smtp
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as client:
        login = await client.post("/v1/auth:login", json={"username": "branch_manager", "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"authorization": f"Bearer {login.json()['accessToken']}"}

        # The next whole minute in Beijing at least 20 s away.
        due = (datetime.now(BANK) + timedelta(seconds=80)).replace(second=0, microsecond=0)
        body = {
            "displayName": "分行月度销售",
            "kind": "REPORT_KIND_REGIONAL_SALES",
            "parameters": {},
            "period": "SCHEDULE_PERIOD_PREVIOUS_MONTH",
            "cron": f"{due.minute} {due.hour} * * *",
            "format": "EXPORT_FORMAT_XLSX",
        }
        made = await client.post("/v1/reportSchedules", json=body, headers=headers)
        assert made.status_code == 200, made.text
        schedule = made.json()
        assert schedule["owner"] == "users/branch_manager"
        assert datetime.fromisoformat(schedule["nextRunTime"]) == due

        bad = await client.post("/v1/reportSchedules", json={**body, "cron": "*/5 * * * *"}, headers=headers)
        assert bad.status_code == 400 and "report_schedule.cron" in bad.text

        # 试发送: the report comes back and the e-mail follows.
        ran = await client.post(f"/v1/{schedule['name']}:run", json={}, headers=headers)
        assert ran.status_code == 200, ran.text
        report = ran.json()
        assert report["state"] == "STATE_SUCCEEDED"
        [(_, first)] = await _mail(mailbox, 1, timeout=60)
        assert report["displayName"] in first["subject"]
        filename, content = _attachment(first)
        assert filename.endswith(".xlsx") and "分行月度销售" in filename
        sheet = load_workbook(io.BytesIO(content)).active
        assert report["displayName"] in {
            str(c) for row in sheet.iter_rows(values_only=True) for c in row if c
        }

        # The cron run: at its minute, not before — its e-mail is the one linking to the report the run made (an
        # e-mail repeated after a slow SMTP answer, which the notice service may send, is not it).
        deadline, after = time.monotonic() + 150, schedule
        while time.monotonic() < deadline and after.get("lastReport") in (None, "", report["name"]):
            await asyncio.sleep(0.5)
            after = (await client.get(f"/v1/{schedule['name']}", headers=headers)).json()
        assert datetime.fromisoformat(after["lastRunTime"]) == due
        assert after["lastReport"] != report["name"] and not after.get("lastError")
        made_id = after["lastReport"].rsplit("/", 1)[1]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            mine = [
                (t, m) for t, m in mailbox.messages if made_id in m.get_body(("plain", "html")).get_content()
            ]
            if mine:
                break
            await asyncio.sleep(0.25)
        [(arrived, second)] = mine[:1]
        assert due.timestamp() <= arrived < due.timestamp() + 45
        assert _attachment(second)[0].endswith(".xlsx")

        inbox = await client.get("/v1/users/branch_manager/notifications", headers=headers)
        assert inbox.status_code == 200, inbox.text
        assert sum("定时报表" in str(n) for n in inbox.json().get("notifications", [])) == 2
