#!/usr/bin/env python3
"""Write the console's API types from the gateway's OpenAPI document, so a proto change that breaks a page
breaks the console's build (``tsc``).

Usage (workspace venv; the console's node_modules installed)::

    python gateway/console/generate_api.py          # write openapi.json and src/lib/api/schema.d.ts
    python gateway/console/generate_api.py --check  # fail if either is stale (make check-generated)

The document is the one the gateway serves at /openapi.json (every proto service with HTTP rules);
``openapi-typescript`` (a dev dependency in package.json) turns it into TypeScript types for ``openapi-fetch``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kam_gateway.openapi import openapi_document
from kam_gateway.routes import build_routes, discover_services

CONSOLE = Path(__file__).resolve().parent
DOCUMENT = CONSOLE / "openapi.json"
TYPES = CONSOLE / "src" / "lib" / "api" / "schema.d.ts"
GENERATOR = CONSOLE / "node_modules" / ".bin" / "openapi-typescript"


def generate(document: Path, types: Path) -> None:
    spec = openapi_document(build_routes(discover_services()))
    document.write_text(
        json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    if not GENERATOR.exists():
        sys.exit(f"{GENERATOR} not found: npm ci --prefix {CONSOLE}")
    subprocess.run([str(GENERATOR), str(document), "-o", str(types)], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files are stale")
    args = parser.parse_args()
    if not args.check:
        generate(DOCUMENT, TYPES)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        document, types = Path(tmp) / "openapi.json", Path(tmp) / "schema.d.ts"
        generate(document, types)
        stale = [
            str(path.relative_to(CONSOLE.parent.parent))
            for path, fresh in ((DOCUMENT, document), (TYPES, types))
            if not path.exists() or path.read_bytes() != fresh.read_bytes()
        ]
    if stale:
        print(f"stale: {', '.join(stale)} — run python gateway/console/generate_api.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
