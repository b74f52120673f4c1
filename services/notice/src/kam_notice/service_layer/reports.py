"""Scheduled reports (定时报表): the report service's ``ScheduledReportReady`` reaches each recipient as an item in
their inbox (with its live push) and an e-mail with the report's file attached.

A scheduled report is something its owner asked for, so it goes whatever their notification settings say for other
kinds of notice: the e-mail is sent though they chose no e-mail (or only for urgent alerts) and is not held by their
quiet hours (they chose the time themselves); the channels of their settings (SMS, webhooks) are not used for it.
The e-mail is an ordinary delivery (kam_notice.service_layer.deliveries: one record per recipient, claimed,
retried with backoff, ``DeliveryFinished``), its file kept with it until sent. A recipient without an e-mail
address gets the inbox item only (and a ``SUPPRESSED`` delivery record saying why). A file too large for the event
(``content`` empty) is not attached: the e-mail says so and links to the report in the console.

Once per recipient and report however often the event comes: the inbox item and the delivery are keyed by the
report (``reports/{report}``), each run's own.

A schedule that starts failing (``ScheduledReportFailed``: its owner deactivated or moved, or the report could not
be computed) is told the same way, once per schedule and due time: an inbox item saying why, linking to 定时报表,
and an e-mail — the recipient expected one at that time.
"""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime

from kam.notice.v1 import notice_pb2
from kam.report.v1 import events_pb2 as report_events
from kam_kit.attachments import clean_file_name
from kam_kit.clock import Clock
from kam_kit.events import EventMeta
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import NotificationRow
from kam_notice.service_layer.deliveries import BANK_TZ, Attachment, Deliveries
from kam_notice.service_layer.inbox import Inbox

Category = notice_pb2.Notification.Category
#: An inbox item's importance for a report (normal: nobody asked for it to stand out).
IMPORTANCE = 1
#: A schedule that did not deliver: something for its owner to look at.
FAILURE_IMPORTANCE = 2


class ScheduledReports:
    def __init__(self, clock: Clock, inbox: Inbox, deliveries: Deliveries, *, console_url: str = "") -> None:
        """``console_url``: where staff open the console (``KAM_NOTICE_CONSOLE_URL``, e.g.
        ``https://kam.bank.example``), the e-mail's link; empty → the link is the console's path only."""
        self.clock = clock
        self.inbox = inbox
        self.deliveries = deliveries
        self.console_url = console_url.rstrip("/")

    async def on_ready(
        self, session: AsyncSession, event: report_events.ScheduledReportReady, meta: EventMeta
    ) -> None:
        """``ScheduledReportReady``: an inbox item and an e-mail (the file attached) for each recipient."""
        users = sorted({r for r in event.recipients if r.startswith("users/")})
        if not users:
            return
        source = event.report or meta.event_id  # each run makes its own report
        report_id = event.report.removeprefix("reports/")
        path = f"/reports/{urllib.parse.quote(report_id, safe='')}" if report_id else "/reports"
        link = f"{self.console_url}{path}"
        title = _one_line(event.report_display_name) or _one_line(event.schedule.display_name) or "定时报表"
        schedule = _one_line(event.schedule.display_name) or title
        run = _bank_time(event.run_time.ToDatetime(UTC) if event.HasField("run_time") else self.clock.now())
        attached = bool(event.content)
        file_name = clean_file_name(event.filename) or clean_file_name(title) or "report"
        await self._tell(
            session,
            users,
            source=source,
            subject=event.report,
            importance=IMPORTANCE,
            title=f"定时报表「{title}」已生成",
            body=f"定时报表：{schedule}\n运行时间：{run}（北京时间）"
            + ("" if attached else "\n文件较大，未随邮件发送，请在报表中心查看。"),
            mail_subject=f"【KAM 定时报表】{title}",
            mail=mail_body(
                schedule=schedule, title=title, run=run, link=link, file_name=file_name if attached else ""
            ),
            attachment=Attachment(file_name, event.content_type, event.content) if attached else None,
        )

    async def on_failed(
        self, session: AsyncSession, event: report_events.ScheduledReportFailed, meta: EventMeta
    ) -> None:
        """``ScheduledReportFailed``: an inbox item and an e-mail saying the schedule did not deliver, and why."""
        users = sorted({r for r in event.recipients if r.startswith("users/")})
        if not users:
            return
        run_time = event.run_time.ToDatetime(UTC) if event.HasField("run_time") else None
        source = f"{event.schedule.name}@{run_time.isoformat() if run_time else meta.event_id}"[:128]
        schedule = _one_line(event.schedule.display_name) or "定时报表"
        run = _bank_time(run_time or self.clock.now())
        error = _one_line(event.error) or "未知原因 (unknown)"
        link = f"{self.console_url}/reports/schedules"
        await self._tell(
            session,
            users,
            source=source,
            subject=event.schedule.name,
            importance=FAILURE_IMPORTANCE,
            title=f"定时报表「{schedule}」未能生成",
            body=f"运行时间：{run}（北京时间）\n原因：{error}\n请在报表中心的「定时报表」中查看。",
            mail_subject=f"【KAM 定时报表】「{schedule}」未能生成",
            mail=failure_mail_body(schedule=schedule, run=run, error=error, link=link),
        )

    async def _tell(
        self,
        session: AsyncSession,
        users: list[str],
        *,
        source: str,
        subject: str,
        importance: int,
        title: str,
        body: str,
        mail_subject: str,
        mail: str,
        attachment: Attachment | None = None,
    ) -> None:
        """An inbox item for each of ``users`` (with its live push) and an e-mail linked to it, sent whatever
        their notification settings say (they asked for it); once per user and ``source``."""
        await self.inbox.deliver(
            session,
            users,
            category=Category.CATEGORY_SYSTEM,
            title=title,
            body=body,
            subject=subject,
            importance=importance,
            source=source,
            channels=False,  # the e-mail below is sent whatever the settings say; nothing else is
        )
        items = await _items(session, source, users)
        await self.deliveries.queue(
            session,
            users,
            channel=notice_pb2.CHANNEL_EMAIL,
            subject=mail_subject,
            body=mail,
            source=source,
            notification={user: f"{user}/notifications/{item}" for user, item in items.items()},
            attachment=attachment,
            importance=importance,
        )


async def _items(session: AsyncSession, source: str, users: list[str]) -> dict[str, str]:
    """The inbox items just delivered for ``source``, by user."""
    rows = await session.execute(
        select(NotificationRow.user, NotificationRow.id).where(
            NotificationRow.source_event == source[:128], NotificationRow.user.in_(users)
        )
    )
    return dict(rows.tuples().all())


def failure_mail_body(*, schedule: str, run: str, error: str, link: str) -> str:
    """The e-mail of a schedule that did not deliver: zh-CN with an English line."""
    return "\n".join(
        (
            "您好：",
            "",
            f"您订阅的定时报表「{schedule}」在 {run}（北京时间）未能生成，本次没有发送报表。",
            f"原因：{error}",
            f"请在 KAM 报表中心的「定时报表」中查看并处理：{link}",
            "（若原因是您的账号、角色或机构发生了变化，打开一次「定时报表」即可按新的权限继续发送。）",
            "",
            (
                f'Your scheduled report "{schedule}" was not produced at {run} Beijing time: {error} '
                f"Open 定时报表 in KAM to see it: {link}"
            ),
            "",
            "此邮件由 KAM 大客户管理系统自动发送，请勿直接回复。",
        )
    )


def _one_line(text: str) -> str:
    """``text`` on one line (a title goes into the e-mail's subject, where a line break has no place)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:200]


def _bank_time(moment: datetime) -> str:
    """``moment`` in the bank's local time, ``YYYY-MM-DD HH:mm``."""
    return f"{moment.astimezone(BANK_TZ):%Y-%m-%d %H:%M}"


def mail_body(*, schedule: str, title: str, run: str, link: str, file_name: str) -> str:
    """The e-mail's text: zh-CN with an English line. ``file_name`` empty: the file was too large to attach."""
    if file_name:
        file_line = f"附件：{file_name}"
        english = (
            f'Your scheduled report "{schedule}" ({title}) ran at {run} Beijing time; the file is attached. '
            f"Open it in KAM: {link}"
        )
    else:
        file_line = "文件过大，未能作为附件发送，请在 KAM 报表中心查看。"
        english = (
            f'Your scheduled report "{schedule}" ({title}) ran at {run} Beijing time; the file was too large to '
            f"attach. Open it in KAM: {link}"
        )
    return "\n".join(
        (
            "您好：",
            "",
            f"您订阅的定时报表「{schedule}」已生成。",
            f"报表：{title}",
            f"运行时间：{run}（北京时间）",
            file_line,
            f"在 KAM 中查看：{link}",
            "",
            english,
            "",
            "此邮件由 KAM 大客户管理系统自动发送，请勿直接回复。",
        )
    )
