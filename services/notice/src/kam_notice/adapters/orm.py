"""The notice service's tables: announcements and their read receipts, and its copies of the identity service's
users and org tree (audiences are matched against them, never by a call per person)."""

from __future__ import annotations

from datetime import datetime

from kam_kit.db import service_base
from kam_kit.directory import ContactColumns, UserCopyColumns
from kam_kit.orgtree import IdentityOrgUnitColumns, OrgUnitCopyColumns
from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class AnnouncementRow(Base):
    """An announcement (公告). ``audience`` is the proto's ``Audience`` as JSON; ``state`` the proto's state name
    without its prefix (``SCHEDULED``, ``PUBLISHED``, ``EXPIRED``)."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_state_publish_time", "state", "publish_time"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(128), index=True)
    publisher_display_name: Mapped[str] = mapped_column(String(200), default="")
    publish_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    importance: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class AnnouncementReadRow(Base):
    """A read receipt: the first time a user opened an announcement."""

    __tablename__ = "announcement_reads"

    announcement_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[str] = mapped_column(String(128), primary_key=True)
    read_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserCopy(UserCopyColumns, ContactColumns, Base):
    """The identity service's users (kam_kit.directory): audiences, read statistics, display names, and the
    addresses e-mail and SMS go to."""

    __tablename__ = "users"


class OrgUnitCopy(OrgUnitCopyColumns, IdentityOrgUnitColumns, Base):
    """The identity service's org tree (kam_kit.orgtree): an org unit's audience takes in the units below it."""

    __tablename__ = "org_units"


class NotificationRow(Base):
    """An item in a staff member's inbox (站内消息). ``source_event`` (the event it came from, or the
    announcement) with ``user`` is unique: a redelivered event adds nothing."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_create_time", "user", "create_time"),
        Index("uq_notifications_user_source", "user", "source_event", unique=True),
        Index("ix_notifications_source_event", "source_event"),  # who already has an event's item
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[str] = mapped_column(String(128))
    category: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(256), default="")
    importance: Mapped[int] = mapped_column(Integer, default=0)
    source_event: Mapped[str] = mapped_column(String(128))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NotificationSettingsRow(Base):
    """A staff member's notification settings (defaults apply until they save some)."""

    __tablename__ = "notification_settings"

    user: Mapped[str] = mapped_column(String(128), primary_key=True)
    channels: Mapped[str] = mapped_column(String(200), default="")  # space-separated channel numbers
    quiet_start: Mapped[int] = mapped_column(Integer)  # minutes after midnight, bank time
    quiet_end: Mapped[int] = mapped_column(Integer)
    webhook_uri: Mapped[str] = mapped_column(String(2000), default="")
    webhook_secret: Mapped[str] = mapped_column(String(200), default="")  # 钉钉 加签; never returned
    #: the lowest importance each channel is used for, ``"3=4 2=2"`` (channel=importance); absent: every one
    channel_levels: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TemplateRow(Base):
    """A customer message template (客户消息模板): zh-CN text, optionally en-US."""

    __tablename__ = "templates"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    category: Mapped[int] = mapped_column(Integer)
    channel: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    en_subject: Mapped[str] = mapped_column(String(200), default="")
    en_body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class DeliveryRow(Base):
    """One notification to one person over one channel (投递记录). ``key`` (recipient, channel, source) is unique:
    however often the source's event comes, it is sent once. ``state``: ``PENDING`` (waiting for
    ``next_attempt_time``: queued, quiet hours, or a retry's backoff), ``SENT``, ``FAILED`` (gave up, see
    ``last_error``), ``SUPPRESSED`` (no address)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_state_next_attempt", "state", "next_attempt_time"),
        Index("ix_deliveries_recipient_create_time", "recipient", "create_time"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    channel: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(2000), default="")
    content_source: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    importance: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: what asked for it: ``alerts/…``, ``bulletins/…`` or the staff member who sent it
    trigger: Mapped[str] = mapped_column(String(300), default="")
    suppress_reason: Mapped[str] = mapped_column(String(200), default="")
    #: a greeting or news to a customer: needs their opt-in and counts towards the frequency cap
    marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the file an e-mail carries (a scheduled report), ``delivery_attachments.id``; kept until it is sent
    attachment_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


class CustomerCopy(Base):
    """The notice service's copy of each key customer (from customer events): who they are, whose they are
    (data scope) and how to reach them, so that a bulletin to thousands never calls the customer service."""

    __tablename__ = "customer_copies"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(64), default="")
    branch: Mapped[str] = mapped_column(String(128), default="", index=True)
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CustomerConsentRow(Base):
    """A customer's consent to greetings and news (营销授权), per channel."""

    __tablename__ = "customer_consents"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    sms_opt_in: Mapped[bool] = mapped_column(Boolean)
    email_opt_in: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BulletinRow(Base):
    """A bulletin (群发消息): a template sent to a segment; ``segment`` and ``variables`` are JSON."""

    __tablename__ = "bulletins"
    __table_args__ = (Index("ix_bulletins_sender_create_time", "sender", "create_time"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(32))
    segment: Mapped[str] = mapped_column(Text)
    variables: Mapped[str] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(128))
    recipient_count: Mapped[int] = mapped_column(Integer)
    included_count: Mapped[int] = mapped_column(Integer)
    excluded_count: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class AttachmentRow(Base):
    """A file attached to an announcement (公告附件): its content in ``content``, read only to download it (the
    announcement's list selects the other columns)."""

    __tablename__ = "announcement_attachments"
    __table_args__ = (Index("ix_announcement_attachments_announcement", "announcement_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    announcement_id: Mapped[str] = mapped_column(String(32))
    #: upload order within the announcement (1, 2, …; gaps where files were removed)
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploader: Mapped[str] = mapped_column(String(128))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class DeliveryAttachmentRow(Base):
    """A file an e-mail delivery carries (a scheduled report's export), kept until every delivery of it is sent —
    a retry, or ``RetryDelivery`` after a failure, sends the same bytes. One row however many recipients; read
    only to send (a delivery's listing never selects it)."""

    __tablename__ = "delivery_attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[bytes] = mapped_column(LargeBinary)
