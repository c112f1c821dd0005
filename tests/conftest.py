import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    """A copy of the tiny site, free to be edited by the test. Its mkdocs.yml reads site_url
    from SITE_URL: unset here, whatever the shell running the tests says."""
    monkeypatch.delenv("SITE_URL", raising=False)
    shutil.copytree(TINY, tmp_path / "tiny")
    return tmp_path / "tiny"


def mkdocs_build(site: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build` in a subprocess, as a writer would."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args], cwd=site, capture_output=True, text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}, timeout=300,
    )


class RealSite:
    """The real site, as `mkdocs build --strict` made it."""

    def __init__(self, site_dir: Path, result: subprocess.CompletedProcess):
        self.dir, self.result = site_dir, result
        self._pages: dict[str, BeautifulSoup] = {}

    def page(self, src: str) -> BeautifulSoup:
        """The built page of a source page ("methods/apps.md"), parsed once: read it, do not
        change it."""
        if src not in self._pages:
            path = src.removesuffix(".md").removesuffix("index").rstrip("/")
            self._pages[src] = soup((self.dir / path / "index.html").read_text(encoding="utf-8"))
        return self._pages[src]


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> RealSite:
    """Built once per test run; tests only read it."""
    out = tmp_path_factory.mktemp("real-site")
    result = mkdocs_build(ROOT, "--strict", "--site-dir", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return RealSite(out, result)


class Built:
    def __init__(self, site_dir: Path, records: list[logging.LogRecord]):
        self.dir = site_dir
        self.warnings = [r.getMessage() for r in records if r.levelno >= logging.WARNING]

    def page(self, path: str) -> BeautifulSoup:
        return soup((self.dir / path).read_text(encoding="utf-8"))


@pytest.fixture
def build(caplog):
    """Build a site in-process (faster than a subprocess), returning its HTML and warnings."""
    from mkdocs.commands.build import build as mkdocs_build_
    from mkdocs.config import load_config

    def run(site: Path) -> Built:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="mkdocs"):
            cfg = load_config(str(site / "mkdocs.yml"), site_dir=str(site / "site"))
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build_(cfg)
            finally:
                cfg.plugins.on_shutdown()
        return Built(site / "site", list(caplog.records))

    return run
