"""KAM's local SMTP sink (本地邮件收件箱): the e-mails ``make run`` sends land here instead of in anyone's mailbox.

An SMTP server (aiosmtpd, ``127.0.0.1:1025``, ``KAM_MAILSINK_SMTP_PORT``) accepts every message — no login, no
TLS, no relaying — and keeps the last ``KAM_MAILSINK_KEEP`` (default 500) in memory; each one is also printed
on one line to the console. A small HTTP viewer (standard library, ``http://127.0.0.1:8025/``,
``KAM_MAILSINK_HTTP_PORT``) shows them:

- ``/``: the messages, newest first — time (bank time, Asia/Shanghai), from, to, subject (RFC 2047 decoded);
- ``/messages/{n}``: one message's headers and text body, HTML-escaped (a mail's HTML is shown as source, never
  rendered; the pages also carry a Content-Security-Policy that runs no script);
- ``/messages.json``: the same for scripts and tests; ``/healthz``: ``ok``;
- ``POST /sms``: the demo's SMS provider — the notice service's HTTP SMS sender (``KAM_NOTICE_SMS_URL``) posts
  ``{"id", "phone", "text", "signature"}`` here; each text is kept and shown like a mail (from ``短信 SMS``, to the
  phone, the text as the body) and answered ``{"code": 0}``.

For local development and demos only (both ports listen on 127.0.0.1): in production ``KAM_NOTICE_SMTP_*``
points at the bank's mail relay (docs/operations.md). ``deploy/local/run.py`` starts it before the notice service
and stops it with the rest; ``python deploy/local/mailsink.py`` runs it alone (SIGTERM or Ctrl-C stops it).
"""

from __future__ import annotations

import argparse
import collections
import email
import email.policy
import html
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from kam_kit.clock import SYSTEM_CLOCK, Clock

BANK_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_HOST = "127.0.0.1"
#: The usual ports of a development mail catcher (MailHog, Mailpit): clear of KAM's 4222, 8080 and 50050–50055.
DEFAULT_SMTP_PORT = 1025
DEFAULT_HTTP_PORT = 8025
DEFAULT_KEEP = 500
#: Larger messages are refused (552); KAM's notifications are a few kilobytes.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
#: An SMS request is a few hundred bytes.
MAX_SMS_BYTES = 64 * 1024
SMS_SENDER = "短信 SMS"
SECURITY_HEADERS = {
    # nothing in a page may run or load anything: a mail that slipped through unescaped still could not act
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# --------------------------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class StoredMessage:
    """One received message, decoded once when it arrives."""

    id: int
    received: datetime  # timezone-aware, from the injected clock
    envelope_from: str
    envelope_to: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]  # decoded (RFC 2047), in the message's order
    subject: str
    sender: str  # the From header (the envelope sender when there is none)
    recipients: str  # the To header (the envelope recipients when there is none)
    body: str
    body_type: str  # the part the body came from: text/plain, or text/html shown as source
    attachments: tuple[Attachment, ...] = ()
    size: int = 0

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    @property
    def received_local(self) -> str:
        """``YYYY-MM-DD HH:MM:SS`` in bank time."""
        return self.received.astimezone(BANK_TZ).strftime("%Y-%m-%d %H:%M:%S")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "received": self.received.astimezone(BANK_TZ).isoformat(),
            "received_local": self.received_local,
            "envelope_from": self.envelope_from,
            "envelope_to": list(self.envelope_to),
            "from": self.sender,
            "to": self.recipients,
            "subject": self.subject,
            "message_id": self.header("Message-ID"),
            "headers": [[key, value] for key, value in self.headers],
            "body": self.body,
            "body_type": self.body_type,
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in self.attachments
            ],
            "size": self.size,
        }


def _text(part: Any) -> str:
    """A text part's content in its charset (unknown or broken charsets: UTF-8 with replacement characters)."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError, AssertionError):
        content = None
    if isinstance(content, str):
        return content
    raw = part.get_payload(decode=True) or b""
    return raw.decode(part.get_content_charset() or "utf-8", errors="replace") if raw else ""


def _header(value: Any) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001 (a malformed header is shown as best we can, never refused)
        return repr(value)


def parse(
    number: int, received: datetime, envelope_from: str, envelope_to: Iterable[str], data: bytes
) -> StoredMessage:
    """``data`` (the message as received) decoded: headers from RFC 2047, the body from its transfer encoding and
    charset — the text/plain part, else the text/html part's source."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    headers = tuple((key, _header(value)) for key, value in message.items())
    envelope_to = tuple(envelope_to)
    body, body_type = "", ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001 (a broken MIME structure: fall back to the raw payload)
        part = None
    if part is not None:
        body, body_type = _text(part), part.get_content_type()
    elif not message.is_multipart():
        body, body_type = _text(message), message.get_content_type()
    body = body.replace("\r\n", "\n")
    attachments = tuple(
        Attachment(
            _header(p.get_filename() or ""), p.get_content_type(), len(p.get_payload(decode=True) or b"")
        )
        for p in message.iter_attachments()
    )
    found = {key.lower(): value for key, value in reversed(headers)}
    return StoredMessage(
        id=number,
        received=received,
        envelope_from=envelope_from,
        envelope_to=envelope_to,
        headers=headers,
        subject=found.get("subject", ""),
        sender=found.get("from", "") or envelope_from,
        recipients=found.get("to", "") or ", ".join(envelope_to),
        body=body,
        body_type=body_type,
        attachments=attachments,
        size=len(data),
    )


class Mailbox:
    """The last ``keep`` messages, in memory; numbered from 1 in the order they arrived (thread-safe)."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.clock = clock
        self.keep = keep
        self._messages: collections.deque[StoredMessage] = collections.deque(maxlen=keep)
        self._lock = threading.Lock()
        self._last = 0

    def add(self, envelope_from: str, envelope_to: Iterable[str], data: bytes) -> StoredMessage:
        received = self.clock.now()
        with self._lock:
            self._last += 1
            number = self._last
        message = parse(number, received, envelope_from, envelope_to, data)
        with self._lock:
            self._messages.append(message)
        return message

    def add_sms(self, phone: str, text: str, delivery_id: str = "") -> StoredMessage:
        """A text message, kept as a mail from :data:`SMS_SENDER` to the phone with the text as its body."""
        mail = EmailMessage()
        mail["From"] = SMS_SENDER
        mail["To"] = phone
        mail["Subject"] = text[:40] + ("…" if len(text) > 40 else "")
        if delivery_id:
            mail["Message-ID"] = f"<{delivery_id}@kam.notice>"
        mail.set_content(text)
        return self.add(SMS_SENDER, [phone], mail.as_bytes())

    def newest_first(self) -> list[StoredMessage]:
        with self._lock:
            return sorted(self._messages, key=lambda m: m.id, reverse=True)

    def get(self, number: int) -> StoredMessage | None:
        with self._lock:
            return next((m for m in self._messages if m.id == number), None)

    @property
    def received_total(self) -> int:
        with self._lock:
            return self._last


class _SmtpHandler:
    """aiosmtpd's handler: every message goes to the mailbox (and one line to the console)."""

    def __init__(self, mailbox: Mailbox, echo: Callable[[str], None] | None) -> None:
        self.mailbox = mailbox
        self.echo = echo

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8", errors="replace")
        message = self.mailbox.add(envelope.mail_from or "", envelope.rcpt_tos, data)
        if self.echo is not None:
            self.echo(
                f"收到邮件 #{message.id} {message.received_local} {message.sender} → {message.recipients}："
                f"{message.subject}"
            )
        return "250 Message accepted for delivery"


# ------------------------------------------------------------------------------------------------- viewer

_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 24px;
       color: #1f1f1f; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.note { color: #666; margin: 0 0 16px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #fafafa; white-space: nowrap; }
td.time, td.num { white-space: nowrap; color: #555; }
pre { white-space: pre-wrap; word-break: break-word; background: #fafafa; padding: 12px; border: 1px solid #eee;
      font-size: 14px; }
a { color: #1677ff; text-decoration: none; }
"""


def _page(title: str, body: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def list_page(mailbox: Mailbox) -> str:
    messages = mailbox.newest_first()
    e = html.escape
    rows = "".join(
        f'<tr><td class="num">{m.id}</td><td class="time">{e(m.received_local)}</td><td>{e(m.sender)}</td>'
        f'<td>{e(m.recipients)}</td><td><a href="/messages/{m.id}">{e(m.subject) or "（无主题）"}</a></td></tr>'
        for m in messages
    )
    table = (
        "<table><thead><tr><th>编号</th><th>时间（北京时间）</th><th>发件人</th><th>收件人</th><th>主题</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if messages
        else "<p>还没有收到邮件。选择了邮件通知的员工收到预警、公告或任务时，邮件会出现在这里。</p>"
    )
    body = (
        "<h1>KAM 本地邮件收件箱</h1>"
        '<p class="note">仅用于本地开发和演示：通知服务发出的邮件都停在这里，不会真正发出。'
        f"共收到 {mailbox.received_total} 封，保留最近 {mailbox.keep} 封，新邮件在前；本页每 10 秒刷新。"
        ' 机器可读：<a href="/messages.json">/messages.json</a></p>'
        f"{table}"
    )
    return _page("KAM 本地邮件收件箱", body, refresh=10)


def message_page(message: StoredMessage) -> str:
    e = html.escape
    headers = "".join(f"<tr><th>{e(key)}</th><td>{e(value)}</td></tr>" for key, value in message.headers)
    envelope = (
        f"<tr><th>接收时间</th><td>{e(message.received_local)}（北京时间）</td></tr>"
        f"<tr><th>信封发件人</th><td>{e(message.envelope_from)}</td></tr>"
        f"<tr><th>信封收件人</th><td>{e(', '.join(message.envelope_to))}</td></tr>"
    )
    note = "（HTML 正文，按源代码显示，不渲染）" if message.body_type == "text/html" else ""
    attachments = (
        "<h2>附件</h2><ul>"
        + "".join(
            f"<li>{e(a.filename) or '（无文件名）'}（{e(a.content_type)}，{a.size} 字节）</li>"
            for a in message.attachments
        )
        + "</ul>"
        if message.attachments
        else ""
    )
    body = (
        '<p><a href="/">← 返回收件箱</a></p>'
        f"<h1>{e(message.subject) or '（无主题）'}</h1>"
        f"<table><tbody>{envelope}{headers}</tbody></table>"
        f"<h2>正文{note}</h2><pre>{e(message.body)}</pre>{attachments}"
    )
    return _page(f"邮件 #{message.id}：{message.subject}", body)


def not_found_page(mailbox: Mailbox) -> str:
    body = (
        '<p><a href="/">← 返回收件箱</a></p><h1>没有这封邮件</h1>'
        f"<p>只保留最近 {mailbox.keep} 封邮件，更早的已被清除；重启后收件箱为空。</p>"
    )
    return _page("没有这封邮件", body)


class _ViewerServer(ThreadingHTTPServer):
    daemon_threads = True
    mailbox: Mailbox


class _ViewerHandler(BaseHTTPRequestHandler):
    server: _ViewerServer
    server_version = "KAM-mailsink"
    sys_version = ""

    def do_GET(self) -> None:  # http.server's name
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:  # http.server's name: the demo's SMS provider
        if urlsplit(self.path).path.rstrip("/") != "/sms":
            self._reply(HTTPStatus.NOT_FOUND, "application/json", b'{"code": "NOT_FOUND"}')
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            if not 0 < length <= MAX_SMS_BYTES:
                raise ValueError("size")
            sms = json.loads(self.rfile.read(length))
            phone, text = str(sms["phone"]), str(sms["text"])
        except (ValueError, KeyError, TypeError):
            self._reply(HTTPStatus.BAD_REQUEST, "application/json", b'{"code": "BAD_REQUEST"}')
            return
        self.server.mailbox.add_sms(phone, f"{sms.get('signature') or ''}{text}", str(sms.get("id", "")))
        self._reply(HTTPStatus.OK, "application/json", b'{"code": 0}')

    def _reply(self, status: HTTPStatus, kind: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, send_body: bool) -> None:
        mailbox = self.server.mailbox
        path = urlsplit(self.path).path.rstrip("/") or "/"
        status, kind, text = HTTPStatus.OK, "text/html; charset=utf-8", ""
        if path == "/":
            text = list_page(mailbox)
        elif path == "/healthz":
            kind, text = "text/plain; charset=utf-8", "ok\n"
        elif path == "/messages.json":
            kind = "application/json; charset=utf-8"
            text = json.dumps(
                {
                    "received_total": mailbox.received_total,
                    "keep": mailbox.keep,
                    "messages": [m.to_json() for m in mailbox.newest_first()],
                },
                ensure_ascii=False,
                indent=1,
            )
        elif path.startswith("/messages/") and path.removeprefix("/messages/").isdigit():
            message = mailbox.get(int(path.removeprefix("/messages/")))
            if message is None:
                status, text = HTTPStatus.NOT_FOUND, not_found_page(mailbox)
            else:
                text = message_page(message)
        else:
            status, text = HTTPStatus.NOT_FOUND, not_found_page(mailbox)
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        pass  # the readiness probe and page refreshes would drown the console


# --------------------------------------------------------------------------------------------------- sink


@dataclass
class MailSink:
    """The SMTP server and the viewer together; :meth:`start` and :meth:`stop` (or ``with``). ``http_port=0``
    takes a free port (see :attr:`http_port` after start); the SMTP port must be a real one."""

    host: str = DEFAULT_HOST
    smtp_port: int = DEFAULT_SMTP_PORT
    http_port: int = DEFAULT_HTTP_PORT
    keep: int = DEFAULT_KEEP
    clock: Clock = SYSTEM_CLOCK
    echo: Callable[[str], None] | None = None
    mailbox: Mailbox = field(init=False)
    _smtp: Controller | None = field(default=None, init=False)
    _http: _ViewerServer | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.mailbox = Mailbox(self.clock, self.keep)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.http_port}/"

    def start(self) -> None:
        self._smtp = Controller(
            _SmtpHandler(self.mailbox, self.echo),
            hostname=self.host,
            port=self.smtp_port,
            server_hostname="kam-mailsink",  # not socket.getfqdn(), which may wait on DNS
            ident="KAM mailsink (local development only)",
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
        )
        self._smtp.start()
        try:
            self._http = _ViewerServer((self.host, self.http_port), _ViewerHandler)
        except BaseException:
            self._smtp.stop()
            self._smtp = None
            raise
        self._http.mailbox = self.mailbox
        self.http_port = self._http.server_address[1]
        self._thread = threading.Thread(
            target=self._http.serve_forever, args=(0.1,), name="mailsink-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._smtp is not None:
            self._smtp.stop()
            self._smtp = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KAM's local SMTP sink and its viewer (development only)")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address both servers listen on (127.0.0.1)")
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=_env_int("KAM_MAILSINK_SMTP_PORT", DEFAULT_SMTP_PORT),
        help="SMTP port",
    )
    parser.add_argument(
        "--http-port",
        type=int,
        default=_env_int("KAM_MAILSINK_HTTP_PORT", DEFAULT_HTTP_PORT),
        help="viewer port",
    )
    parser.add_argument(
        "--keep",
        type=int,
        default=_env_int("KAM_MAILSINK_KEEP", DEFAULT_KEEP),
        help="messages kept in memory",
    )
    args = parser.parse_args(argv)
    # the signals that stop it are taken by the main thread alone (the server threads inherit the mask)
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    sink = MailSink(
        args.host, args.smtp_port, args.http_port, args.keep, echo=lambda line: print(line, flush=True)
    )
    sink.start()
    print(
        f"本地邮件收件箱已启动 / mail sink up: SMTP {args.host}:{args.smtp_port}, 查看 / view {sink.url}",
        flush=True,
    )
    try:
        signal.sigwait(stop_signals)
    finally:
        sink.stop()
    print("本地邮件收件箱已停止 / mail sink stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
