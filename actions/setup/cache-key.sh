#!/usr/bin/env bash
# The pip cache key: runner OS, the Python that builds the venv, and the hash of mlci's
# pyproject.toml (its dependency list). hashFiles() cannot be used: it only sees files
# inside the workspace, and the action's own files live outside it.
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${SETUP_PYTHON:-$(command -v python3 || command -v python || echo python3)}"
py_version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
if command -v sha256sum >/dev/null; then
  digest="$(sha256sum "$source_dir/pyproject.toml" | cut -c1-16)"
else
  digest="$(shasum -a 256 "$source_dir/pyproject.toml" | cut -c1-16)"
fi
{
  echo "key=mlci-pip-${RUNNER_OS:-unknown}-py$py_version-$digest"
  echo "restore-key=mlci-pip-${RUNNER_OS:-unknown}-py$py_version-"
  echo "dir=${RUNNER_TEMP:?RUNNER_TEMP is not set}/mlci/pip-cache"
} >>"$GITHUB_OUTPUT"
