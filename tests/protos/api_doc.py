"""docs/api.md's permission tables, made from the protos and the kit's catalogue (so the doc cannot drift).

- Every row of the service catalogue names, in its ``permission`` column, what the proto declares
  (``option (kam.api.v1.authorization)``).
- The section between the ``permissions:begin``/``end`` markers is the permission × role table.

``python tests/protos/api_doc.py --write`` rewrites both in place; tests/protos/test_protos.py fails when the doc
is not what this would write.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

import kam
from kam_kit import authz, permissions

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BEGIN, END = "<!-- permissions:begin (tests/protos/api_doc.py --write) -->", "<!-- permissions:end -->"
ROLE_COLUMNS = (
    permissions.ADMIN,
    permissions.HEAD_OFFICE_LEADER,
    permissions.COMPLIANCE,
    permissions.BRANCH_MANAGER,
    permissions.RELATIONSHIP_MANAGER,
    permissions.SERVICE,
)
_SERVICE_HEADER = re.compile(r"^#### `(kam\.[a-z]+\.v1\.\w+)`")
_ROW = re.compile(r"^\| `(\w+)` \|")


def rules() -> dict[str, authz.Rule]:
    """Full method name → its declared rule, for every KAM rpc."""
    out = {}
    for info in pkgutil.walk_packages(kam.__path__, prefix="kam."):
        if info.name.endswith("_pb2"):
            for service in importlib.import_module(info.name).DESCRIPTOR.services_by_name.values():
                for method in service.methods:
                    rule = authz.declared_rule(method)
                    assert rule is not None, method.full_name
                    out[method.full_name] = rule
    return out


def _cell(rule: authz.Rule) -> str:
    if rule.public:
        return "public"
    if rule.signed_in:
        return "signed in"
    return f"`{rule.permission}`"


def with_permission_column(text: str) -> str:
    """The doc with each catalogue row's permission cell (the second-to-last) set from the protos."""
    declared = rules()
    service = ""
    lines = []
    for line in text.split("\n"):
        header = _SERVICE_HEADER.match(line)
        if header:
            service = header.group(1)
        elif service and line.startswith("| method | HTTP | today |"):
            line = "| method | HTTP | today | permission | what |"
        elif service and line.startswith("|---|---|---|"):
            line = "|---|---|---|---|---|"
        elif service and (row := _ROW.match(line)):
            cells = line.split(" | ")
            cells = cells[:3] + [_cell(declared[f"{service}.{row.group(1)}"])] + cells[-1:]
            line = " | ".join(cells)
        elif line.startswith("## ") and service:
            service = ""
        lines.append(line)
    return "\n".join(lines)


def permission_table() -> str:
    used: dict[str, list[str]] = {}
    for name, rule in rules().items():
        if rule.permission:
            used.setdefault(rule.permission, []).append(name.rsplit(".", 1)[-1])
    head = "| permission | what | " + " | ".join(permissions.ROLES[r].zh for r in ROLE_COLUMNS) + " |"
    rows = [head, "|---|---|" + "---|" * len(ROLE_COLUMNS)]
    for permission in permissions.PERMISSIONS.values():
        marks = ["✓" if permission.name in permissions.ROLES[r].permissions else "—" for r in ROLE_COLUMNS]
        note = " (service tokens only, granted explicitly)" if permission.service_only else ""
        rows.append(
            f"| `{permission.name}` | {permission.zh} ({permission.en}){note} | " + " | ".join(marks) + " |"
        )
    scopes = " | ".join(permissions.ROLES[r].data_scope for r in ROLE_COLUMNS)
    rows.append(f"| *data scope* | *which customers' records they reach* | {scopes} |")
    return "\n".join(rows)


def expected(text: str) -> str:
    text = with_permission_column(text)
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + permission_table() + "\n" + text[end:]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python tests/protos/api_doc.py --write")
    DOC.write_text(expected(DOC.read_text(encoding="utf-8")), encoding="utf-8")
