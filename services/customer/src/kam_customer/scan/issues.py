"""Counting and reporting the source rows a mapping cannot read (never fatal)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MAX_EXAMPLES = 5


@dataclass
class Issues:
    """(entity, field, problem) → count and a few examples."""

    groups: dict[tuple[str, str, str], dict] = field(default_factory=dict)

    def add(self, entity: str, field_: str, problem: str, example: str, count: int = 1) -> None:
        group = self.groups.setdefault((entity, field_, problem), {"count": 0, "examples": []})
        group["count"] += count
        if len(group["examples"]) < MAX_EXAMPLES and example not in group["examples"]:
            group["examples"].append(example[:200])

    @property
    def total(self) -> int:
        return sum(g["count"] for g in self.groups.values())

    def merge_into(self, stored_json: str) -> str:
        """The job's stored issues (JSON) with these added."""
        merged = Issues()
        for item in json.loads(stored_json or "[]"):
            key = (item["entity"], item["field"], item["problem"])
            merged.groups[key] = {"count": item["count"], "examples": list(item["examples"])}
        for (entity, field_, problem), group in self.groups.items():
            target = merged.groups.setdefault((entity, field_, problem), {"count": 0, "examples": []})
            target["count"] += group["count"]
            for example in group["examples"]:
                if len(target["examples"]) < MAX_EXAMPLES and example not in target["examples"]:
                    target["examples"].append(example)
        return json.dumps(
            [
                {"entity": e, "field": f, "problem": p, "count": g["count"], "examples": g["examples"]}
                for (e, f, p), g in sorted(merged.groups.items())
            ],
            ensure_ascii=False,
        )
