#!/usr/bin/env bash
# Lint KAM's protos and check them for breaking changes (buf, STANDARD lint / WIRE_JSON breaking).
#
#   protos/check.sh            # lint + breaking
#   KAM_BUF_AGAINST=<git-ref> protos/check.sh   # compare against a specific revision
#
# Breaking changes are checked against:
#   - on branch main: HEAD when protos/ has uncommitted changes, otherwise HEAD~1 (the previous commit);
#   - on any other branch: main.
# When that revision does not exist or holds no protos (first commit, shallow clone), the breaking check is
# skipped with a message. The googleapis imports cannot come from the BSR here, so the revision's protos are
# extracted with `git archive`, completed with the same googleapis protos, and built into an image first.
set -euo pipefail

PROTOS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PROTOS_DIR/.." && pwd)"
cd "$PROTOS_DIR"

if [[ -n "${PYTHON:-}" ]]; then
  python="$PYTHON"
elif [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then
  python="$REPO_ROOT/.venv/bin/python"
else
  python="python3"
fi

buf="$PROTOS_DIR/node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then
  echo "check.sh: installing buf (npm ci --prefix protos)"
  npm ci --prefix "$PROTOS_DIR" --no-audit --no-fund >/dev/null
fi

"$python" "$PROTOS_DIR/generate.py" --third-party >/dev/null

echo "buf lint"
"$buf" lint
echo "buf format (kam/)"
"$buf" format --diff --exit-code --path kam

against="${KAM_BUF_AGAINST:-}"
if [[ -z "$against" ]]; then
  branch="$(git -C "$REPO_ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null || echo "")"
  if [[ "$branch" == "main" ]]; then
    if git -C "$REPO_ROOT" rev-parse --verify --quiet HEAD >/dev/null \
      && ! git -C "$REPO_ROOT" diff --quiet HEAD -- protos/kam protos/buf.yaml; then
      against="HEAD"
    else
      against="HEAD~1"
    fi
  else
    against="main"
  fi
fi

if ! git -C "$REPO_ROOT" rev-parse --verify --quiet "$against^{commit}" >/dev/null \
  || ! git -C "$REPO_ROOT" cat-file -e "$against:protos/kam" 2>/dev/null; then
  echo "buf breaking: SKIPPED - no previous revision with protos to compare with ('$against' does not exist or has no protos/kam)"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git -C "$REPO_ROOT" archive --format=tar "$against" protos/kam $(git -C "$REPO_ROOT" cat-file -e "$against:protos/buf.yaml" 2>/dev/null && echo protos/buf.yaml) \
  | tar -x -C "$tmp"
[[ -f "$tmp/protos/buf.yaml" ]] || cp "$PROTOS_DIR/buf.yaml" "$tmp/protos/buf.yaml"
"$python" - "$tmp/protos/build/third_party" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, str(Path.cwd()))
import generate
generate.copy_third_party(Path(sys.argv[1]))
PY
"$buf" build "$tmp/protos" -o "$tmp/against.binpb"

"$buf" build -o "$tmp/current.binpb"

echo "buf breaking --against $against"
"$buf" breaking "$tmp/current.binpb" --against "$tmp/against.binpb"
echo "protos: lint and breaking checks passed"
