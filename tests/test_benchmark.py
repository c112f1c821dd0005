"""The benchmark compares like with like: plain MkDocs on the pre-expanded pages must produce
the same pages as the plugin does."""

import subprocess
import sys

from conftest import ROOT, soup

sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402


def article(path):
    return str(soup(path.read_text(encoding="utf-8")).select_one("article"))


def test_expanded_pages_build_to_the_same_html(tmp_path, real_site):
    plain = run.expanded_copy(tmp_path)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "theirs")], cwd=plain,
                   env=run.ENV, check=True, capture_output=True)
    for page in ("methods/accounts/index.html", "api/oauth-scopes/index.html", "methods/admin/ip_blocks/index.html",
                 "entities/Account/index.html"):
        assert article(real_site.dir / page) == article(tmp_path / "theirs" / page), page
    assert (real_site.dir / "openapi.json").read_text() == (tmp_path / "theirs" / "openapi.json").read_text()


def test_scaling_runs_for_a_small_catalog():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scaling.py"), "300"], env=run.ENV,
                         check=True, capture_output=True, text=True).stdout
    assert '"endpoints": 300' in out
