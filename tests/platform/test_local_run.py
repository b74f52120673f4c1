"""``deploy/local/run.py --plan`` (``make run`` without starting anything) lists what the registry names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kam_kit import registry

RUN = Path(__file__).resolve().parents[2] / "deploy" / "local" / "run.py"


def _plan(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "OTEL_"))}
    result = subprocess.run(
        [sys.executable, str(RUN), "--plan"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_plan_lists_every_registry_process_in_start_order_with_its_port() -> None:
    lines = _plan(KAM_ALERT_GRPC_PORT="60052")
    started = [line.split()[0] for line in lines if "migrate + serve" in line]
    assert started == [entry.name for entry in registry.processes({})]
    alert = next(line for line in lines if line.startswith("alert "))
    assert "gRPC 127.0.0.1:60052" in alert and "consumes customer" in alert
    customer = next(line for line in lines if line.startswith("customer "))
    assert f"gRPC 127.0.0.1:{registry.get('customer', {}).grpc_port}" in customer


def test_plan_includes_a_service_added_by_one_registry_entry() -> None:
    extra = json.dumps(
        [{"name": "risk", "grpc_port": 50099, "produces_events": False, "consumes": ["alert"]}]
    )
    lines = _plan(KAM_EXTRA_SERVICES=extra)
    started = [line.split()[0] for line in lines if "migrate + serve" in line]
    assert started[-2:] == ["risk", "gateway"]
    risk = next(line for line in lines if line.startswith("risk "))
    assert "kam-risk migrate + serve" in risk and "50099" in risk and "consumes alert" in risk
