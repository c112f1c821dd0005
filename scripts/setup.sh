#!/usr/bin/env bash
# Creates .venv (once) and installs into it what a command needs:
#   bash scripts/setup.sh serve   the project and its runtime dependencies (MkDocs, Material...),
#                                 and esbuild from npm (package.json), which minifies the scripts
#   bash scripts/setup.sh test    the same plus the `test` extra (pytest, Playwright, Zensical...)
# Run by serve.sh and test.sh, which share the one .venv. Each level keeps a stamp
# (.venv/.installed-serve, .venv/.installed-test) that is fresh while it is newer than
# pyproject.toml: serving after testing installs nothing, testing after serving adds only the
# test extra. A lock keeps two commands started at once from installing over each other.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-test}
case "$level" in
  serve|test) ;;
  *) echo "usage: bash scripts/setup.sh [serve|test]" >&2; exit 2 ;;
esac

mkdir -p .venv
exec 9>.venv/.setup.lock
command -v flock >/dev/null && flock 9

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# A .venv made before the stamps had levels held everything: keep it.
if [ -f .venv/.installed ]; then
  cp -p .venv/.installed .venv/.installed-serve
  mv .venv/.installed .venv/.installed-test
fi

fresh() { [ -f ".venv/.installed-$1" ] && [ ".venv/.installed-$1" -nt pyproject.toml ]; }

if [ "$level" = serve ]; then
  if ! fresh serve && ! fresh test; then
    echo "Installing the site's dependencies into .venv…" >&2
    .venv/bin/python -m pip install --quiet -e .
    touch .venv/.installed-serve
  fi
else
  if ! fresh test; then
    echo "Installing the site's dependencies and the test tools into .venv…" >&2
    .venv/bin/python -m pip install --quiet -e ".[test]"
    touch .venv/.installed-serve .venv/.installed-test
  fi
fi

# esbuild, which the build runs to minify the explorer (the plugin's `minify` option).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing esbuild (npm ci)…" >&2
  npm ci --no-audit --no-fund --silent
fi
