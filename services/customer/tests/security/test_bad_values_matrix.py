"""Issue 11, item 10, for every method: each ``google.type.Date``, ``google.protobuf.Timestamp`` and
``google.type.Money`` a customer-service request can carry (found by walking the request messages of the protos)
is sent impossible — month 13, 30 February, year 2147483646, a time beyond year 9999, nanos out of range, an amount
of mixed signs — and the answer is never an internal error: the converter names the field, or the method ignores
a field it does not read."""

from __future__ import annotations

import grpc
from google.api import field_behavior_pb2
from google.protobuf.descriptor import FieldDescriptor
from kam_kit import authz
from security_testlib import IN
from test_scope_matrix import METHODS, _request

BAD_DATES = ((2026, 13, 1), (2026, 2, 30), (2147483646, 1, 1))
INTERNAL = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.RESOURCE_EXHAUSTED)


def _output_only(field) -> bool:
    """Fields the server fills (google.api.field_behavior OUTPUT_ONLY) are ignored on input by design."""
    return field_behavior_pb2.OUTPUT_ONLY in field.GetOptions().Extensions[field_behavior_pb2.field_behavior]


def _paths(descriptor, prefix: str = "", depth: int = 0):
    """(path, kind) of every Date/Timestamp/Money field inside a request message (a repeated one as its first
    element, ``transactions[0].amount``)."""
    for field in descriptor.fields:
        if field.type != FieldDescriptor.TYPE_MESSAGE or depth > 4 or _output_only(field):
            continue
        path = f"{prefix}{field.name}" + ("[0]" if field.is_repeated else "")
        kind = {
            "google.type.Date": "date",
            "google.protobuf.Timestamp": "time",
            "google.type.Money": "money",
        }.get(field.message_type.full_name)
        if kind:
            yield path, kind
        elif not field.message_type.full_name.startswith("google."):
            yield from _paths(field.message_type, path + ".", depth + 1)


def _corrupted(request, path: str, kind: str):
    """Copies of ``request`` with the field at ``path`` set to each impossible value of its kind."""
    for variant in range(3):
        copy = type(request)()
        copy.CopyFrom(request)
        target = copy
        for part in path.split("."):
            name, _, index = part.partition("[")
            target = getattr(target, name)
            if index:
                target = target[0] if len(target) else target.add()
        if kind == "date":
            target.year, target.month, target.day = BAD_DATES[variant]
        elif kind == "time":
            target.seconds, target.nanos = ((10**15, 0), (-(10**15), 0), (0, 0))[variant]
            if variant == 2:
                target.nanos = -1
        else:
            target.currency_code = "CNY"
            target.units, target.nanos = ((1, -5), (0, 2_000_000_000), (10**17, 0))[variant]
        yield copy


CASES = [(method, path, kind) for method in METHODS for path, kind in _paths(method.input_type)]


def test_the_requests_carry_such_fields() -> None:
    assert {kind for _, _, kind in CASES} == {"date", "time", "money"}


async def test_item10_impossible_dates_times_and_amounts_in_every_method(bank) -> None:
    problems = []
    for method, path, kind in CASES:
        permission = authz.declared_rule(method).permission
        caller = "core_banking" if permission == "transactions.ingest" else "admin"
        stub = getattr(bank.stubs[method.containing_service.full_name], method.name)
        for request in _corrupted(_request(method, IN, bank.api.service.account_names), path, kind):
            try:
                if method.client_streaming:

                    async def one(request=request):
                        yield request

                    reply = await stub(one(), metadata=bank.md(caller), timeout=20)
                else:
                    reply = await stub(request, metadata=bank.md(caller), timeout=20)
            except grpc.aio.AioRpcError as error:
                if error.code() in INTERNAL:
                    problems.append(f"{method.name} {path}={kind}: {error.code()}")
                elif error.code() == grpc.StatusCode.INVALID_ARGUMENT and path.split(".")[-1] not in (
                    error.details() or ""
                ):
                    problems.append(
                        f"{method.name} {path}: INVALID_ARGUMENT without the field: {error.details()}"
                    )
                continue
            # Ingestion answers with counts: the corrupted transaction is rejected, the others (the deprecated
            # field's and the current one's) still taken.
            sent = (
                len(request.transactions) + len(request.source_transactions)
                if path.split(".")[0].endswith("transactions[0]")
                else 0
            )
            if sent and (reply.rejected, reply.accepted) != (1, sent - 1):
                problems.append(f"{method.name} {path}: an impossible {kind} was accepted")
    assert not problems, "\n".join(problems)
