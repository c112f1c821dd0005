#!/usr/bin/env bash
# Run every test on a fresh machine: bash scripts/test.sh [pytest options]
# Installs what it needs: the Python packages (scripts/setup.sh), Debian's Chromium for the
# browser tests (apt-get, as root) and axe-core (npm). Then Node's test runner for the
# explorer's pure modules, then pytest for everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser tests (apt-get)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium is missing and cannot be installed here (needs root and apt-get): browser tests will skip." >&2
  fi
fi
npm ci --prefix tests/js --no-audit --no-fund --silent  # axe-core, for the accessibility tests
export NO_MKDOCS_2_WARNING=1
node --test tests/js/
exec .venv/bin/python -m pytest "$@"
