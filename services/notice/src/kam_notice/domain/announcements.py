"""Announcements' rules, without I/O: who is in an audience, what content may hold, what a valid announcement is.

An audience is matched when a person looks, against who they are then (their org unit and roles, and the units
above their unit in the org tree): someone who joins a branch later sees its current announcements, and nothing
is copied per recipient.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from kam.notice.v1 import notice_pb2
from kam_kit.errors import Validator

MAX_TITLE = 200
MAX_CONTENT = 100_000
MAX_AUDIENCE_ENTRIES = 1_000

#: What rich text may keep: the tags and attributes of an editor's output; everything else goes (scripts, event
#: handlers, styles, frames, forms). Links keep http, https and mailto only.
TAGS = {
    "p", "br", "hr", "b", "strong", "i", "em", "u", "s", "del", "sub", "sup", "mark", "small",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "span", "div",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

State = notice_pb2.Announcement.State
SCHEDULED, PUBLISHED, EXPIRED = "SCHEDULED", "PUBLISHED", "EXPIRED"
STATE_OF = {SCHEDULED: State.STATE_SCHEDULED, PUBLISHED: State.STATE_PUBLISHED, EXPIRED: State.STATE_EXPIRED}

_USER = re.compile(r"^users/[A-Za-z0-9_.@-]{1,100}$")
_UNIT = re.compile(r"^orgUnits/[A-Za-z0-9_-]{1,64}$")
_ROLE = re.compile(r"^roles/[a-z0-9_]{1,64}$")


def sanitize(html: str) -> str:
    """The rich text as it is stored and shown: only :data:`TAGS`, :data:`ATTRIBUTES` and :data:`URL_SCHEMES`."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES)


@dataclass(frozen=True)
class Audience:
    all_users: bool = False
    users: frozenset[str] = field(default_factory=frozenset)
    org_units: frozenset[str] = field(default_factory=frozenset)  # with the units below them
    org_units_only: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, message: notice_pb2.Audience) -> Audience:
        return cls(
            all_users=message.all_users,
            users=frozenset(message.users),
            org_units=frozenset(message.org_units),
            org_units_only=frozenset(message.org_units_only),
            roles=frozenset(message.roles),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Audience:
        def names(key: str) -> frozenset[str]:
            value = data.get(key) or []
            return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()

        return cls(
            all_users=bool(data.get("all_users")),
            users=names("users"),
            org_units=names("org_units"),
            org_units_only=names("org_units_only"),
            roles=names("roles"),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "all_users": self.all_users,
            "users": sorted(self.users),
            "org_units": sorted(self.org_units),
            "org_units_only": sorted(self.org_units_only),
            "roles": sorted(self.roles),
        }

    def to_proto(self) -> notice_pb2.Audience:
        return notice_pb2.Audience(
            all_users=self.all_users,
            users=sorted(self.users),
            org_units=sorted(self.org_units),
            org_units_only=sorted(self.org_units_only),
            roles=sorted(self.roles),
        )

    @property
    def empty(self) -> bool:
        return not (self.all_users or self.users or self.org_units or self.org_units_only or self.roles)

    def includes(self, user: str, org_unit: str, roles: Iterable[str], units_above: Iterable[str]) -> bool:
        """Whether ``user`` — in ``org_unit`` (below ``units_above``), holding ``roles`` — is in the audience."""
        if self.all_users or user in self.users:
            return True
        if org_unit and (org_unit in self.org_units_only or org_unit in self.org_units):
            return True
        if self.org_units and not self.org_units.isdisjoint(units_above):
            return True
        return bool(self.roles) and not self.roles.isdisjoint(roles)


def check_audience(v: Validator, audience: notice_pb2.Audience, known_units: set[str] | None) -> None:
    """Field violations of an audience: something named, names well formed, org units known (when the copy of
    the org tree holds any)."""
    path = "announcement.audience"
    if not v.check(not Audience.of(audience).empty, path, "请选择公告对象 (choose who sees it)"):
        return
    entries = (
        ("users", audience.users, _USER, "users/{user}"),
        ("org_units", audience.org_units, _UNIT, "orgUnits/{org_unit}"),
        ("org_units_only", audience.org_units_only, _UNIT, "orgUnits/{org_unit}"),
        ("roles", audience.roles, _ROLE, "roles/{role}"),
    )
    for name, values, pattern, shape in entries:
        v.check(
            len(values) <= MAX_AUDIENCE_ENTRIES,
            f"{path}.{name}",
            f"最多 {MAX_AUDIENCE_ENTRIES} 项 (at most {MAX_AUDIENCE_ENTRIES})",
        )
        for index, value in enumerate(values):
            if not pattern.match(value):
                v.add(f"{path}.{name}[{index}]", f"格式应为 {shape} (expected {shape}): {value!r}")
            elif (
                name.startswith("org_units")
                and known_units
                and value.removeprefix("orgUnits/") not in known_units
            ):
                v.add(f"{path}.{name}[{index}]", f"没有这个机构 (no such org unit): {value}")


def check_text(v: Validator, title: str | None, content: str | None) -> None:
    """``None``: not being changed."""
    if title is not None:
        _check_text(v, title, "announcement.title", "标题 (title)", MAX_TITLE)
    if content is not None:
        _check_text(v, content, "announcement.content", "内容 (content)", MAX_CONTENT)


def _check_text(v: Validator, value: str, path: str, label: str, maximum: int) -> None:
    if not v.require(value.strip(), path, f"请填写{label}"):
        return
    if v.check(len(value) <= maximum, path, f"最长 {maximum:,} 字符 (at most {maximum:,} characters)"):
        v.check("\x00" not in value, path, "含有不可见的空字符 (contains a NUL character)")


def check_importance(v: Validator, importance: int) -> None:
    v.check(
        importance in notice_pb2.Announcement.Importance.values(),
        "announcement.importance",
        "应为 IMPORTANCE_NORMAL / IMPORTANCE_HIGH / IMPORTANCE_URGENT",
    )


def check_times(v: Validator, publish: datetime, expire: datetime | None, now: datetime) -> None:
    if not v.check(expire is not None, "announcement.expire_time", "请填写公告期限 (expiry required)"):
        return
    assert expire is not None
    if v.check(
        expire > publish,
        "announcement.expire_time",
        "公告期限应晚于发布时间 (the expiry must be after the publish time)",
    ):
        v.check(expire > now, "announcement.expire_time", "公告期限已过 (the expiry has passed)")
