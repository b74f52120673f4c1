"""Transaction monitoring over real databases (SQLite and PostgreSQL): customer events in, alerts, window state and
events out — the same handlers the consumer runs, each event in its own transaction as the consumer applies it.
Then the alerts through the real gRPC server: scoped to the caller, and their lifecycle."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import duration_pb2
from google.type import date_pb2
from kam.alert.v1 import alert_pb2, events_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam.customer.v1 import customer_pb2, tier_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.push.v1 import push_pb2
from kam.task.v1 import events_pb2 as task_events
from kam.task.v1 import task_pb2
from kam_alert.adapters.orm import (
    AlertRow,
    Base,
    DetectorStateRow,
    OrgUnitCopy,
    UserCopy,
    WatchedCustomer,
)
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.domain.rules import money
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.alerts import AlertService
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.scheduler import Scheduler
from kam_alert.service_layer.watch import on_customer_changed
from kam_devkit.testing import migrated_database
from kam_kit import auth, directory, orgtree
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from kam_kit.events import EventMeta
from kam_kit.grpcserver import GrpcServer
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import select

Customer, Transaction = customer_pb2.Customer, customer_pb2.Transaction
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
NOON = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
_seq = iter(range(1, 10_000))


class Bank:
    """The alert service's handlers over one database, with the shipped rules and a small org tree:
    总行 0000 → 北京分行 0100 → 东城支行 0101."""

    def __init__(self, db, clock: ManualClock) -> None:
        self.db, self.clock = db, clock
        self.rules = RuleService(db, clock)
        self.monitor = Monitor(clock)

    async def setup(self) -> None:
        await self.rules.install_shipped()
        update = orgtree.updater(OrgUnitCopy)
        for unit, parent, name in (
            ("0000", "", "总行"),
            ("0100", "0000", "北京分行"),
            ("0101", "0100", "东城支行"),
        ):
            event = customer_events.SourceOrgUnitUpdated(
                org_unit=identity_pb2.OrgUnit(
                    name=f"orgUnits/{unit}", parent=f"orgUnits/{parent}" if parent else "", display_name=name
                )
            )
            async with self.db.transaction() as session:
                await update(session, event, META)

    async def customer(
        self,
        cid: str,
        *,
        rm: str = "users/rm_zhang",
        tier: str = "tiers/gold",
        corporate=False,
        branch: str = "orgUnits/0101",
    ):
        customer = Customer(
            name=f"customers/{cid}",
            type=Customer.TYPE_CORPORATE if corporate else Customer.TYPE_INDIVIDUAL,
            display_name=f"客户{cid}",
            relationship_manager=rm,
            branch=branch,
            tier=tier,
            update_time=to_timestamp(self.clock.now()),
        )
        async with self.db.transaction() as session:
            await on_customer_changed(session, customer_events.CustomerCreated(customer=customer), META)
        return customer

    async def post(
        self,
        customer: customer_pb2.Customer,
        amount: int,
        *,
        at: datetime = NOON,
        cash: bool = True,
        direction=Transaction.DIRECTION_DEBIT,
        account: str = "a1",
        monitor: Monitor | None = None,
    ) -> str:
        name = f"{customer.name}/accounts/{account}/transactions/t{next(_seq)}"
        event = customer_events.TransactionPosted(
            transaction=Transaction(
                name=name, direction=direction, amount=money(amount), post_time=to_timestamp(at), cash=cash
            ),
            tier=customer.tier,
            branch=customer.branch,
            relationship_manager=customer.relationship_manager,
        )
        async with self.db.transaction() as session:
            await (monitor or self.monitor).on_transactions_posted(session, [(event, META)])
        return name

    async def alerts(self) -> list[AlertRow]:
        async with self.db.read() as session:
            return list(await session.scalars(select(AlertRow).order_by(AlertRow.create_time)))

    async def published(self, message_type) -> list:
        async with self.db.read() as session:
            rows = await session.execute(
                select(outbox_table.c.payload).where(
                    outbox_table.c.event_type == message_type.DESCRIPTOR.full_name
                )
            )
            return [message_type.FromString(payload) for (payload,) in rows]


@pytest.fixture
async def bank(database_url):
    clock = ManualClock(NOON)
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        bank = Bank(db, clock)
        await bank.setup()
        yield bank


async def test_a_days_cash_total_raises_one_alert_and_later_cash_updates_it(bank: Bank) -> None:
    c = await bank.customer("c1")
    await bank.post(c, 30_000)
    assert await bank.alerts() == []
    second = await bank.post(c, 20_000, at=NOON + timedelta(hours=1))  # 50,000 in the day: at the threshold
    (alert,) = await bank.alerts()
    assert (alert.kind, alert.state, alert.occurrence_count) == ("large_transaction", "STATE_OPEN", 1)
    assert alert.customer == "customers/c1" and second in alert.transactions
    assert "¥50,000.00" in alert.title and "大额交易" in alert.title
    raised = await bank.published(events_pb2.AlertRaised)
    assert [r.alert.name for r in raised] == [f"alerts/{alert.id}"]
    assert list(raised[0].alert.recipients) == ["users/rm_zhang"]
    pushed = await bank.published(push_pb2.PushRequested)
    assert [(p.kind, list(p.recipients)) for p in pushed] == [("alert.raised", ["users/rm_zhang"])]

    await bank.post(c, 100, at=NOON + timedelta(hours=2))
    (again,) = await bank.alerts()
    assert again.id == alert.id and again.occurrence_count == 2
    assert len(await bank.published(events_pb2.AlertRaised)) == 1  # no flood


async def test_below_the_threshold_transfers_and_other_customers_raise_nothing(bank: Bank) -> None:
    c = await bank.customer("c2")
    await bank.post(c, 49_999)  # cash, one yuan below
    await bank.post(c, 499_999, cash=False)  # an individual's transfer below 500,000
    other = await bank.customer("c3", tier="")  # not a key customer
    await bank.post(other, 900_000)
    assert await bank.alerts() == []
    corporate = await bank.customer("c4", corporate=True)
    await bank.post(corporate, 600_000, cash=False)  # an institution's limit is 2,000,000
    assert await bank.alerts() == []
    await bank.post(corporate, 1_400_000, cash=False)  # the day's total reaches it
    (alert,) = await bank.alerts()
    assert alert.customer == "customers/c4"


async def test_many_small_withdrawals_in_a_day_are_structuring(bank: Bank) -> None:
    c = await bank.customer("c5")
    names = [
        await bank.post(c, 9_000, cash=False, at=NOON + timedelta(hours=i), account=f"a{i % 2}")
        for i in range(5)
    ]
    structuring = [a for a in await bank.alerts() if a.kind == "frequent_withdrawals"]
    assert len(structuring) == 1 and sorted(names) == sorted(json.loads(structuring[0].transactions))


async def test_a_restart_continues_the_window_and_a_disabled_rule_raises_nothing(bank: Bank) -> None:
    c = await bank.customer("c6")
    await bank.post(c, 30_000)
    restarted = Monitor(bank.clock)  # a new process: the state is the database's
    await bank.post(c, 20_000, at=NOON + timedelta(minutes=5), monitor=restarted)
    assert len(await bank.alerts()) == 1

    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:
        await bank.rules.update(
            None, alert_pb2.AlertRule(name=rule.name, enabled=False), ["enabled"], etag=""
        )
    d = await bank.customer("c7")
    await bank.post(d, 80_000)
    assert [a.customer for a in await bank.alerts()] == ["customers/c6"]


async def test_a_fetch_applied_at_once_alerts_as_the_same_events_one_by_one(database_url) -> None:
    """The consumer hands a fetch's transactions to the monitor at once (window states read and written once per
    batch): the alerts, the window states and each customer's last activity equal those of the same events applied
    one transaction each — several events of one customer in the batch, a redelivered one, cumulative and
    structuring windows, a customer that is not watched."""

    def transaction(cid: str, i: int, amount: int, *, cash: bool, minutes: int, account: str = "a1"):
        return customer_events.TransactionPosted(
            transaction=Transaction(
                name=f"customers/{cid}/accounts/{account}/transactions/t{i}",
                direction=Transaction.DIRECTION_DEBIT,
                amount=money(amount),
                post_time=to_timestamp(NOON + timedelta(minutes=minutes)),
                cash=cash,
            ),
            tier="tiers/gold",
            branch="orgUnits/0101",
            relationship_manager="users/rm_zhang",
        )

    stream = [
        transaction("p1", 1, 30_000, cash=True, minutes=0),
        transaction("p2", 2, 9_000, cash=False, minutes=1),
        transaction("p1", 3, 20_000, cash=True, minutes=2),  # the day's cash reaches 50,000
        transaction("p2", 4, 9_000, cash=False, minutes=3, account="a2"),
        transaction("p1", 3, 20_000, cash=True, minutes=2),  # redelivered inside the batch
        transaction("p2", 5, 9_000, cash=False, minutes=4),
        transaction("ghost", 6, 90_000, cash=True, minutes=5),  # not watched (yet): the event's tier counts
        transaction("p2", 7, 9_000, cash=False, minutes=6),
        transaction("p1", 8, 100, cash=True, minutes=7),  # one more occurrence
        transaction("p2", 9, 9_000, cash=False, minutes=8),  # the fifth small withdrawal: structuring
    ]

    async def outcome(batched: bool):
        clock = ManualClock(NOON)
        async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
            bank = Bank(db, clock)
            await bank.setup()
            for cid in ("p1", "p2"):
                await bank.customer(cid)
            if batched:
                async with db.transaction() as session:
                    await bank.monitor.on_transactions_posted(session, [(e, META) for e in stream[:4]])
                async with db.transaction() as session:
                    await bank.monitor.on_transactions_posted(session, [(e, META) for e in stream[4:]])
            else:
                for event in stream:
                    async with db.transaction() as session:
                        await bank.monitor.on_transactions_posted(session, [(event, META)])
            async with db.read() as session:
                states = sorted(
                    (row.rule_id, row.customer, json.loads(row.state))
                    for row in await session.scalars(select(DetectorStateRow))
                )
                activity = sorted(
                    (row.customer, aware(row.last_activity_time))
                    for row in await session.scalars(select(WatchedCustomer))
                )
            alerts = sorted(
                (a.kind, a.customer, a.occurrence_count, sorted(json.loads(a.transactions)))
                for a in await bank.alerts()
            )
            return alerts, states, activity

    one_by_one = await outcome(batched=False)
    assert await outcome(batched=True) == one_by_one
    alerts, states, activity = one_by_one
    assert [(kind, customer, count) for kind, customer, count, _ in alerts] == [
        ("frequent_withdrawals", "customers/p2", 1),
        ("large_transaction", "customers/ghost", 1),
        ("large_transaction", "customers/p1", 2),
    ]
    assert activity == [
        ("customers/p1", NOON + timedelta(minutes=7)),
        ("customers/p2", NOON + timedelta(minutes=8)),
    ]
    assert states  # the windows are kept


async def test_a_rule_for_a_branch_takes_in_its_subtree_only(bank: Bank) -> None:
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:
        scoped = alert_pb2.AlertRule(
            name=rule.name, org_units=["orgUnits/0100"]
        )  # 北京分行: 东城支行 is below
        await bank.rules.update(None, scoped, ["org_units"], etag="")
    c = await bank.customer("c8")
    await bank.post(c, 60_000)
    assert len(await bank.alerts()) == 1
    for rule in listed:
        await bank.rules.update(
            None, alert_pb2.AlertRule(name=rule.name, org_units=["orgUnits/0200"]), ["org_units"], etag=""
        )
    d = await bank.customer("c9")
    await bank.post(d, 60_000)
    assert len(await bank.alerts()) == 1


# ------------------------------------------------------------------------------------------------ through the API


@pytest.fixture
async def api(bank: Bank, token_secret):
    server = GrpcServer("alert", 0, token_secret=token_secret, clock=bank.clock)
    servicer = AlertServicer(bank.db, bank.rules, AlertService(bank.db, bank.clock), b"p" * 32)
    server.add(pb_grpc.add_AlertServiceServicer_to_server, servicer, "kam.alert.v1.AlertService")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    stub = pb_grpc.AlertServiceStub(channel)

    async def call(
        method: str, request, *, user: str = "users/admin", role: str = "roles/admin", org="orgUnits/0000"
    ):
        token = auth.issue_token(
            auth.Identity(subject=user, roles=(role,), org_unit=org),
            secret=token_secret,
            clock=bank.clock,
            ttl=timedelta(hours=1),
        )
        return await getattr(stub, method)(
            request, metadata=((auth.METADATA_KEY, auth.bearer(token)),), timeout=10
        )

    try:
        yield call
    finally:
        await channel.close()
        await server.stop(0)


async def test_alerts_are_scoped_to_the_caller(bank: Bank, api) -> None:
    mine = await bank.customer("m1", rm="users/rm_zhang")
    theirs = await bank.customer("t1", rm="users/rm_li")
    await bank.post(mine, 60_000)
    await bank.post(theirs, 60_000)
    rm = {"user": "users/rm_zhang", "role": "roles/relationship_manager", "org": "orgUnits/0101"}
    listed = await api("ListAlerts", pb.ListAlertsRequest(), **rm)
    assert [a.customer for a in listed.alerts] == ["customers/m1"] and listed.total_size == 1
    everything = await api("ListAlerts", pb.ListAlertsRequest(filter="state = STATE_OPEN"))
    assert everything.total_size == 2
    other = next(a for a in everything.alerts if a.customer == "customers/t1")
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await api("GetAlert", pb.GetAlertRequest(name=other.name), **rm)
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api("ListAlerts", pb.ListAlertsRequest(filter="state = OPEN"))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_alerts_filter_by_recipient_severity_and_time(bank: Bank, api) -> None:
    mine = await bank.customer("f1", rm="users/rm_zhang")
    theirs = await bank.customer("f2", rm="users/rm_li")
    await bank.post(mine, 60_000)  # large cash: SEVERITY_HIGH
    bank.clock.advance(timedelta(hours=2))
    await bank.post(theirs, 60_000, at=NOON + timedelta(hours=2))

    async def customers(text: str) -> list[str]:
        listed = await api("ListAlerts", pb.ListAlertsRequest(filter=text))
        return sorted(a.customer for a in listed.alerts)

    assert await customers('recipients = "users/rm_zhang"') == ["customers/f1"]
    assert await customers('recipients = "users/rm"') == []  # a name, not a prefix
    assert await customers("severity >= SEVERITY_HIGH") == ["customers/f1", "customers/f2"]
    assert await customers("severity > SEVERITY_HIGH") == []
    later = (NOON + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert await customers(f'create_time >= "{later}"') == ["customers/f2"]
    assert await customers(f'create_time < "{later}" AND severity <= SEVERITY_HIGH') == ["customers/f1"]
    birthday = await bank.customer("f3")
    async with bank.db.transaction() as session:  # a low-severity care date beside the two high ones
        await bank.monitor.on_key_date_approaching(
            session,
            customer_events.KeyDateApproaching(
                customer=birthday.name,
                kind=customer_pb2.KEY_DATE_KIND_BIRTHDAY,
                date=date_pb2.Date(year=2026, month=12, day=5),
                tier=birthday.tier,
                branch=birthday.branch,
                relationship_manager=birthday.relationship_manager,
            ),
            META,
        )
    ordered = await api("ListAlerts", pb.ListAlertsRequest(order_by="severity desc"))
    ranks = [alert_pb2.Severity.Value(alert_pb2.Severity.Name(a.severity)) for a in ordered.alerts]
    assert ranks == sorted(ranks, reverse=True) and ranks[-1] == alert_pb2.SEVERITY_LOW, ranks
    for wrong in ('create_time >= "2026-12-01"', "state >= STATE_OPEN", 'recipients = "rm_zhang"'):
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await api("ListAlerts", pb.ListAlertsRequest(filter=wrong))
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT, wrong


async def test_the_lifecycle_keeps_who_when_and_why(bank: Bank, api) -> None:
    c = await bank.customer("l1")
    await bank.post(c, 60_000)
    (alert,) = (await api("ListAlerts", pb.ListAlertsRequest())).alerts
    acked = (
        await api("AcknowledgeAlert", pb.AcknowledgeAlertRequest(name=alert.name, etag=alert.etag))
    ).alert
    assert acked.state == alert_pb2.Alert.STATE_ACKNOWLEDGED and acked.acknowledger == "users/admin"
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await api("AcknowledgeAlert", pb.AcknowledgeAlertRequest(name=alert.name, etag=alert.etag))
    assert stale.value.code() == grpc.StatusCode.ABORTED
    with pytest.raises(grpc.aio.AioRpcError) as long_sleep:
        await api(
            "SnoozeAlert",
            pb.SnoozeAlertRequest(
                name=alert.name, snooze_duration=duration_pb2.Duration(seconds=31 * 86_400)
            ),
        )
    assert long_sleep.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    snoozed = (
        await api(
            "SnoozeAlert",
            pb.SnoozeAlertRequest(name=alert.name, snooze_duration=duration_pb2.Duration(seconds=3600)),
        )
    ).alert
    assert snoozed.state == alert_pb2.Alert.STATE_SNOOZED
    assert snoozed.snooze_expire_time.ToDatetime(tzinfo=UTC) == bank.clock.now() + timedelta(hours=1)
    with pytest.raises(grpc.aio.AioRpcError) as no_note:
        await api("ResolveAlert", pb.ResolveAlertRequest(name=alert.name))
    assert no_note.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    resolved = (
        await api(
            "ResolveAlert", pb.ResolveAlertRequest(name=alert.name, resolution_note="已电话核实，客户购房")
        )
    ).alert
    assert (resolved.state, resolved.resolver, resolved.resolution_note) == (
        alert_pb2.Alert.STATE_RESOLVED,
        "users/admin",
        "已电话核实，客户购房",
    )
    with pytest.raises(grpc.aio.AioRpcError) as done:
        await api("AcknowledgeAlert", pb.AcknowledgeAlertRequest(name=alert.name))
    assert done.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    kinds = [
        type(e).__name__
        for t in (events_pb2.AlertAcknowledged, events_pb2.AlertSnoozed, events_pb2.AlertResolved)
        for e in await bank.published(t)
    ]
    assert kinds == ["AlertAcknowledged", "AlertSnoozed", "AlertResolved"]
    # a resolved alert's key is free again: the same day's next cash raises a new alert
    await bank.post(c, 100, at=NOON + timedelta(hours=3))
    assert len(await bank.alerts()) == 2


async def _apply(bank: Bank, handler, event) -> None:
    async with bank.db.transaction() as session:
        await handler(session, event, META)


async def test_a_sudden_drop_of_aum_against_the_customers_own_peak(bank: Bank) -> None:
    c = await bank.customer("d1")

    async def snapshot(aum: int, at: datetime) -> None:
        event = customer_events.BalanceSnapshot(
            account=f"{c.name}/accounts/a1",
            balance=money(aum),
            customer_assets_under_management=money(aum),
            snapshot_time=to_timestamp(at),
        )
        await _apply(bank, bank.monitor.on_balance_snapshot, event)

    await snapshot(2_000_000, NOON)
    await snapshot(1_500_000, NOON + timedelta(days=2))  # 25 %: below the shipped 30 %
    assert await bank.alerts() == []
    await snapshot(1_400_000, NOON + timedelta(days=3))  # 30 % and 600,000 down
    (alert,) = await bank.alerts()
    assert alert.kind == "balance_drop" and "资产骤降" in alert.title and "¥600,000.00" in alert.title
    await snapshot(1_300_000, NOON + timedelta(days=4))  # against the same peak: the same alert
    (again,) = await bank.alerts()
    assert again.occurrence_count == 2


async def test_tier_changes_up_and_down_by_the_active_rule_sets_order(bank: Bank) -> None:
    rule_set = tier_pb2.TierRuleSet(
        rules=[
            tier_pb2.TierRule(tier="tiers/diamond", tier_display_name="钻石"),
            tier_pb2.TierRule(tier="tiers/gold", tier_display_name="金"),
        ]
    )
    await _apply(
        bank, bank.monitor.on_rule_set_activated, customer_events.TierRuleSetActivated(rule_set=rule_set)
    )
    c = await bank.customer("g1")

    def changed(before: str, after: str, hours: int) -> customer_events.TierChanged:
        return customer_events.TierChanged(
            customer=c.name,
            previous_tier=before,
            tier=after,
            branch=c.branch,
            relationship_manager=c.relationship_manager,
            assignment=tier_pb2.TierAssignment(
                explanation="金融资产 ≥ 600万", assign_time=to_timestamp(NOON + timedelta(hours=hours))
            ),
        )

    await _apply(bank, bank.monitor.on_tier_changed, changed("", "tiers/gold", 0))  # first graded: no change
    async with bank.db.read() as session:  # but the copy has its tier now (rules filtered by tier match it)
        assert (await session.get(WatchedCustomer, c.name)).tier == "tiers/gold"
    await _apply(bank, bank.monitor.on_tier_changed, changed("tiers/gold", "tiers/diamond", 1))
    await _apply(bank, bank.monitor.on_tier_changed, changed("tiers/diamond", "tiers/gold", 2))
    await _apply(bank, bank.monitor.on_tier_changed, changed("tiers/gold", "", 3))
    async with bank.db.read() as session:
        assert (await session.get(WatchedCustomer, c.name)).tier == ""  # no longer a key customer
    titles = [a.title for a in await bank.alerts()]
    assert titles == [
        "客户g1 等级升级：金 → 钻石",
        "客户g1 等级降级：钻石 → 金",
        "客户g1 等级降级：金 → 非大客户",
    ]


async def test_repeats_snoozes_and_escalation_follow_the_clock(bank: Bank, api) -> None:
    scheduler = Scheduler(bank.db, bank.clock)
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:  # repeat hourly, at most 3 notifications; escalate to a named user after 4 hours
        change = alert_pb2.AlertRule(
            name=rule.name,
            escalation=alert_pb2.Escalation(
                after=duration_pb2.Duration(seconds=4 * 3600),
                recipients=alert_pb2.Recipients(users=["users/branch_head"]),
                up_the_org_tree=True,
            ),
        )
        await bank.rules.update(None, change, ["escalation"], etag="")
    c = await bank.customer("s1")
    await bank.post(c, 60_000)
    assert await scheduler.tick() == 0  # nothing due yet
    bank.clock.advance(timedelta(minutes=59))
    assert await scheduler.tick() == 0
    bank.clock.advance(timedelta(minutes=1))
    assert await scheduler.tick() == 1
    bank.clock.advance(timedelta(hours=1))
    await scheduler.tick()
    (alert,) = await bank.alerts()
    assert alert.notify_count == 3 and alert.next_notify_time is None  # the rule's maximum
    bank.clock.advance(timedelta(hours=5))
    await scheduler.tick()
    assert len(await bank.published(events_pb2.AlertRepeated)) == 2
    (escalated,) = await bank.published(events_pb2.AlertEscalated)
    assert list(escalated.escalated_recipients) == ["users/branch_head"]
    assert escalated.alert.escalation_level == 1
    pushes = [(p.kind, list(p.recipients)) for p in await bank.published(push_pb2.PushRequested)]
    assert pushes.count(("alert.repeated", ["users/rm_zhang"])) == 2
    assert ("alert.escalated", ["users/branch_head"]) in pushes

    # acknowledged: nothing more happens; snoozed: back when the time is up
    (row,) = await bank.alerts()
    proto = (await api("GetAlert", pb.GetAlertRequest(name=f"alerts/{row.id}"))).alert
    snoozed = (
        await api(
            "SnoozeAlert",
            pb.SnoozeAlertRequest(
                name=proto.name, etag=proto.etag, snooze_duration=duration_pb2.Duration(seconds=1800)
            ),
        )
    ).alert
    bank.clock.advance(timedelta(minutes=29))
    await scheduler.tick()
    assert (await bank.alerts())[0].state == "STATE_SNOOZED"
    bank.clock.advance(timedelta(minutes=1))
    await scheduler.tick()
    assert (await bank.alerts())[0].state == "STATE_OPEN"
    current = (await api("GetAlert", pb.GetAlertRequest(name=snoozed.name))).alert
    await api("AcknowledgeAlert", pb.AcknowledgeAlertRequest(name=current.name, etag=current.etag))
    before = len(await bank.published(events_pb2.AlertEscalated))
    bank.clock.advance(timedelta(days=1))
    assert await scheduler.tick() == 0
    assert len(await bank.published(events_pb2.AlertEscalated)) == before


async def test_a_key_date_reminds_its_rules_lead_time_before_and_only_once(bank: Bank) -> None:
    c = await bank.customer("k1")
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    birthday = customer_events.KeyDateApproaching(
        customer=c.name,
        kind=customer_pb2.KEY_DATE_KIND_BIRTHDAY,
        date=date_pb2.Date(
            year=2026, month=12, day=20
        ),  # 16 days ahead; the shipped rule reminds 3 days before
        customer_display_name="客户k1",
        tier=c.tier,
        branch=c.branch,
        relationship_manager=c.relationship_manager,
    )
    await _apply(bank, bank.monitor.on_key_date_approaching, birthday)
    await _apply(bank, bank.monitor.on_key_date_approaching, birthday)  # announced again: one reminder
    assert await bank.alerts() == []
    bank.clock.set(datetime(2026, 12, 16, 15, 59, tzinfo=UTC))  # 23:59 on the 16th in Beijing
    await scheduler.tick()
    assert await bank.alerts() == []
    bank.clock.set(datetime(2026, 12, 16, 16, 0, tzinfo=UTC))  # 00:00 on the 17th: three days before
    await scheduler.tick()
    (alert,) = await bank.alerts()
    assert (alert.kind, alert.title) == ("key_date", "客户k1 生日 2026-12-20")
    await scheduler.tick()
    await _apply(
        bank, bank.monitor.on_key_date_approaching, birthday
    )  # too late to wait: raised at once … once
    assert len(await bank.alerts()) == 1

    maturity = customer_events.KeyDateApproaching(
        customer=c.name,
        kind=customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY,
        date=date_pb2.Date(year=2026, month=12, day=20),
        account=f"{c.name}/accounts/td1",
        amount=money(1_000_000),
        tier=c.tier,
        branch=c.branch,
        relationship_manager=c.relationship_manager,
    )
    await _apply(bank, bank.monitor.on_key_date_approaching, maturity)  # within the shipped 7 days: at once
    titles = sorted(a.title for a in await bank.alerts())
    assert titles == ["客户k1 定期存款到期 2026-12-20 ¥1,000,000.00", "客户k1 生日 2026-12-20"]


async def test_festivals_greet_each_key_customer_once_within_the_lead_time(bank: Bank) -> None:
    await bank.customer("f1")
    await bank.customer("f2", rm="users/rm_li")
    await bank.customer("f3", tier="")  # not a key customer
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    bank.clock.set(datetime(2027, 2, 2, 16, 0, tzinfo=UTC))  # 2027-02-03 in Beijing; 春节 is 2027-02-06
    await scheduler.tick()
    assert {(a.customer, a.title) for a in await bank.alerts()} == {
        ("customers/f1", "客户f1 春节问候 2027-02-06"),
        ("customers/f2", "客户f2 春节问候 2027-02-06"),
    }
    bank.clock.set(datetime(2027, 2, 3, 16, 0, tzinfo=UTC))  # the next day's sweep: nothing new
    await scheduler.tick()
    assert len(await bank.alerts()) == 2


async def test_branch_managers_and_roles_from_the_user_copy_and_escalation_up_the_tree(bank: Bank) -> None:
    users = directory.updater(UserCopy)
    people = (
        ("users/bm_dongcheng", "orgUnits/0101", ["roles/branch_manager"]),
        ("users/bm_beijing", "orgUnits/0100", ["roles/branch_manager"]),
        ("users/compliance_hq", "orgUnits/0000", ["roles/compliance"]),
        ("users/bm_gone", "orgUnits/0101", ["roles/branch_manager"]),
        ("users/rm_wang", "orgUnits/0101", ["roles/relationship_manager"]),
    )
    for name, unit, roles in people:
        user = identity_pb2.User(
            staff_code="E000077" if name == "users/rm_wang" else "",
            name=name,
            display_name=name,
            org_unit=unit,
            roles=roles,
            state=identity_pb2.User.STATE_DISABLED
            if name.endswith("gone")
            else identity_pb2.User.STATE_ACTIVE,
            update_time=to_timestamp(NOON),
        )
        await _apply(bank, users, identity_events.UserCreated(user=user))
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:
        change = alert_pb2.AlertRule(
            name=rule.name,
            recipients=alert_pb2.Recipients(
                relationship_manager=True, branch_manager=True, roles=["roles/compliance"]
            ),
            escalation=alert_pb2.Escalation(after=duration_pb2.Duration(seconds=3600), up_the_org_tree=True),
        )
        await bank.rules.update(None, change, ["recipients", "escalation"], etag="")
    c = await bank.customer("r1")
    await bank.post(c, 60_000)
    (alert,) = await bank.alerts()
    assert json.loads(alert.recipients) == ["users/bm_dongcheng", "users/compliance_hq", "users/rm_zhang"]
    scanned = await bank.customer(
        "r2", rm="staff/E000077"
    )  # a scanned customer names its manager by staff code
    await bank.post(scanned, 60_000)
    assert "users/rm_wang" in json.loads((await bank.alerts())[-1].recipients)
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    bank.clock.advance(timedelta(hours=1))
    await scheduler.tick()
    escalated = await bank.published(events_pb2.AlertEscalated)
    assert [list(e.escalated_recipients) for e in escalated] == [
        ["users/bm_beijing"]
    ] * 2  # one level up: 北京分行


async def test_org_units_made_in_kam_route_alerts_and_the_identity_services_word_wins(bank: Bank) -> None:
    identity = orgtree.identity_updaters(OrgUnitCopy)

    def unit(uid: str, parent: str, name: str) -> identity_pb2.OrgUnit:
        return identity_pb2.OrgUnit(name=f"orgUnits/{uid}", parent=f"orgUnits/{parent}", display_name=name)

    # an administrator opens 朝阳支行 under 北京分行 in KAM (the core does not know it yet)
    created = identity_events.OrgUnitCreated(org_unit=unit("0102", "0100", "朝阳支行"))
    await _apply(bank, identity[identity_events.OrgUnitCreated], created)
    manager = identity_pb2.User(
        name="users/bm_beijing",
        display_name="北京分行行长",
        org_unit="orgUnits/0100",
        roles=["roles/branch_manager"],
        state=identity_pb2.User.STATE_ACTIVE,
        update_time=to_timestamp(NOON),
    )
    await _apply(bank, directory.updater(UserCopy), identity_events.UserCreated(user=manager))
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:  # scoped to 北京分行's subtree, to its branch managers
        change = alert_pb2.AlertRule(
            name=rule.name,
            org_units=["orgUnits/0100"],
            recipients=alert_pb2.Recipients(branch_manager=True),
        )
        await bank.rules.update(None, change, ["org_units", "recipients"], etag="")
    c = await bank.customer("k1", branch="orgUnits/0102")
    await bank.post(c, 60_000)
    (alert,) = await bank.alerts()  # the new unit is inside the rule's subtree …
    assert json.loads(alert.recipients) == [
        "users/bm_beijing"
    ]  # … and its nearest branch manager is above it

    # the identity service renames 东城支行 (an administrator's change it keeps); a later scan still has the old
    # name and a different parent: the copy keeps the identity service's word
    renamed = identity_events.OrgUnitUpdated(org_unit=unit("0101", "0100", "东城第一支行"))
    await _apply(bank, identity[identity_events.OrgUnitUpdated], renamed)
    stale = customer_events.SourceOrgUnitUpdated(org_unit=unit("0101", "0000", "东城支行"))
    await _apply(bank, orgtree.updater(OrgUnitCopy), stale)
    # a unit the identity service has not told about still follows the scan
    await _apply(
        bank,
        orgtree.updater(OrgUnitCopy),
        customer_events.SourceOrgUnitUpdated(org_unit=unit("0100", "0000", "北京市分行")),
    )
    deleted = identity_events.OrgUnitDeleted(org_unit="orgUnits/0102")
    await _apply(bank, identity[identity_events.OrgUnitDeleted], deleted)
    async with bank.db.read() as session:
        units = {
            row.id: (row.parent_id, row.display_name, row.from_identity)
            for row in await session.scalars(select(OrgUnitCopy))
        }
    assert units == {
        "0000": (None, "总行", False),
        "0100": ("0000", "北京市分行", False),
        "0101": ("0100", "东城第一支行", True),
    }


async def test_quiet_hours_hold_an_alert_until_they_end(bank: Bank) -> None:
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    for rule in listed:
        quiet = alert_pb2.AlertRule(
            name=rule.name, quiet_hours=alert_pb2.QuietHours(start_minute=1320, end_minute=480)
        )
        await bank.rules.update(None, quiet, ["quiet_hours"], etag="")
    c = await bank.customer("q1")
    late = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
    bank.clock.set(late)
    first = await bank.post(c, 60_000, at=late)
    second = await bank.post(c, 10_000, at=late + timedelta(minutes=10))
    assert await bank.alerts() == []
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    bank.clock.set(datetime(2026, 12, 4, 23, 59, tzinfo=UTC))  # 07:59
    await scheduler.tick()
    assert await bank.alerts() == []
    bank.clock.set(datetime(2026, 12, 5, 0, 0, tzinfo=UTC))  # 08:00: the quiet hours end
    await scheduler.tick()
    (alert,) = await bank.alerts()
    assert json.loads(alert.transactions) == [first, second] and "¥70,000.00" in alert.title
    assert len(await bank.published(events_pb2.AlertRaised)) == 1


async def test_dormancy_alerts_once_per_quiet_period(bank: Bank) -> None:
    c = await bank.customer("z1")
    await bank.post(c, 100, at=NOON)  # small: no other rule fires
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    bank.clock.set(NOON + timedelta(days=89))
    await scheduler.tick()
    assert [a.kind for a in await bank.alerts()] == []
    bank.clock.set(NOON + timedelta(days=90))
    await scheduler.tick()
    (alert,) = await bank.alerts()
    assert (alert.kind, alert.title) == ("dormancy", "客户z1 已 90 天无交易")
    bank.clock.set(NOON + timedelta(days=91))
    await scheduler.tick()
    assert len(await bank.alerts()) == 1  # the same quiet period
    await bank.post(c, 100, at=NOON + timedelta(days=92))
    bank.clock.set(NOON + timedelta(days=182))
    await scheduler.tick()
    assert [a.kind for a in await bank.alerts()] == ["dormancy", "dormancy"]


async def test_task_reminders_before_due_and_when_overdue_go_when_the_task_is_done(bank: Bank) -> None:
    scheduler = Scheduler(bank.db, bank.clock, monitor=bank.monitor)
    due = NOON + timedelta(days=2)
    task = task_pb2.Task(
        name="tasks/t1",
        title="拜访客户k1",
        assignee="users/rm_zhang",
        org_unit="orgUnits/0101",
        state=task_pb2.Task.STATE_OPEN,
        due_time=to_timestamp(due),
    )
    await _apply(bank, bank.monitor.on_task_changed, task_events.TaskCreated(task=task))
    assert await bank.alerts() == []
    bank.clock.set(due - timedelta(days=1))  # the shipped rule: a day before
    await scheduler.tick()
    (soon,) = await bank.alerts()
    assert soon.title.startswith("任务即将到期：拜访客户k1") and json.loads(soon.recipients) == [
        "users/rm_zhang"
    ]
    bank.clock.set(due)
    await scheduler.tick()
    assert [a.title[:6] for a in await bank.alerts()] == ["任务即将到期", "任务已逾期："]

    # a second task, moved and then completed: its reminders go, its alerts are resolved
    other = task_pb2.Task()
    other.CopyFrom(task)
    other.name = "tasks/t2"
    other.due_time.CopyFrom(to_timestamp(due + timedelta(days=5)))
    await _apply(bank, bank.monitor.on_task_changed, task_events.TaskCreated(task=other))
    moved = task_pb2.Task()
    moved.CopyFrom(other)
    moved.due_time.CopyFrom(to_timestamp(due + timedelta(days=10)))
    await _apply(bank, bank.monitor.on_task_changed, task_events.TaskUpdated(task=moved))
    bank.clock.set(due + timedelta(days=5))  # the old due time: nothing
    await scheduler.tick()
    assert len(await bank.alerts()) == 2
    closed = task_pb2.Task()
    closed.CopyFrom(task)
    closed.state = task_pb2.Task.STATE_COMPLETED
    await _apply(bank, bank.monitor.on_task_closed, task_events.TaskCompleted(task=closed))
    assert {a.state for a in await bank.alerts()} == {"STATE_RESOLVED"}


async def test_a_rule_with_a_customer_message_asks_the_notice_service_to_send_it(bank: Bank) -> None:
    listed, _ = await bank.rules.list({"kind": "festival"}, 0, 10)
    greeting = alert_pb2.AlertRule(name=listed[0].name, customer_message_template="templates/spring_greeting")
    await bank.rules.update(None, greeting, ["customer_message_template"], etag="")
    await bank.customer("m1")
    bank.clock.set(datetime(2027, 2, 2, 16, 0, tzinfo=UTC))
    await Scheduler(bank.db, bank.clock, monitor=bank.monitor).tick()
    (message,) = await bank.published(events_pb2.CustomerMessageRequested)
    assert (message.customer, message.template) == ("customers/m1", "templates/spring_greeting")
    assert message.variables["customer_name"] == "客户m1" and message.variables["节日"] == "春节"
    assert message.alert == f"alerts/{(await bank.alerts())[0].id}"


async def test_comments_and_stopping_a_rule_for_a_customer_until_a_date(bank: Bank, api) -> None:
    c = await bank.customer("x1")
    await bank.post(c, 60_000)
    (alert,) = (await api("ListAlerts", pb.ListAlertsRequest())).alerts
    said = (
        await api(
            "CreateAlertComment",
            pb.CreateAlertCommentRequest(
                parent=alert.name, comment=alert_pb2.AlertComment(text="已致电客户，购车首付")
            ),
        )
    ).comment
    assert said.author == "users/admin" and said.name.startswith(f"{alert.name}/comments/")
    listed = await api("ListAlertComments", pb.ListAlertCommentsRequest(parent=alert.name))
    assert [x.text for x in listed.comments] == ["已致电客户，购车首付"]
    with pytest.raises(grpc.aio.AioRpcError) as empty:
        await api(
            "CreateAlertComment",
            pb.CreateAlertCommentRequest(parent=alert.name, comment=alert_pb2.AlertComment()),
        )
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    other = await bank.customer("x2", rm="users/rm_li")
    await bank.post(other, 60_000)
    hidden = next(
        a for a in (await api("ListAlerts", pb.ListAlertsRequest())).alerts if a.customer == other.name
    )
    rm = {"user": "users/rm_zhang", "role": "roles/relationship_manager", "org": "orgUnits/0101"}
    with pytest.raises(grpc.aio.AioRpcError) as out_of_scope:
        await api("ListAlertComments", pb.ListAlertCommentsRequest(parent=hidden.name), **rm)
    assert out_of_scope.value.code() == grpc.StatusCode.NOT_FOUND

    too_long = to_timestamp(bank.clock.now() + timedelta(days=181))
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api("StopAlert", pb.StopAlertRequest(name=alert.name, silence_rule_until=too_long))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    until = bank.clock.now() + timedelta(days=30)
    stopped = (
        await api(
            "StopAlert",
            pb.StopAlertRequest(
                name=alert.name, resolution_note="客户经营常态", silence_rule_until=to_timestamp(until)
            ),
        )
    ).alert
    assert stopped.state == alert_pb2.Alert.STATE_STOPPED
    assert stopped.silence_expire_time.ToDatetime(tzinfo=UTC) == until
    await bank.post(c, 80_000, at=NOON + timedelta(days=1))  # the same rule and customer: silent
    assert [a.customer for a in await bank.alerts()].count("customers/x1") == 1
    bank.clock.set(until + timedelta(seconds=1))
    await bank.post(c, 80_000, at=until + timedelta(seconds=1))  # the silence is over
    assert [a.customer for a in await bank.alerts()].count("customers/x1") == 2


async def test_a_backtest_replays_the_kept_transactions_against_the_current_rule(bank: Bank, api) -> None:
    a, b = await bank.customer("bt1"), await bank.customer("bt2")
    for i, (customer, amount) in enumerate([(a, 60_000), (a, 30_000), (b, 45_000), (b, 4_000)]):
        await bank.post(customer, amount, at=NOON + timedelta(hours=i))
    bank.clock.set(NOON + timedelta(hours=5))
    listed, _ = await bank.rules.list({"kind": "large_transaction"}, 0, 10)
    cash = next(r for r in listed if r.large_transaction.cash == alert_pb2.CASH_FILTER_CASH)
    lower = alert_pb2.AlertRule()
    lower.CopyFrom(cash)
    lower.large_transaction.threshold.CopyFrom(money(40_000))
    before = [a.id for a in await bank.alerts()]
    result = await api("BacktestAlertRule", pb.BacktestAlertRuleRequest(alert_rule=lower, days=7))
    assert result.transaction_count == 4
    assert (result.current.alert_count, [c.customer for c in result.current.customers]) == (
        1,
        ["customers/bt1"],
    )
    assert result.candidate.alert_count == 2 and result.candidate.customer_count == 2
    assert [d.date for d in result.candidate.days] == ["2026-12-04"]
    assert [a.id for a in await bank.alerts()] == before  # nothing raised
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api("BacktestAlertRule", pb.BacktestAlertRuleRequest(alert_rule=lower, days=91))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    rm = {"user": "users/rm_zhang", "role": "roles/relationship_manager", "org": "orgUnits/0101"}
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await api("BacktestAlertRule", pb.BacktestAlertRuleRequest(alert_rule=lower), **rm)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
