#!/usr/bin/env bash
# System packages the test suite needs (Debian and npm), installed by CI and by the README's
# test command. Idempotent: a package already present is left as it is.
set -euo pipefail

apt_packages=(
  git
  cmark-gfm  # GitHub's markdown engine: the hostile-rendering tests (tests/render) use it
  prometheus              # promtool: checks the metrics exposition and the alert rules
  prometheus-pushgateway  # a real Pushgateway for the `mlci push` tests
  rsync                   # gitlab-ci-local copies the project with it
)
# Node for gitlab-ci-local; a machine that has node and npm already keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_packages+=(nodejs npm)
fi

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

# gitlab-ci-local runs the GitLab CI/CD component in tests/e2e/test_gitlab_pipeline.py.
# 4.52.0 runs on Node 20; later releases need Node 22.
gitlab_ci_local=4.52.0
if [ "$(gitlab-ci-local --version 2>/dev/null)" != "$gitlab_ci_local" ]; then
  npm install --global --no-audit --no-fund --loglevel=error "gitlab-ci-local@$gitlab_ci_local" >/dev/null
fi
