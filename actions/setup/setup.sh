#!/usr/bin/env bash
# Install mlci from this action's own checkout into an isolated venv under $RUNNER_TEMP.
#
# The package comes from the same commit as the action (two levels above this script), so
# the action and the CLI can never drift apart, and nothing lands in the user's Python.
# Idempotent within a job: a second call (another mlci action in the same job) reuses the
# venv when it was built from the same sources (compared by content, not by path); so does
# a venv that actions/cache restored.
#
# Environment:
#   SETUP_PYTHON         interpreter that builds the venv; default: python3 on PATH (3.10+)
#   SETUP_INSTALLER      uv (default): install with uv, itself fetched from the package index
#                        with the base Python's pip (or taken from PATH); pip when uv cannot
#                        be had. pip: install with pip.
#   SETUP_PIP_CACHE_DIR  pip's download cache, when the action restores one with actions/cache
#   SETUP_CACHE_HIT      true: actions/cache restored the venv for this exact key
#   SETUP_ADD_TO_PATH    true: put a directory holding only `mlci` on PATH for later steps
# Step outputs: mlci (the executable), python (the venv's interpreter), version, reused,
# installer (what installed it: uv or pip)
set -euo pipefail

# The uv release the action installs: pinned, so every run resolves the same way.
uv_version=0.13.9

fail() {
  echo "::error title=mlci setup::$1"
  exit 2
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$script_dir/../.." && pwd)"
# shellcheck source=lib.sh disable=SC1091 # (lib.sh is checked on its own)
. "$script_dir/lib.sh"
[ -f "$source_dir/pyproject.toml" ] || fail "no pyproject.toml in $source_dir: the action checkout is incomplete"
[ -n "${RUNNER_TEMP:-}" ] || fail "RUNNER_TEMP is not set: run this inside GitHub Actions"

home="$RUNNER_TEMP/mlci"
venv="$home/venv"
# Inside the venv, so a venv restored by actions/cache carries its own record.
stamp="$venv/mlci-source"
python="$(base_python)"
[ -n "$python" ] || fail "python3 is not on PATH: set the action's python input (e.g. python: '3.12')"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
  || fail "mlci needs Python 3.10+, but $python is $("$python" -V 2>&1 || echo unusable); set the action's python input (e.g. python: '3.12')"
installer="${SETUP_INSTALLER:-uv}"
case "$installer" in
  uv | pip) ;;
  *) fail "installer must be 'uv' or 'pip', got '$installer'" ;;
esac

case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) bin="$venv/Scripts" exe=.exe ;;
  *) bin="$venv/bin" exe= ;;
esac

if [ -n "${SETUP_PIP_CACHE_DIR:-}" ]; then
  export PIP_CACHE_DIR="$SETUP_PIP_CACHE_DIR"
fi

digest="$(source_digest "$source_dir")"

now() { echo "${EPOCHREALTIME:-$(date +%s)}"; }
# Seconds since $1 (a `now`), to one decimal.
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# uv from the package index, installed with the base Python's pip into a folder of its own
# (--target: the base Python's packages stay as they are), else uv on PATH. Prints its path.
find_uv() {
  local tool="$home/uv"
  local uv
  for uv in "$tool/bin/uv$exe" "$tool/Scripts/uv$exe"; do
    [ -x "$uv" ] || continue
    case "$("$uv" --version 2>/dev/null)" in
      "uv $uv_version" | "uv $uv_version "*) echo "$uv" && return 0 ;;
    esac
  done
  rm -rf "$tool"
  # --only-binary: a platform without a uv wheel falls back to pip at once instead of
  # compiling uv from source.
  if PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --disable-pip-version-check --no-input --quiet --no-compile \
    --only-binary=:all: --target "$tool" "uv==$uv_version" >&2; then
    for uv in "$tool/bin/uv$exe" "$tool/Scripts/uv$exe"; do
      [ -x "$uv" ] && echo "$uv" && return 0
    done
  fi
  command -v uv
}

# uv does not read pip's settings: carry over the ones a runner sets for pip (its index,
# extra indexes with pip's "best version from any index" rule, a CA bundle), unless the
# job configures uv itself.
uv_settings_from_pip() {
  if [ -n "${PIP_INDEX_URL:-}" ] && [ -z "${UV_DEFAULT_INDEX:-}${UV_INDEX_URL:-}" ]; then
    export UV_DEFAULT_INDEX="$PIP_INDEX_URL"
  fi
  if [ -n "${PIP_EXTRA_INDEX_URL:-}" ] && [ -z "${UV_INDEX:-}${UV_EXTRA_INDEX_URL:-}" ]; then
    export UV_INDEX="$PIP_EXTRA_INDEX_URL"
    export UV_INDEX_STRATEGY="${UV_INDEX_STRATEGY:-unsafe-best-match}"
  fi
  if [ -n "${PIP_CERT:-}" ] && [ -z "${SSL_CERT_FILE:-}" ]; then
    export SSL_CERT_FILE="$PIP_CERT"
  fi
  # uv's own cache next to the venv (same file system, so installs hardlink instead of copy);
  # never a Python download: the venv uses the interpreter chosen above.
  export UV_CACHE_DIR="${UV_CACHE_DIR:-$home/uv-cache}" UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
}

install_with_uv() {
  local uv="$1"
  uv_settings_from_pip
  # A venv restored from an older key (other mlci sources) is updated in place: only what
  # changed is installed. One that does not run (its interpreter is gone) is rebuilt.
  # (Called as a condition, where set -e is off: each step returns on failure itself.)
  if ! "$bin/python" -c '' 2>/dev/null; then
    rm -rf "$venv"
    "$uv" venv --quiet --relocatable --python "$python" "$venv" || return
  fi
  "$uv" pip install --quiet --python "$bin/python" --reinstall-package mlci "$source_dir" || return
  slim_venv
}

# Drop what mlci never loads from the venv that actions/cache saves: the test suites that
# numpy, scipy, pandas and pyarrow ship, C headers, Cython sources and type stubs. That is
# half of the venv's files, and restoring the venv costs per file.
slim_venv() {
  local site
  for site in "$venv"/lib/python3*/site-packages "$venv/Lib/site-packages"; do
    [ -d "$site" ] || continue
    find "$site" -mindepth 2 -depth -type d -name tests ! -path "$site/mlci/*" -exec rm -rf {} +
    rm -rf "$site/pyarrow/include" "$site/pyarrow/src"
    find "$site" \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.pyi' -o -name '*.h' \) \
      -type f -delete
  done
  return 0 # a file left behind costs restore time, never correctness
}

install_with_pip() {
  rm -rf "$venv"
  "$python" -m venv "$venv"
  # --no-compile: byte-compiling all of pandas/scipy/pyarrow up front doubles the install
  # time; Python compiles the few modules mlci imports on first use instead.
  "$bin/python" -m pip install --disable-pip-version-check --no-input --quiet --no-compile \
    "$source_dir"
}

reused=false
version=
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && version="$("$bin/mlci" --version 2>/dev/null)"; then
  reused=true
  installer="$(cat "$venv/mlci-installer" 2>/dev/null || echo "$installer")"
  if [ "${SETUP_CACHE_HIT:-false}" = true ]; then
    echo "mlci was restored from the cache into $venv"
  else
    echo "mlci is already installed in $venv"
  fi
else
  echo "::group::Install mlci from $source_dir into $venv"
  started="$(now)"
  mkdir -p "$home"
  if [ "$installer" = uv ]; then
    if uv="$(find_uv)"; then
      echo "with $("$uv" --version) ($uv), ready in $(since "$started") s"
    else
      echo "::warning title=mlci setup::uv could not be installed with $python -m pip, nor found on PATH; installing mlci with pip (slower)"
      installer=pip
    fi
  fi
  if [ "$installer" = uv ] && ! install_with_uv "$uv"; then
    echo "::warning title=mlci setup::uv could not install mlci (see above); installing it with pip instead"
    installer=pip
  fi
  if [ "$installer" = pip ]; then
    install_with_pip
  fi
  printf '%s' "$digest" >"$stamp"
  printf '%s' "$installer" >"$venv/mlci-installer"
  echo "installed with $installer in $(since "$started") s"
  echo "::endgroup::"
fi

if [ "${SETUP_ADD_TO_PATH:-false}" = true ]; then
  # Only the mlci command, never the venv's python or pip: the user's environment stays theirs.
  mkdir -p "$home/bin"
  ln -sf "$bin/mlci" "$home/bin/mlci"
  echo "$home/bin" >>"$GITHUB_PATH"
fi

[ -n "$version" ] || version="$("$bin/mlci" --version)"
version="${version##* }"
echo "mlci $version ($("$bin/python" -V 2>&1))"
{
  echo "mlci=$bin/mlci"
  echo "python=$bin/python"
  echo "version=$version"
  echo "reused=$reused"
  echo "installer=$installer"
} >>"$GITHUB_OUTPUT"
