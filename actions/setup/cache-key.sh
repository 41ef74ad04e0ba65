#!/usr/bin/env bash
# The cache key and folder for actions/cache. hashFiles() cannot be used: it only sees files
# inside the workspace, and the action's own files live outside it.
#
# uv (default): the built venv itself, keyed on the runner OS and arch, the interpreter
# (its path and exact version: a venv points at it) and the digest of mlci's sources, so an
# exact hit needs no install at all. The restore key brings back a venv built from older
# sources: uv then updates it in place (mlci, and any dependency that changed).
# pip: pip's download cache, keyed on the Python version and the hash of pyproject.toml.
#
# Step outputs: key, restore-key, dir (what to cache), pip-cache-dir (pip only).
# Environment: SETUP_PYTHON (as for setup.sh), SETUP_INSTALLER ('uv' or 'pip')
set -euo pipefail
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$script_dir/../.." && pwd)"
# shellcheck source=lib.sh disable=SC1091 # (lib.sh is checked on its own)
. "$script_dir/lib.sh"
home="${RUNNER_TEMP:?RUNNER_TEMP is not set}/mlci"
python="$(base_python)"
python="${python:-python3}"
py_version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
runner="${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}"

if [ "${SETUP_INSTALLER:-uv}" = pip ]; then
  digest="$(sha256 <"$source_dir/pyproject.toml" | cut -c1-16)"
  {
    echo "key=mlci-pip-${RUNNER_OS:-unknown}-py$py_version-$digest"
    echo "restore-key=mlci-pip-${RUNNER_OS:-unknown}-py$py_version-"
    echo "dir=$home/pip-cache"
    echo "pip-cache-dir=$home/pip-cache"
  } >>"$GITHUB_OUTPUT"
else
  interpreter="$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version)' 2>/dev/null || echo none)"
  py_id="$(printf '%s' "$interpreter" | sha256 | cut -c1-12)"
  prefix="mlci-venv-$runner-py$py_version-$py_id-"
  {
    echo "key=$prefix$(source_digest "$source_dir")"
    echo "restore-key=$prefix"
    echo "dir=$home/venv"
  } >>"$GITHUB_OUTPUT"
fi
