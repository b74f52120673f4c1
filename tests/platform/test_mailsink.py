"""deploy/local/mailsink.py, the local SMTP sink ``make run`` starts: real mail over SMTP in, the viewer's JSON and
pages out (decoded from RFC 2047 and the body's charset, HTML-escaped); and run.py wiring it to the notice service."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import os
import smtplib
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path
from types import ModuleType

import pytest
from kam_kit.clock import ManualClock
from test_local_run import _plan

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local"
# 2026-03-05 01:02:03 UTC is 09:02:03 in Beijing
START = datetime(2026, 3, 5, 1, 2, 3, tzinfo=UTC)
SUBJECT = "【预警】客户张三大额取现 500,000.00 元"
BODY = "尊敬的张经理：\n客户 张三 于今日取现 500,000.00 元。<script>alert('x')</script>\n"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kam_local_mailsink", LOCAL / "mailsink.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


mailsink = _load()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sink(free_port: Callable[[], int], clock: ManualClock) -> Iterator:
    lines: list[str] = []
    with mailsink.MailSink(
        smtp_port=free_port(), http_port=0, keep=3, clock=clock, echo=lines.append
    ) as running:
        running.lines = lines
        yield running


def _send(sink, message: EmailMessage | MIMEText, to: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as client:
        client.send_message(message, to_addrs=to)


def _get(sink, path: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(sink.url.rstrip("/") + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def _alert_mail() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr(("KAM 大客户管理系统", "kam-notice@kam-demo.example"))
    mail["To"] = formataddr(("张经理", "rm_zhang@kam-demo.example"))
    mail["Subject"] = SUBJECT
    mail["Message-ID"] = "<0123abcd@kam.notice>"
    mail.set_content(BODY)
    return mail


def test_a_chinese_mail_sent_over_smtp_shows_decoded_and_escaped(sink, clock: ManualClock) -> None:
    mail = _alert_mail()
    assert b"=?utf-8?" in mail.as_bytes()  # the subject travels RFC 2047-encoded
    _send(sink, mail)

    status, headers, text = _get(sink, "/messages.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    listing = json.loads(text)
    assert listing["received_total"] == 1
    (message,) = listing["messages"]
    assert message["subject"] == SUBJECT
    assert message["from"] == "KAM 大客户管理系统 <kam-notice@kam-demo.example>"
    assert message["to"] == "张经理 <rm_zhang@kam-demo.example>"
    assert message["envelope_to"] == ["rm_zhang@kam-demo.example"]
    assert message["body"] == BODY  # the data as sent (JSON is not HTML)
    assert message["message_id"] == "<0123abcd@kam.notice>"
    assert message["received_local"] == "2026-03-05 09:02:03"  # the injected clock, in bank time
    assert message["received"] == "2026-03-05T09:02:03+08:00"
    assert sink.lines == [
        "收到邮件 #1 2026-03-05 09:02:03 KAM 大客户管理系统 <kam-notice@kam-demo.example> → "
        + f"张经理 <rm_zhang@kam-demo.example>：{SUBJECT}"
    ]

    status, headers, page = _get(sink, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in page and "KAM 本地邮件收件箱" in page
    assert "2026-03-05 09:02:03" in page and SUBJECT in page
    assert "张经理 &lt;rm_zhang@kam-demo.example&gt;" in page
    assert '<a href="/messages/1">' in page

    status, headers, page = _get(sink, "/messages/1")
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "尊敬的张经理：" in page and f"<h1>{SUBJECT}</h1>" in page
    assert "&lt;0123abcd@kam.notice&gt;" in page  # every header, escaped


def test_newest_first_and_only_the_last_n_are_kept(sink, clock: ManualClock) -> None:
    for number in range(1, 5):
        mail = _alert_mail()
        del mail["Subject"]
        mail["Subject"] = f"第 {number} 封"
        _send(sink, mail)
        clock.advance(timedelta(minutes=1))
    listing = json.loads(_get(sink, "/messages.json")[2])
    assert listing["received_total"] == 4 and listing["keep"] == 3
    assert [m["subject"] for m in listing["messages"]] == ["第 4 封", "第 3 封", "第 2 封"]
    assert [m["received_local"][11:] for m in listing["messages"]] == ["09:05:03", "09:04:03", "09:03:03"]
    page = _get(sink, "/")[2]
    assert page.index("第 4 封") < page.index("第 3 封") < page.index("第 2 封") and "第 1 封" not in page
    status, _, page = _get(sink, "/messages/1")  # pushed out by newer mail
    assert status == 404 and "没有这封邮件" in page
    assert _get(sink, "/messages/abc")[0] == 404 and _get(sink, "/nowhere")[0] == 404
    assert _get(sink, "/healthz")[:3:2] == (200, "ok\n")


def test_gbk_mail_and_html_only_mail_are_decoded_and_shown_as_source(sink) -> None:
    # what many Chinese mail clients send: GB2312 headers (RFC 2047, base64) and a base64 GB2312 body
    def gb(text: str) -> bytes:
        return base64.b64encode(text.encode("gb2312"))

    legacy = (
        b"From: =?GB2312?B?" + gb("北京分行") + b"?= <branch@kam-demo.example>\r\n"
        b"To: rm_zhang@kam-demo.example\r\n"
        b"Subject: =?GB2312?B?" + gb("回访计划") + b"?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=GB2312\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + gb("您好，附件是本月的客户回访计划。") + b"\r\n"
    )
    with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as client:
        client.sendmail("branch@kam-demo.example", ["rm_zhang@kam-demo.example"], legacy)
    page = MIMEText(
        '<p onclick="steal()">大额<b>预警</b></p><img src="https://evil.example/x.png">', "html", "utf-8"
    )
    page["Subject"] = "HTML 邮件"
    page["From"] = "kam-notice@kam-demo.example"
    _send(sink, page, to=["branch_manager@kam-demo.example"])

    html_message, gbk = json.loads(_get(sink, "/messages.json")[2])["messages"]
    assert gbk["subject"] == "回访计划" and gbk["from"] == "北京分行 <branch@kam-demo.example>"
    assert gbk["body"] == "您好，附件是本月的客户回访计划。"
    assert html_message["to"] == "branch_manager@kam-demo.example"  # no To header: the envelope's
    assert html_message["body_type"] == "text/html"
    shown = _get(sink, f"/messages/{html_message['id']}")[2]
    assert "按源代码显示" in shown
    assert "&lt;p onclick=&quot;steal()&quot;&gt;大额&lt;b&gt;预警&lt;/b&gt;&lt;/p&gt;" in shown
    assert "<img" not in shown and "<p onclick" not in shown


async def test_the_notice_services_sms_sender_delivers_to_the_sinks_sms_endpoint(sink) -> None:
    from kam_kit.settings import Secret
    from kam_notice.service_layer.deliveries import HttpSmsSender, Outgoing, SmsSettings

    settings = SmsSettings(url=sink.url + "sms", token=Secret("demo-token"), signature="【KAM演示银行】")
    text = "尊敬的王小明，祝您生日快乐！<b>"
    await HttpSmsSender(settings).send(Outgoing("d1", "13800138001", "", text))
    (shown,) = json.loads(_get(sink, "/messages.json")[2])["messages"]
    assert "短信 SMS" in shown["from"] and "13800138001" in shown["to"]
    assert shown["body"].strip() == "【KAM演示银行】" + text
    status, _, page = _get(sink, "/")
    assert status == 200 and "生日快乐！&lt;b&gt;" in page  # shown escaped
    request = urllib.request.Request(sink.url + "sms", data=b"not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
    assert error.value.code == 400


def test_make_run_starts_the_sink_unless_a_mail_server_is_named() -> None:
    lines = _plan()
    (sink,) = [line for line in lines if line.startswith("mailsink ")]
    assert "SMTP 127.0.0.1:1025" in sink and "http://127.0.0.1:8025/" in sink
    assert lines.index(sink) < next(i for i, line in enumerate(lines) if line.startswith("notice "))
    moved = _plan(KAM_MAILSINK_SMTP_PORT="2525", KAM_MAILSINK_HTTP_PORT="8125")
    assert any("SMTP 127.0.0.1:2525" in line and "http://127.0.0.1:8125/" in line for line in moved)
    assert not [line for line in _plan(KAM_NOTICE_SMTP_HOST="smtp.bank.example") if "mailsink" in line]
    assert not [line for line in _plan(KAM_NOTICE_SMTP_HOST="") if "mailsink" in line]  # e-mail off


def test_the_notice_service_is_pointed_at_the_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith(("KAM_", "OTEL_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("KAM_MAILSINK_SMTP_PORT", "2525")
    spec = importlib.util.spec_from_file_location("kam_local_run", LOCAL / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    env = run.environment(secret=False)
    assert (env["KAM_NOTICE_SMTP_HOST"], env["KAM_NOTICE_SMTP_PORT"]) == ("127.0.0.1", "2525")
    assert env["KAM_NOTICE_SMTP_FROM"] == "kam-notice@kam-demo.example"
    assert env["KAM_NOTICE_SMS_URL"] == f"http://127.0.0.1:{env['KAM_MAILSINK_HTTP_PORT']}/sms"
    assert run.choose_mailsink(env, lambda _: None)
    banner = run.banner(env, mailsink=True)
    assert "本地邮件收件箱 / mail sink:   http://127.0.0.1:8025/" in banner
    assert banner.index("KAM is running") < banner.index("mail sink")
    monkeypatch.setenv("KAM_NOTICE_SMTP_HOST", "smtp.bank.example")
    env = run.environment(secret=False)
    assert env["KAM_NOTICE_SMTP_HOST"] == "smtp.bank.example" and not run.choose_mailsink(env, lambda _: None)
