"""The core must stay usable without MkDocs or Python-Markdown (Zensical, scripts)."""

import subprocess
import sys

from conftest import ROOT


def test_core_imports_without_mkdocs_or_markdown():
    code = (
        "import sys; sys.modules['mkdocs'] = None; sys.modules['markdown'] = None\n"
        "from mastodon_catalog.core import load_catalog\n"
        "from mastodon_catalog.core.render import Renderer\n"
        "c = load_catalog('tests/fixtures/tiny/data/endpoints.yaml')\n"
        "print(len(c.endpoints))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5"
