#!/usr/bin/env bash
# Build the site with Zensical instead of MkDocs: bash scripts/zensical.sh [zensical build options]
# zensical.yml adds the catalog's Markdown extension to mkdocs.yml; the JSON outputs the
# MkDocs plugin would add are written into the site afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m zensical build --strict --clean -f zensical.yml "$@"
.venv/bin/python -m mastodon_catalog.outputs --config mkdocs.yml
.venv/bin/python -m mastodon_catalog.minify --config mkdocs.yml
