"""Customer message templates: saved only with known variables (an unknown one is named), e-mail ones with a
subject, zh-CN and en-US text, ETags, filters, and only for who may manage them."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_notice.domain.templates import render, variables_of
from notice_testlib import Bank, violation_texts, violations

T = notice_pb2.Template


def greeting(**fields) -> T:
    return T(
        display_name=fields.pop("display_name", "生日祝福"),
        category=fields.pop("category", T.CATEGORY_GREETING),
        channel=fields.pop("channel", notice_pb2.CHANNEL_SMS),
        body=fields.pop("body", "尊敬的{{ customer_name }}{{salutation}}，{{bank_name}}祝您生日快乐！"),
        **fields,
    )


async def test_a_template_with_known_variables_is_kept_and_one_with_an_unknown_variable_is_named(
    bank: Bank,
) -> None:
    created = (
        await bank.call(
            "CreateTemplate",
            npb.CreateTemplateRequest(template=greeting(en_body="Happy birthday, {{customer_name}}!")),
            "users/admin",
        )
    ).template
    assert created.name.startswith("templates/") and created.etag == "v1"
    assert created.en_body == "Happy birthday, {{customer_name}}!"
    got = (
        await bank.call("GetTemplate", npb.GetTemplateRequest(name=created.name), "users/rm_dongcheng")
    ).template
    assert got == created  # anyone who sends messages may read it
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await bank.call(
            "CreateTemplate",
            npb.CreateTemplateRequest(template=greeting(body="您好{{customer_nmae}}")),
            "users/admin",
        )
    assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(unknown.value) == {"template.body"}
    assert "customer_nmae" in violation_texts(unknown.value)["template.body"]  # the variable is named
    with pytest.raises(grpc.aio.AioRpcError) as email:
        await bank.call(
            "CreateTemplate",
            npb.CreateTemplateRequest(
                template=greeting(channel=notice_pb2.CHANNEL_EMAIL, body="您好{{customer_name")
            ),
            "users/admin",
        )
    assert violations(email.value) == {"template.subject", "template.body"}
    with pytest.raises(grpc.aio.AioRpcError) as nul:
        await bank.call(
            "CreateTemplate", npb.CreateTemplateRequest(template=greeting(body="您好\x00")), "users/admin"
        )
    assert violations(nul.value) == {"template.body"}
    with pytest.raises(grpc.aio.AioRpcError) as denied:  # managing templates is the administrators'
        await bank.call(
            "CreateTemplate", npb.CreateTemplateRequest(template=greeting()), "users/rm_dongcheng"
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_templates_are_listed_by_channel_changed_with_their_etag_and_deleted(bank: Bank) -> None:
    sms = (
        await bank.call("CreateTemplate", npb.CreateTemplateRequest(template=greeting()), "users/admin")
    ).template
    email = greeting(
        display_name="到期提醒",
        category=T.CATEGORY_RELATIONSHIP,
        channel=notice_pb2.CHANNEL_EMAIL,
        subject="您的{{product_name}}将于{{maturity_date}}到期",
        body="尊敬的{{customer_name}}：您的{{product_name}}将于{{maturity_date}}到期，客户经理{{rm_name}}（{{rm_phone}}）将与您联系。",
    )
    await bank.call("CreateTemplate", npb.CreateTemplateRequest(template=email), "users/admin")
    listed = await bank.call(
        "ListTemplates", npb.ListTemplatesRequest(filter="channel = CHANNEL_EMAIL"), "users/admin"
    )
    assert [t.display_name for t in listed.templates] == ["到期提醒"] and listed.total_size == 1
    mask = field_mask_pb2.FieldMask(paths=["body"])
    change = T(name=sms.name, body="{{customer_name}}，节日快乐！", etag=sms.etag)
    updated = (
        await bank.call(
            "UpdateTemplate", npb.UpdateTemplateRequest(template=change, update_mask=mask), "users/admin"
        )
    ).template
    assert updated.body == "{{customer_name}}，节日快乐！" and updated.display_name == "生日祝福"
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await bank.call(
            "UpdateTemplate", npb.UpdateTemplateRequest(template=change, update_mask=mask), "users/admin"
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    bad = T(name=sms.name, body="{{unknown}}", etag=updated.etag)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bank.call(
            "UpdateTemplate", npb.UpdateTemplateRequest(template=bad, update_mask=mask), "users/admin"
        )
    assert violations(refused.value) == {"template.body"}
    await bank.call(
        "DeleteTemplate", npb.DeleteTemplateRequest(name=sms.name, etag=updated.etag), "users/admin"
    )
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await bank.call("GetTemplate", npb.GetTemplateRequest(name=sms.name), "users/admin")
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND


def test_rendering_fills_each_placeholder() -> None:
    text = "尊敬的{{ customer_name }}，您的{{product_name}}{{product_name}}"
    assert variables_of(text) == ["customer_name", "product_name"]
    assert render(text, {"customer_name": "王女士", "product_name": "理财"}) == "尊敬的王女士，您的理财理财"
    assert render("{{customer_name}}{{date}}", {"customer_name": "张"}) == "张"
