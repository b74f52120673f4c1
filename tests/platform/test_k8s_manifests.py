"""deploy/k8s: manifests rendered from kam_kit.registry are fresh, valid Kubernetes objects, and follow the registry."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kam_kit import grpcclient, registry
from kam_kit.registry import Service

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"


def _generator():
    spec = importlib.util.spec_from_file_location("kam_k8s_generate", K8S / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _objects(files: dict[Path, str]) -> list[tuple[str, dict]]:
    out = []
    for path, text in files.items():
        if path.suffix != ".yaml" or path.name == "kustomization.yaml":
            continue
        out.extend((path.name, doc) for doc in yaml.safe_load_all(text) if doc)
    return out


def test_committed_manifests_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(K8S / "generate.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _validate(files: dict[Path, str]) -> int:
    count = 0
    for name, obj in _objects(files):
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {obj['kind']}/{obj['metadata']['name']}: {exc.message} at {list(exc.path)}")
        count += 1
    return count


def test_rendered_manifests_are_valid_kubernetes_objects() -> None:
    files = _generator().render()
    hand_written = {
        path: path.read_text() for path in (K8S / "base" / "namespace.yaml", K8S / "base" / "nats.yaml")
    }
    assert _validate({**files, **hand_written}) > 4 * len(registry.processes({}))


def test_kustomizations_list_existing_files() -> None:
    for path in (K8S / "base" / "kustomization.yaml", K8S / "overlays" / "production" / "kustomization.yaml"):
        kustomization = yaml.safe_load(path.read_text())
        for resource in kustomization["resources"]:
            assert (path.parent / resource).exists(), f"{path}: {resource} does not exist"
        for generator in kustomization.get("secretGenerator", []):
            for env in generator.get("envs", []):
                assert (path.parent / f"{env}.example").exists()


def test_every_registry_process_gets_its_objects_with_its_port() -> None:
    objects = _objects(_generator().render())
    for entry in registry.processes({}):
        kinds = {(o["kind"], o["metadata"]["name"]) for _, o in objects}
        assert {
            ("ServiceAccount", f"kam-{entry.name}"),
            ("Service", f"kam-{entry.name}"),
            ("Deployment", f"kam-{entry.name}"),
            ("Job", f"kam-{entry.name}-migrate"),
            ("Secret", f"kam-{entry.name}-db"),
            ("PodDisruptionBudget", f"kam-{entry.name}"),
        } <= kinds
        service = next(
            o for _, o in objects if o["kind"] == "Service" and o["metadata"]["name"] == f"kam-{entry.name}"
        )
        assert service["spec"]["ports"][0]["port"] == entry.grpc_port
        # a backend's name resolves to every ready pod (headless); the gateway's Service keeps its cluster IP
        assert ("clusterIP" in service["spec"]) == (entry is not registry.GATEWAY)
    config = next(o for _, o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "kam-config")
    for entry in registry.services({}):  # the gateway reaches every replica of a backend (kam_kit.grpcclient)
        assert config["data"][entry.env("ADDR")] == f"dns:///kam-{entry.name}:{entry.grpc_port}"
        assert grpcclient.target(config["data"][entry.env("ADDR")]).startswith("dns:///")
    assert (
        registry.GATEWAY.env("ADDR") not in config["data"]
    )  # nothing reads it: the gateway's own API is in-pod


def test_one_registry_entry_is_enough_for_a_new_service() -> None:
    risk = Service("risk", 50099, produces_events=False, consumes=("customer",), summary="risk scores.")
    files = _generator().render((*registry.services({}), risk))
    names = {path.name for path in files}
    assert {"risk.yaml", "risk.env.example"} <= names
    assert "  - risk.yaml\n" in files[K8S / "base" / "kustomization.yaml"]
    assert _validate(files) > 0


def test_each_deployment_keeps_its_backups_on_its_own_claim() -> None:
    objects = _objects(_generator().render())
    for entry in registry.processes({}):
        claim = f"kam-{entry.name}-backups"
        assert ("PersistentVolumeClaim", claim) in {(o["kind"], o["metadata"]["name"]) for _, o in objects}
        deployment = next(
            o
            for _, o in objects
            if o["kind"] == "Deployment" and o["metadata"]["name"] == f"kam-{entry.name}"
        )
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env[entry.env("BACKUP_DIR")] == mounts["backups"] == "/var/lib/kam/backups"
        assert {"name": "backups", "persistentVolumeClaim": {"claimName": claim}} in pod["volumes"]
