"""CustomerService methods for a customer's lifecycle and pushed transactions (a mixin of CustomerServicer)."""

from __future__ import annotations

from kam.customer.v1 import customer_service_pb2 as pb
from kam_kit import protoconv
from kam_kit.errors import InvalidArgument, Validator
from kam_kit.grpcserver import current_identity

from kam_customer.adapters import protomap
from kam_customer.entrypoints.audit_api import masked_for_caller
from kam_customer.ingestion.push import PushService, TransactionDraft
from kam_customer.service_layer import audit
from kam_customer.service_layer.lifecycle import LifecycleService


class LifecycleApi:
    """DeleteCustomer and CreateTransaction; expects ``self.lifecycle`` and ``self.push`` of CustomerServicer."""

    lifecycle: LifecycleService
    push: PushService

    async def DeleteCustomer(self, request: pb.DeleteCustomerRequest, context) -> pb.DeleteCustomerResponse:
        await self.lifecycle.delete(current_identity(), request.name, etag=request.etag)
        return pb.DeleteCustomerResponse()

    async def CreateTransaction(
        self, request: pb.CreateTransactionRequest, context
    ) -> pb.CreateTransactionResponse:
        if not request.HasField("transaction"):
            raise InvalidArgument.for_field("transaction", "必填 (required)")
        message = request.transaction
        v = Validator()
        draft = TransactionDraft(
            direction=protomap.DIRECTION_FROM_ENUM.get(message.direction, ""),
            amount=protoconv.collect(
                v, protoconv.money_value, message.amount, "transaction.amount", positive=True
            )
            if message.HasField("amount")
            else None,
            post_time=protoconv.collect(
                v, protoconv.timestamp_value, message.post_time, "transaction.post_time"
            )
            if message.HasField("post_time")
            else None,
            balance_after=protoconv.collect(
                v, protoconv.money_value, message.balance_after, "transaction.balance_after"
            )
            if message.HasField("balance_after")
            else None,
            channel=protomap.CHANNEL_FROM_ENUM.get(message.channel, ""),
            cash=message.cash,
            counterparty=message.counterparty.strip(),
            summary=message.summary.strip(),
            unreadable=v.violations,
        )
        row, key = await self.push.create_transaction(
            current_identity(), request.parent, request.transaction_id.strip(), draft
        )
        masked = masked_for_caller(
            audit.transactions_shown, [row]
        )  # the one masking gate, with its audit note
        return pb.CreateTransactionResponse(
            transaction=protomap.transaction_to_proto(row, key, masked=masked)
        )
