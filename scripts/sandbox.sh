#!/usr/bin/env bash
# Start the sandbox instance on loopback: bash scripts/sandbox.sh [--port 3000] [--legacy]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd tests
exec ../.venv/bin/python -m sandbox "$@"
