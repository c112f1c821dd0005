"""The benchmark compares like with like: plain MkDocs on the pre-expanded pages must produce
the same pages as the plugin does."""

import subprocess
import sys

from conftest import ROOT, soup

sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402


def article(path):
    return str(soup(path.read_text(encoding="utf-8")).select_one("article"))


def test_expanded_pages_build_to_the_same_html(tmp_path):
    plain = run.expanded_copy(tmp_path)
    for source, out in ((ROOT, tmp_path / "ours"), (plain, tmp_path / "theirs")):
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=source, env=run.ENV,
                       check=True, capture_output=True)
    for page in ("methods/accounts/index.html", "api/oauth-scopes/index.html", "methods/admin/ip_blocks/index.html"):
        assert article(tmp_path / "ours" / page) == article(tmp_path / "theirs" / page), page
    assert (tmp_path / "ours" / "openapi.json").read_text() == (tmp_path / "theirs" / "openapi.json").read_text()


def test_scaling_runs_for_a_small_catalog():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scaling.py"), "300"], env=run.ENV,
                         check=True, capture_output=True, text=True).stdout
    assert '"endpoints": 300' in out
