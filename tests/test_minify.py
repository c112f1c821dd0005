"""The build minifies what readers download (the plugin's `minify` option, run by esbuild),
without changing what the scripts do."""

import json
import subprocess

import pytest

from conftest import ROOT, mkdocs_build
from mastodon_catalog.minify import EsbuildMissing, MinifyError, find_esbuild, minify

ESBUILD = find_esbuild(ROOT)


def test_the_built_explorer_is_smaller_and_keeps_its_exports(real_site):
    source = ROOT / "content" / "assets" / "explorer" / "urls.js"
    built = real_site.dir / "assets" / "explorer" / "urls.js"
    assert len(built.read_bytes()) < 0.8 * len(source.read_bytes())
    assert '"user@host" -> "host"' in source.read_text() and "user@host" not in built.read_text()  # a comment
    # The same function, imported from both files by Node, gives the same answers.
    script = ("const [a, b] = await Promise.all(process.argv.slice(1).map(f => import(f)));"
              "const inputs = ['mastodon.social', 'https://Example.COM:443/path', 'http://127.0.0.1:3000', 'javascript:x'];"
              "const run = m => inputs.map(i => { try { return String(m.normaliseInstance(i)); } catch (e) { return 'error: ' + e.message; } });"
              "console.log(JSON.stringify([run(a), run(b)]));")
    out = subprocess.run(["node", "--input-type=module", "-e", script, str(source), str(built)],
                         capture_output=True, text=True, check=True)
    written, served = json.loads(out.stdout)
    assert written == served and any(not r.startswith("error") for r in written)


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "ok.js").write_text("export const a = 1;\n")
    (tmp_path / "assets" / "broken.js").write_text("export const a = 1;\nconst b = ;\n")
    with pytest.raises(MinifyError) as error:
        minify(tmp_path, ["assets"], ESBUILD)
    assert "assets/broken.js:2:" in str(error.value)


def test_a_path_the_site_lacks_is_named(tmp_path):
    with pytest.raises(MinifyError, match="'assets/nope' is not in the built site"):
        minify(tmp_path, ["assets/nope"], ESBUILD)


def test_without_esbuild_the_build_says_how_to_install_it(tiny):
    (tiny / "content" / "assets").mkdir(parents=True, exist_ok=True)
    (tiny / "content" / "assets" / "x.js").write_text("// a comment\nexport const answer = 42;\n")
    config = tiny / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - mastodon/catalog\n",
                                                 "  - mastodon/catalog:\n      minify: [assets/x.js]\n", 1))
    result = mkdocs_build(tiny)  # the tiny site has no node_modules, and esbuild is not on PATH
    assert result.returncode == 0, result.stderr
    assert "esbuild is not installed" in result.stderr and "npm ci" in result.stderr
    assert (tiny / "site" / "assets" / "x.js").read_text().startswith("// a comment")
    with pytest.raises(EsbuildMissing):
        minify(tiny / "site", ["assets/x.js"], None)
