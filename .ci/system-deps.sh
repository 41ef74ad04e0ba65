#!/usr/bin/env bash
# System packages the test suite needs (Debian and npm), installed by CI and by the README's
# test command. Idempotent: a package already present is left as it is.
set -euo pipefail

apt_packages=(
  git
  cmark-gfm  # GitHub's markdown engine: the hostile-rendering tests (tests/render) use it
  prometheus              # promtool: checks the metrics exposition and the alert rules
  prometheus-pushgateway  # a real Pushgateway for the `mlci push` tests
)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: need root to install: ${missing[*]}" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
