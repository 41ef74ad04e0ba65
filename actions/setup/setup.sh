#!/usr/bin/env bash
# Install mlci from this action's own checkout into an isolated venv under $RUNNER_TEMP.
#
# The package comes from the same commit as the action (two levels above this script), so
# the action and the CLI can never drift apart, and nothing lands in the user's Python.
# Idempotent within a job: a second call (another mlci action in the same job) reuses the
# venv when it was built from the same sources (compared by content, not by path).
#
# Environment:
#   SETUP_PYTHON         interpreter that builds the venv; default: python3 on PATH (3.10+)
#   SETUP_PIP_CACHE_DIR  pip's download cache, when the action restores one with actions/cache
#   SETUP_ADD_TO_PATH    true: put a directory holding only `mlci` on PATH for later steps
# Step outputs: mlci (the executable), python (the venv's interpreter), version, reused
set -euo pipefail

fail() {
  echo "::error title=mlci setup::$1"
  exit 2
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$script_dir/../.." && pwd)"
[ -f "$source_dir/pyproject.toml" ] || fail "no pyproject.toml in $source_dir: the action checkout is incomplete"
[ -n "${RUNNER_TEMP:-}" ] || fail "RUNNER_TEMP is not set: run this inside GitHub Actions"

home="$RUNNER_TEMP/mlci"
venv="$home/venv"
stamp="$home/source"
python="${SETUP_PYTHON:-}"
if [ -z "$python" ]; then
  python="$(command -v python3 || command -v python || true)"
  [ -n "$python" ] || fail "python3 is not on PATH: set the action's python input (e.g. python: '3.12')"
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
  || fail "mlci needs Python 3.10+, but $python is $("$python" -V 2>&1 || echo unusable); set the action's python input (e.g. python: '3.12')"

case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) bin="$venv/Scripts" ;;
  *) bin="$venv/bin" ;;
esac

if [ -n "${SETUP_PIP_CACHE_DIR:-}" ]; then
  export PIP_CACHE_DIR="$SETUP_PIP_CACHE_DIR"
fi

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}
# What gets installed: the package, its templates and its dependency list (names + content).
files() { find pyproject.toml mlci templates -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z; }
digest="$(cd "$source_dir" && { files | tr '\0' '\n'; files | xargs -0 cat; } | sha256 | cut -c1-32)"

reused=false
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && [ -x "$bin/mlci" ]; then
  reused=true
  echo "mlci is already installed in $venv"
else
  echo "::group::Install mlci from $source_dir into $venv"
  started=$(date +%s)
  rm -rf "$venv"
  mkdir -p "$home"
  "$python" -m venv "$venv"
  # --no-compile: byte-compiling all of pandas/scipy/pyarrow up front doubles the install
  # time; Python compiles the few modules mlci imports on first use instead.
  "$bin/python" -m pip install --disable-pip-version-check --no-input --quiet --no-compile \
    "$source_dir"
  printf '%s' "$digest" >"$stamp"
  echo "installed in $(($(date +%s) - started)) s"
  echo "::endgroup::"
fi

if [ "${SETUP_ADD_TO_PATH:-false}" = true ]; then
  # Only the mlci command, never the venv's python or pip: the user's environment stays theirs.
  mkdir -p "$home/bin"
  ln -sf "$bin/mlci" "$home/bin/mlci"
  echo "$home/bin" >>"$GITHUB_PATH"
fi

version="$("$bin/mlci" --version)"
version="${version##* }"
echo "mlci $version ($("$bin/python" -V 2>&1))"
{
  echo "mlci=$bin/mlci"
  echo "python=$bin/python"
  echo "version=$version"
  echo "reused=$reused"
} >>"$GITHUB_OUTPUT"
