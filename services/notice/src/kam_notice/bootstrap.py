"""Wires the notice service together (composition root).

Announcements (AnnouncementService) and the NotificationService: staff inboxes and settings, templates, messages
and bulletins to customers, deliveries over e-mail, SMS and webhooks, and the report service's scheduled reports
(an inbox item and an e-mail with the file). The service keeps its own copies of the identity service's users and
org tree (audiences, scope) and of the customer service's key customers (segments, addresses), and one replica at
a time runs the clock that publishes scheduled announcements, moves expired ones to history and sends what is due.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kam.alert.v1 import events_pb2 as alert_events
from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.notice.v1 import notice_pb2
from kam.report.v1 import events_pb2 as report_events
from kam.task.v1 import events_pb2 as task_events
from kam_kit import directory, orgtree, pagination, partitions
from kam_kit.attachments import max_bytes_setting
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.partitions import Lease, Leases
from kam_kit.runtime import ServiceApp
from kam_kit.settings import Secret, ServiceSettings, env_bool, env_float, env_int, env_str

from kam_notice.adapters.orm import Base, OrgUnitCopy, UserCopy
from kam_notice.entrypoints.grpc_api import AnnouncementServicer, NotificationServicer
from kam_notice.service_layer import demo
from kam_notice.service_layer.announcements import AnnouncementService
from kam_notice.service_layer.attachments import Attachments
from kam_notice.service_layer.customers import CustomerMessages, Policy
from kam_notice.service_layer.deliveries import (
    SMTP_REPLY_TIMEOUT,
    Deliveries,
    HttpSmsSender,
    Sender,
    SmsSettings,
    SmtpSender,
    SmtpSettings,
    WebhookSender,
)
from kam_notice.service_layer.inbox import Inbox
from kam_notice.service_layer.reports import ScheduledReports
from kam_notice.service_layer.templates import Templates

MIGRATIONS = Path(__file__).parent / "migrations"
METADATA = Base.metadata
#: After a batch of its events, how long the relay waits for more (the kit's default is 0.1 s): a notification's
#: push leaves as soon as it is committed (p99 ≤ 1 s from an alert to the browser, docs/performance.md).
NOTICE_COALESCE = 0.01
#: How often the clock looks for announcements to publish or to move to history (seconds).
TICK_SECONDS = 5.0
#: Scheduled reports per fetch and transaction: each event carries its file (up to 768 KiB).
REPORT_BATCH = 8
log = logging.getLogger(__name__)


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=METADATA, versions_dir=MIGRATIONS, clock=clock)
    app.outbox_coalesce = NOTICE_COALESCE
    secret = pagination.page_secret(settings.token_secret.reveal())
    smtp = smtp_settings()
    senders: dict[int, Sender] = {notice_pb2.CHANNEL_WEBHOOK: WebhookSender(clock)}
    if smtp:
        senders[notice_pb2.CHANNEL_EMAIL] = SmtpSender(smtp)
    sms = sms_settings()
    if sms:
        senders[notice_pb2.CHANNEL_SMS] = HttpSmsSender(sms)
    deliveries = Deliveries(db, clock, secret, senders)
    customers = CustomerMessages(db, clock, secret, deliveries, customer_policy())
    keep = env_int("KAM_NOTICE_INBOX_DAYS", 90, minimum=1, maximum=3650)
    inbox = Inbox(db, clock, secret, keep_days=keep, deliveries=deliveries)
    announcements = AnnouncementService(db, clock, secret, inbox)
    templates = Templates(db, clock, secret)
    app.serve(
        AnnouncementServicer(announcements, Attachments(db, clock, announcements, attachment_max_bytes())),
        NotificationServicer(inbox, templates, deliveries, customers),
    )
    # every alert raised, repeated or escalated lands in its recipients' inboxes; a new task in its assignee's
    app.consume(
        "alert",
        dict.fromkeys(
            (alert_events.AlertRaised, alert_events.AlertRepeated, alert_events.AlertEscalated),
            Batched(inbox.on_alerts),  # a fetch's alerts in a few statements, not a few each
        )
        | {alert_events.CustomerMessageRequested: customers.on_requested},
    )
    # the key customers a bulletin can reach, whose they are and how to reach them, and the core's org tree
    app.consume(
        "customer",
        {
            customer_events.CustomerCreated: customers.on_customer,
            customer_events.CustomerUpdated: customers.on_customer,
            customer_events.CustomerDeleted: customers.on_customer_deleted,
            customer_events.TierChanged: customers.on_tier_changed,
            # the bank's branches as the core has them (the identity service's changes win: kam_kit.orgtree)
            customer_events.SourceOrgUnitUpdated: orgtree.updater(OrgUnitCopy),
        },
    )
    app.consume(
        "task",
        dict.fromkeys(
            (
                task_events.TaskCreated,
                task_events.TaskUpdated,
                task_events.TaskCompleted,
                task_events.TaskReturned,
                task_events.TaskCancelled,
            ),
            inbox.on_task,
        ),
    )
    # a scheduled report: an inbox item and an e-mail with its file to each recipient, whatever their settings
    reports = ScheduledReports(clock, inbox, deliveries, console_url=console_url())
    app.consume(
        "report",
        {
            report_events.ScheduledReportReady: reports.on_ready,
            report_events.ScheduledReportFailed: reports.on_failed,
        },
        batch_size=REPORT_BATCH,
    )
    users = directory.updater(UserCopy)
    app.consume(
        "identity",
        {
            identity_events.UserCreated: users,
            identity_events.UserUpdated: users,
            **orgtree.identity_updaters(OrgUnitCopy),
        },
    )
    if env_bool("KAM_DEMO_MODE", False):  # the demo's announcements (once)
        app.background.append(lambda: demo.seed(announcements, templates))
    sweeper = Leases(db, "notice-clock", partitions=1)
    app.background.extend(
        (
            sweeper.run,
            lambda: run_clock(announcements, inbox, sweeper.lease(0)),
            lambda: run_dispatcher(deliveries, sweeper.lease(0)),
        )
    )
    return app


def attachment_max_bytes() -> int:
    """The largest announcement attachment, ``KAM_NOTICE_ATTACHMENT_MAX_BYTES`` (10 MiB; at most 15 MiB, as a
    gRPC request to the service is at most 16 MiB)."""
    return max_bytes_setting("KAM_NOTICE_ATTACHMENT_MAX_BYTES")


def smtp_settings() -> SmtpSettings | None:
    """E-mail from ``KAM_NOTICE_SMTP_*`` (none without a host: e-mail is then not offered)."""
    host = env_str("KAM_NOTICE_SMTP_HOST", "")
    if not host:
        return None
    password = env_str("KAM_NOTICE_SMTP_PASSWORD", "")
    return SmtpSettings(
        host=host,
        port=env_int("KAM_NOTICE_SMTP_PORT", 25, minimum=1, maximum=65535),
        sender=env_str("KAM_NOTICE_SMTP_FROM", "kam@localhost"),
        user=env_str("KAM_NOTICE_SMTP_USER", ""),
        password=Secret(password) if password else None,
        starttls=env_bool("KAM_NOTICE_SMTP_STARTTLS", False),
        reply_timeout=smtp_reply_timeout(),
    )


def smtp_reply_timeout() -> float:
    """How long the mail server's answers are waited for once connected, ``KAM_NOTICE_SMTP_REPLY_TIMEOUT``
    (600 s, RFC 5321's wait for the answer to a message's end; 1 s to 600 s — a longer one would outlast a
    delivery's claim)."""
    seconds = env_float("KAM_NOTICE_SMTP_REPLY_TIMEOUT", SMTP_REPLY_TIMEOUT)
    if not 1 <= seconds <= SMTP_REPLY_TIMEOUT:
        raise ValueError(f"KAM_NOTICE_SMTP_REPLY_TIMEOUT must be 1 to 600 seconds, not {seconds}")
    return seconds


def console_url() -> str:
    """Where staff open the console, ``KAM_NOTICE_CONSOLE_URL`` (``https://kam.bank.example``): the links in
    e-mails. Empty: the links are the console's paths only (``/reports/…``)."""
    url = env_str("KAM_NOTICE_CONSOLE_URL", "").rstrip("/")
    if url and (not url.startswith(("https://", "http://")) or any(c in url for c in " ?#\x00")):
        raise ValueError(f"KAM_NOTICE_CONSOLE_URL must be an http(s) URL without a query, not {url!r}")
    return url


def sms_settings() -> SmsSettings | None:
    """SMS from ``KAM_NOTICE_SMS_*`` (none without a URL: SMS is then not offered)."""
    url = env_str("KAM_NOTICE_SMS_URL", "")
    if not url:
        return None
    token = env_str("KAM_NOTICE_SMS_TOKEN", "")
    return SmsSettings(
        url=url, token=Secret(token) if token else None, signature=env_str("KAM_NOTICE_SMS_SIGNATURE", "")
    )


def customer_policy() -> Policy:
    """The limits on messages to customers from ``KAM_NOTICE_CUSTOMER_*``."""
    quiet = env_str("KAM_NOTICE_CUSTOMER_QUIET_HOURS", "21:00-08:00")
    try:
        start, end = (int(part[:2]) * 60 + int(part[3:5]) for part in quiet.split("-"))
    except ValueError as error:
        raise ValueError(
            f"KAM_NOTICE_CUSTOMER_QUIET_HOURS must look like 21:00-08:00, not {quiet!r}"
        ) from error
    return Policy(
        daily_cap=env_int("KAM_NOTICE_CUSTOMER_DAILY_CAP", 1, minimum=0, maximum=100),
        weekly_cap=env_int("KAM_NOTICE_CUSTOMER_WEEKLY_CAP", 3, minimum=0, maximum=1000),
        quiet_start=start,
        quiet_end=end,
        bank_name=env_str("KAM_NOTICE_BANK_NAME", "本行"),
    )


async def run_dispatcher(deliveries: Deliveries, lease: Lease, interval: float = 1.0) -> None:
    """Sends the deliveries that are due, every ``interval`` seconds, on the replica holding ``lease``."""
    await partitions.every(interval, lease, lambda: deliveries.dispatch(lease), what="delivery dispatch")


async def run_clock(
    announcements: AnnouncementService, inbox: Inbox, lease: Lease, interval: float = TICK_SECONDS
) -> None:
    """Publishes and expires announcements on time and prunes old inbox items, on the replica holding
    ``lease``."""

    async def tick() -> None:
        await announcements.tick(lease)
        await inbox.prune()

    await partitions.every(interval, lease, tick, what="announcement clock")
