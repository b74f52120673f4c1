"""Revoked sessions and service-account tokens, known to every service at once.

The identity service (in the gateway) records ``kam.identity.v1.SessionRevoked`` when a session ends (logout,
revocation, a disabled user, a replayed refresh token) and ``ServiceAccountRevoked`` when a service account's
secret is replaced or the account disabled. Every service follows both subjects of the ``KAM_IDENTITY`` stream
from its beginning with an ordered (ephemeral, in-memory) consumer, so each replica holds the whole list, and
its interceptor refuses a token whose session is on it, or a service token issued before its account's
revocation: ``UNAUTHENTICATED`` ``TOKEN_REVOKED``. Entries are dropped once every token they concern has expired
(a session's ``expire_time``; a service token lives at most :data:`SERVICE_TOKEN_MAX_AGE`).

Why not a call to the identity service per request: it would put the gateway on every request's path and make it
a single point of failure; the list is small (sessions ended within the last 12 hours) and the stream brings a
revocation to every service within milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.timeconv import from_timestamp

log = logging.getLogger(__name__)

STREAM = "KAM_IDENTITY"
SESSION_SUBJECT = "kam.identity.v1.SessionRevoked"
ACCOUNT_SUBJECT = "kam.identity.v1.ServiceAccountRevoked"
#: The longest a service token may be valid; a revocation older than this concerns no live token.
SERVICE_TOKEN_MAX_AGE = timedelta(days=31)


class Revocations:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._sessions: dict[str, float] = {}  # session id → when its last token expires (epoch seconds)
        self._accounts: dict[str, float] = {}  # services/<id> → tokens issued before this are revoked
        #: Set once both subjects' history has been read (the service may report SERVING from then on).
        self.caught_up = asyncio.Event()
        self._seen = 0  # the highest stream sequence applied

    def revoke_session(self, session_id: str, expire_at: float) -> None:
        self._sessions[session_id] = max(expire_at, self._sessions.get(session_id, 0.0))

    def revoke_account(self, subject: str, revoke_at: float) -> None:
        self._accounts[subject] = max(revoke_at, self._accounts.get(subject, 0.0))

    def is_revoked(self, identity: Identity) -> bool:
        if identity.session_id and identity.session_id in self._sessions:
            return True
        revoked_at = self._accounts.get(identity.subject) if identity.kind == "service" else None
        return revoked_at is not None and identity.issued_at < revoked_at

    def prune(self) -> None:
        now = self.clock.now().timestamp()
        self._sessions = {sid: at for sid, at in self._sessions.items() if at > now}
        horizon = now - SERVICE_TOKEN_MAX_AGE.total_seconds()
        self._accounts = {subject: at for subject, at in self._accounts.items() if at > horizon}

    def apply(self, subject: str, payload: bytes) -> None:
        from kam.identity.v1 import events_pb2

        if subject == SESSION_SUBJECT:
            session = events_pb2.SessionRevoked.FromString(payload)
            self.revoke_session(session.session_id, from_timestamp(session.expire_time).timestamp())
        elif subject == ACCOUNT_SUBJECT:
            account = events_pb2.ServiceAccountRevoked.FromString(payload)
            self.revoke_account(
                account.service_account.replace("serviceAccounts/", "services/", 1),
                from_timestamp(account.revoke_time).timestamp(),
            )

    async def follow(self, js: JetStreamContext, *, retry_seconds: float = 2.0) -> None:
        """Read both subjects from the stream's beginning, then keep following (until cancelled). Until the
        identity stream exists (the gateway not yet started) it retries."""
        while True:
            try:
                subscriptions = []
                for subject in (SESSION_SUBJECT, ACCOUNT_SUBJECT):
                    subscriptions.append(
                        await js.subscribe(
                            subject,
                            ordered_consumer=True,
                            deliver_policy=DeliverPolicy.ALL,
                            cb=self._on_message,
                            manual_ack=True,
                        )
                    )
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the stream may not exist yet
                log.info(
                    "revocation list: identity stream not available yet; retrying", extra={"error": repr(exc)}
                )
                await asyncio.sleep(retry_seconds)
        try:
            await self._catch_up(js)
            while True:
                await asyncio.sleep(300)
                self.prune()
        finally:
            for subscription in subscriptions:
                with contextlib.suppress(Exception):  # the connection may be closing too
                    await subscription.unsubscribe()

    async def _catch_up(self, js: JetStreamContext) -> None:
        """Wait until the revocations in the stream when we subscribed have been applied."""
        target = 0
        for subject in (SESSION_SUBJECT, ACCOUNT_SUBJECT):
            with contextlib.suppress(NotFoundError):  # no message on that subject yet
                target = max(target, (await js.get_last_msg(STREAM, subject)).seq or 0)
        while self._seen < target:
            await asyncio.sleep(0.01)
        self.caught_up.set()

    async def _on_message(self, msg) -> None:
        try:
            self.apply(msg.subject, msg.data)
        except Exception:  # a malformed message must not stop the list
            log.exception("revocation list: unreadable message on %s", msg.subject)
        sequence = getattr(getattr(msg, "metadata", None), "sequence", None)
        if sequence is not None:
            self._seen = max(self._seen, sequence.stream)
