"""Minifies scripts and styles of a built site in place with esbuild, so that what readers
download is small while the sources in content/ stay commented and readable.

    python -m mastodon_catalog.minify --config mkdocs.yml

minifies what the plugin's `minify` option lists (files or folders inside the built site, such
as assets/explorer: every .js and .css under them), as the plugin does after a MkDocs build;
Zensical, which runs no MkDocs plugins, needs the command. esbuild comes from the project's
node_modules (`npm ci`, run by scripts/setup.sh) or the PATH."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from .outputs import settings

SUFFIXES = (".js", ".css")


class MinifyError(Exception):
    """esbuild refused a file (its message names the file, line and column)."""


class EsbuildMissing(MinifyError):
    """The site still works, only heavier."""


def find_esbuild(project: Path) -> str | None:
    local = project / "node_modules" / ".bin" / "esbuild"
    return str(local) if local.exists() else shutil.which("esbuild")


def targets(site: Path, paths: list[str]) -> list[Path]:
    found = []
    for name in paths:
        path = site / name
        if not path.exists():
            raise MinifyError(f"minify: '{name}' is not in the built site ({site}); list files or folders "
                              "the site has, such as assets/explorer")
        found += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES) if path.is_dir() else [path]
    return found


def minify(site: Path, paths: list[str], esbuild: str | None) -> tuple[int, int]:
    """Rewrites the files in place; returns their total size before and after, in bytes."""
    files = targets(site, paths)
    if not files:
        return 0, 0
    if not esbuild:
        raise EsbuildMissing("esbuild is not installed, so the site's scripts stay as written: run `npm ci` in "
                          "the project folder (scripts/setup.sh does)")
    before = sum(f.stat().st_size for f in files)
    # Each file on its own (no bundling): the module graph and the file names stay as they are.
    command = [esbuild, "--minify", "--legal-comments=none", "--log-level=error", f"--outdir={site}",
               f"--outbase={site}", "--allow-overwrite", *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise MinifyError("esbuild could not minify the site's scripts:\n" + done.stderr.strip())
    return before, sum(f.stat().st_size for f in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mastodon_catalog.minify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    args = parser.parse_args(argv)
    found, base = settings(args.config), args.config.resolve().parent
    try:
        before, after = minify(base / found["site_dir"], found["minify"], find_esbuild(base))
    except MinifyError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"minified {before:,} B to {after:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
