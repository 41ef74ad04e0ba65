# shellcheck shell=bash
# Helpers shared by setup.sh and cache-key.sh (sourced, not run).

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

# What gets installed: the package, its templates and its dependency list (names + content).
# Prints a digest of it, from the source checkout in $1.
source_files() { find pyproject.toml mlci templates -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z; }
source_digest() {
  (cd "$1" && { source_files | tr '\0' '\n'; source_files | xargs -0 cat; } | sha256 | cut -c1-32)
}

# The interpreter that builds mlci's venv: $SETUP_PYTHON, else python3 (or python) on PATH.
base_python() {
  if [ -n "${SETUP_PYTHON:-}" ]; then
    echo "$SETUP_PYTHON"
  else
    command -v python3 || command -v python || true
  fi
}
