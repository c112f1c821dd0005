"""`mkdocs serve` after a failed rebuild: keep serving the last good build, with the error
on every page, instead of a server that holds every request until the next good build
(MkDocs' live-reload server answers no page while its newest build has not succeeded)."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.mastodon_catalog")

START, END = "<!--mc-build-error-->", "<!--/mc-build-error-->"
BANNER_RE = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
BODY_RE = re.compile(r"<body\b[^>]*>", re.I)


def banner(message: str) -> str:
    return (f'{START}<div class="mc-build-error" role="alert"><p><strong>The last rebuild failed</strong>: this '
            f'is the last good build. Fix the problem and save; the page reloads.</p><pre>{html.escape(message)}'
            f'</pre></div>{END}')


def _pages(site_dir: Path):
    return site_dir.rglob("*.html") if site_dir.is_dir() else ()


def show_error(site_dir: Path, message: str) -> None:
    for page in _pages(site_dir):
        text = BANNER_RE.sub("", page.read_text(encoding="utf-8"))
        page.write_text(BODY_RE.sub(lambda m: m.group(0) + banner(message), text, count=1), encoding="utf-8")


def clear_error(site_dir: Path) -> None:
    """After a good build; a --dirty build keeps pages it did not rebuild, banners and all."""
    for page in _pages(site_dir):
        text = page.read_text(encoding="utf-8")
        if START in text:
            page.write_text(BANNER_RE.sub("", text), encoding="utf-8")


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class GuardedBuilder:
    """Wraps the server's builder: a failed rebuild is reported, and counts as built, so that
    browsers reload and show it."""

    def __init__(self, builder, site_dir: str):
        self.builder, self.site_dir, self.failed = builder, Path(site_dir), False

    def __call__(self, config=None):
        heard = _Recorder()  # MkDocs logs the real errors (and, in strict mode, the warnings) before it aborts
        logging.getLogger("mkdocs").addHandler(heard)
        try:
            self.builder(config) if config is not None else self.builder()
        except Exception as err:  # noqa: BLE001 - whatever failed, the server must go on serving
            message = "\n".join(heard.messages) or getattr(err, "message", None) or str(err) or type(err).__name__
            log.error("The rebuild failed; still serving the last good build.")
            show_error(self.site_dir, message)
            self.failed = True
            return
        finally:
            logging.getLogger("mkdocs").removeHandler(heard)
        if self.failed:
            clear_error(self.site_dir)
            self.failed = False
