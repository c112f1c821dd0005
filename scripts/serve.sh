#!/usr/bin/env bash
# Serve the site with live reload (also on data/endpoints.yaml edits): bash scripts/serve.sh [mkdocs serve options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve "$@"
