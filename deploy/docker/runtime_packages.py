"""Print the ``uv sync`` package options of KAM's runtime image: one ``--package kam-<svc>`` per process in
``kam_kit.registry`` (every service and the gateway), or only ``kam-<service>`` when one is named.

Runs with the bare Python of the Dockerfile's build stage (the registry is standard library only), so the image
installs exactly the runtime packages and their dependencies: never the dev-only kam-devkit, never the dev group.

    python deploy/docker/runtime_packages.py            # --package kam-customer ... --package kam-gateway
    python deploy/docker/runtime_packages.py customer   # --package kam-customer
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "kit" / "src"))

from kam_kit import registry


def packages(service: str = "all") -> list[str]:
    entries = registry.processes({}) if service == "all" else (registry.get(service, {}),)
    return [entry.distribution for entry in entries]


def main(argv: list[str]) -> int:
    print(" ".join(f"--package {name}" for name in packages(argv[0] if argv else "all")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
