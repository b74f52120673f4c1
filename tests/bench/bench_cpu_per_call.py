"""Benchmark: what one call costs each process — the CPU time the customer service, the gateway and NATS spend per
request of one operation, beside its rate and latencies (the instrument behind docs/performance.md's read-path
rounds 4–6, where a rate alone could not say which process a change relieved).

Starts the stack of ``bench_read_path.py`` (NATS, the customer service and the gateway as real processes; SQLite, or
PostgreSQL with ``--postgres``), creates 200 customers, then for each caller (``--callers``) and operation
(``--ops``: ``get``, ``list`` — a page of 50 —, ``search``, ``create``) runs a 1 s warm-up and a measurement of
``--seconds``: a closed loop of ``--concurrency`` clients, or with ``--open`` an open loop at ``--rate`` arrivals/s;
directly over gRPC, or with ``--gateway`` through the gateway. The CPU of each process (user + system, from
``/proc/<pid>/stat``) over the measurement is divided by the requests served; with ``--postgres`` also that of all
PostgreSQL's processes together, and the write-ahead log it wrote per call (the cluster's whole log: run nothing else
on it meanwhile). With ``--profile DIR`` and
``py-spy`` on the PATH (not a dependency: ``uv pip install py-spy``), the customer service (or with
``--profile-gateway`` the gateway) is sampled during each measurement into ``DIR/<caller>-<op>.txt`` (py-spy's raw
format: one stack and its count per line) — flame graphs stay out of the repository.

A change is compared by running this before and after it in alternating pairs in one sitting (the machine's
speed drifts by up to 1.7× between phases; the CPU per request drifts less than the rate).

    uv run python tests/bench/bench_cpu_per_call.py [--postgres] [--ops get,list] [--callers admin] [--gateway]
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import bench_create
import bench_read_path
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from kam_devkit.testing import GATEWAY
from loadgen import HttpConnection, Stats, closed_loop, kam_stack, load_arguments, open_loop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

OPS = {"get": 0, "list": 1, "search": 2, "create": None}  # the index in bench_read_path.operations


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """User + system CPU time so far of every PostgreSQL process on this machine (backends, WAL writer,
    checkpointer …; a backend that ends during a measurement takes its share with it)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def wal_position(url: str) -> int:
    """PostgreSQL's current write-ahead log position, in bytes (the whole cluster: every database's writes)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            lsn = await connection.scalar(text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"))
    finally:
        await engine.dispose()
    return int(lsn)


def usage(pids: dict[str, int], *, postgres: bool = False) -> dict[str, float]:
    seen = {}
    for name, pid in pids.items():
        try:
            seen[name] = cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):  # a process that restarted: not counted
            continue
    if postgres:
        seen["postgres"] = postgres_cpu_seconds()
    return seen


async def main() -> None:
    parser = load_arguments(__doc__)
    parser.set_defaults(seconds=6.0)
    parser.add_argument("--ops", default="get,list,search", help="from: " + ", ".join(OPS))
    parser.add_argument("--callers", default="hq_leader,admin", help="demo users (default hq_leader,admin)")
    parser.add_argument("--gateway", action="store_true", help="through the gateway instead of direct gRPC")
    parser.add_argument("--open", action="store_true", help="open loop at --rate instead of a closed loop")
    parser.add_argument("--profile", metavar="DIR", help="py-spy the customer service into DIR")
    parser.add_argument("--profile-gateway", action="store_true", help="py-spy the gateway instead")
    args = parser.parse_args()
    ops = args.ops.split(",")
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        parser.error(f"unknown --ops {unknown}; from: {', '.join(OPS)}")
    spy = shutil.which("py-spy") if args.profile else None
    if args.profile and not spy:
        parser.error("--profile needs py-spy on the PATH")
    print(
        f"# CPU per call, {os.cpu_count()} cores, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"{args.replicas} customer process{'es' if args.replicas > 1 else ''}, "
        f"{'through the gateway' if args.gateway else 'direct gRPC'}, "
        + (f"open loop {args.rate:g}/s" if args.open else f"closed loop {args.concurrency} clients")
        + f" × {args.seconds:g} s"
    )
    async with kam_stack(args.postgres, args.replicas) as stack:
        supervisor = stack.kam.supervisor
        pids = {name: pid for name in supervisor.names if (pid := supervisor.pid(name)) is not None}
        tokens = {user: await stack.login(user) for user in args.callers.split(",")}
        admin = tokens.get("admin") or await stack.login("admin")
        reads = bench_read_path.operations(await stack.create_customers(admin, 200))
        async with stack.customer_channel() as channel:
            stub = pb_grpc.CustomerServiceStub(channel)
            for user, token in tokens.items():
                crowd = stack.colleagues(token, 32)
                if args.gateway:
                    connect = HttpConnection.connector(
                        stack.kam.gateway_url, *({"Authorization": f"Bearer {t}"} for t in crowd)
                    )
                else:
                    connect = bench_read_path._Direct.connector(
                        stub, *((("authorization", f"Bearer {t}"),) for t in crowd)
                    )
                for op in ops:
                    index = OPS[op]
                    if index is None:
                        call = bench_create.via_gateway if args.gateway else bench_create.via_grpc
                    else:
                        read = reads[index]
                        call = (
                            bench_read_path.via_gateway(read)
                            if args.gateway
                            else bench_read_path.via_grpc(read)
                        )
                    await closed_loop(connect, call, 1.0, args.concurrency)  # warm-up
                    profiler = None
                    if spy:
                        target = pids[GATEWAY if args.profile_gateway else "customer"]
                        Path(args.profile).mkdir(parents=True, exist_ok=True)
                        profiler = await asyncio.create_subprocess_exec(
                            *[
                                spy,
                                "record",
                                "-r",
                                "200",
                                "-f",
                                "raw",
                                "--threads",
                                "-d",
                                f"{args.seconds:.0f}",
                            ],
                            *["-o", f"{args.profile}/{user}-{op}.txt", "-p", str(target)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                        await asyncio.sleep(0.5)  # attached
                    wal_before = await wal_position(args.postgres) if args.postgres else 0
                    before = usage(pids, postgres=args.postgres)
                    stats: Stats = await (
                        open_loop(connect, call, args.rate, args.seconds)
                        if args.open
                        else closed_loop(connect, call, args.seconds, args.concurrency)
                    )
                    after = usage(pids, postgres=args.postgres)
                    per_call = "   ".join(
                        f"{name} {1000 * (after[name] - before[name]) / max(1, stats.count):.2f}"
                        for name in sorted(after)
                        if name in before
                    )
                    if args.postgres:
                        wal = (await wal_position(args.postgres) - wal_before) / max(1, stats.count)
                        per_call += f"   WAL {wal / 1024:.1f} KB per call"
                    print(f"{user:10} {op:7} {stats.line()}   CPU ms per call: {per_call}", flush=True)
                    if profiler:
                        await profiler.wait()


if __name__ == "__main__":
    asyncio.run(main())
