"""Masking by a per-type plan answers exactly what walking every set field did, and walks recursive types safely."""

from __future__ import annotations

from google.protobuf import struct_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.type import date_pb2
from kam.customer.v1 import customer_pb2, customer_service_pb2
from kam_customer.adapters import pii
from kam_kit.timeconv import to_timestamp

Customer = customer_pb2.Customer


def _walked(message: Message) -> Message:
    """The rule as first written: every set field of every message inside, by its kind (the oracle)."""
    for field, value in message.ListFields():
        kind = pii.FIELDS.get(field.full_name)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if kind == pii.BIRTH_DATE:
                message.ClearField(field.name)
            elif field.is_repeated:
                if not field.message_type.GetOptions().map_entry:
                    for item in value:
                        _walked(item)
            else:
                _walked(value)
        elif kind is not None and field.type == FieldDescriptor.TYPE_STRING and kind != pii.MATCHED_VALUE:
            if field.is_repeated:
                value[:] = [pii._masked_value(kind, item, message) for item in value]
            else:
                setattr(message, field.name, pii._masked_value(kind, value, message))
    if "masked" in message.DESCRIPTOR.fields_by_name:
        message.masked = True  # type: ignore[attr-defined]
    return message


def _customer(n: int, kind: int) -> Customer:
    from datetime import UTC, datetime

    return Customer(
        name=f"customers/c{n}",
        type=kind,
        display_name="张三丰" if kind == Customer.TYPE_INDIVIDUAL else "北京某某科技有限公司",
        id_number="110105195001010019",
        phone="13812345678" if n % 2 else "",  # an empty field stays as it is
        email="zhang@example.com",
        address="北京市朝阳区建国路88号",
        legal_representative="李四" if kind == Customer.TYPE_CORPORATE else "",
        birth_date=date_pb2.Date(year=1950, month=1, day=1),
        create_time=to_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    )


def test_the_plan_masks_what_the_walk_masked() -> None:
    messages = [
        _customer(1, Customer.TYPE_INDIVIDUAL),
        _customer(2, Customer.TYPE_CORPORATE),
        customer_service_pb2.ListCustomersResponse(
            customers=[_customer(n, Customer.TYPE_INDIVIDUAL) for n in range(3)]
        ),
        customer_service_pb2.SearchCustomersResponse(
            results=[
                customer_service_pb2.CustomerSearchResult(
                    customer=_customer(5, Customer.TYPE_INDIVIDUAL), matched_value="张**"
                )
            ]
        ),
    ]
    for message in messages:
        expected, got = _walked(type(message).FromString(message.SerializeToString())), pii.mask(message)
        assert got == expected
    customer = messages[0]
    assert (
        customer.masked and not customer.HasField("birth_date") and customer.id_number != "110105195001010019"
    )
    assert customer.create_time.seconds > 0  # what holds no personal data is left alone


def test_types_without_personal_data_are_not_walked_and_recursion_ends() -> None:
    assert pii._plan(struct_pb2.Value.DESCRIPTOR) == ()  # Value → ListValue → Value …, and Struct's map
    plan = {field.name for field, _ in pii._plan(Customer.DESCRIPTOR)}
    assert {"display_name", "id_number", "phone", "birth_date"} <= plan
    assert not plan & {"create_time", "update_time", "name", "etag"}
