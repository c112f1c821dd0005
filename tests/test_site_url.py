"""The deployed address is one setting, SITE_URL (mkdocs.yml: `site_url: !ENV [SITE_URL, null]`).

Set, it is every canonical link, the sitemap's addresses, openapi.json's links to the pages and
catalog.json's base_url, in the MkDocs build and the Zensical one alike. Unset, no build names an
address: above all, never a loopback one (the old default was http://127.0.0.1:8000/)."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import soup
from mastodon_catalog import outputs

SITE_URL = "https://docs.example/sub/"
# A loopback or unspecified host written as a URL's host, anywhere in a text.
LOOPBACK_URL = re.compile(r"(?i)://(?:[^/@\s\"'<>]*@)?(127(?:\.[0-9]{1,3}){3}|localhost|\[::1\]|0\.0\.0\.0)(?![\w.-])")
LOOPBACK_HOSTS = re.compile(r"(?i)^(127(?:\.[0-9]{1,3}){3}|localhost|::1|0\.0\.0\.0)$")
PUBLISHED = ["openapi.json", "catalog.json", "catalog.schema.json", "sitemap.xml"]


def canonical_links(site: Path) -> dict[str, list[str]]:
    """Every page's <link rel="canonical"> targets, by page."""
    return {page.relative_to(site).as_posix(): [link["href"] for link in soup(page.read_text(encoding="utf-8"))
                                                .select('link[rel="canonical"]')]
            for page in sorted(site.rglob("*.html"))}


def loopback_in(text: str) -> list[str]:
    return [m.group(0) for m in LOOPBACK_URL.finditer(text)]


def test_the_loopback_check_finds_what_it_should():
    assert loopback_in('{"url":"http://127.0.0.1:8000/methods/apps/"}') == ["://127.0.0.1"]
    assert loopback_in("<loc>https://LOCALHOST/x</loc> http://[::1]:3000/ http://0.0.0.0/ http://127.1.2.3")
    assert not loopback_in('"default":"0.0.0.0/32" https://docs.example/ http://localhost.example/ '
                           "https://127.0.0.1.example/")


def test_the_default_build_publishes_no_loopback_address(real_site):
    """The real site, built as `mkdocs build --strict` with SITE_URL unset."""
    texts = {name: (real_site.dir / name).read_text(encoding="utf-8") for name in PUBLISHED}
    texts["sitemap.xml.gz"] = gzip.decompress((real_site.dir / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    assert {name: loopback_in(text) for name, text in texts.items() if loopback_in(text)} == {}
    links = canonical_links(real_site.dir)
    assert len(links) > 100
    # The old addresses' redirect pages point at their page, relatively: no address either.
    redirects = {page: hrefs for page, hrefs in links.items() if "Redirecting..." in (real_site.dir / page).read_text()}
    assert len(redirects) == 306 and all(h[0].startswith("../") for h in redirects.values())
    assert {page: hrefs for page, hrefs in links.items() if hrefs and page not in redirects} == {}  # no canonical link
    assert "<loc>" not in texts["sitemap.xml"]
    catalog = json.loads(texts["catalog.json"])
    assert (catalog["base_url"], catalog["$schema"]) == (None, "catalog.schema.json")
    urls = [item["externalDocs"]["url"] for path in json.loads(texts["openapi.json"])["paths"].values()
            for item in path.values() if "url" in item.get("externalDocs", {})]
    assert not [url for url in urls if LOOPBACK_HOSTS.match(urlsplit(url).hostname or "")]


def test_site_url_from_the_environment_reaches_every_published_address(tiny, build, monkeypatch):
    monkeypatch.setenv("SITE_URL", SITE_URL)
    built = build(tiny)
    assert canonical_links(built.dir)["index.html"] == [SITE_URL]
    assert canonical_links(built.dir)["methods/accounts/index.html"] == [SITE_URL + "methods/accounts/"]
    locs = re.findall(r"<loc>(.*?)</loc>", (built.dir / "sitemap.xml").read_text(encoding="utf-8"))
    assert SITE_URL in locs and SITE_URL + "methods/apps/" in locs
    assert all(loc.startswith(SITE_URL) for loc in locs)
    document = json.loads((built.dir / "openapi.json").read_text(encoding="utf-8"))
    op = document["paths"]["/api/v1/accounts/verify_credentials"]["get"]
    assert op["externalDocs"]["url"] == SITE_URL + "methods/accounts/#verify_credentials"
    catalog = json.loads((built.dir / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["base_url"] == SITE_URL
    assert catalog["$schema"] == SITE_URL + "catalog.schema.json"
    for name in PUBLISHED:
        assert not loopback_in((built.dir / name).read_text(encoding="utf-8")), name


def test_the_outputs_command_writes_what_the_plugin_writes_for_a_site_url(tiny, build, monkeypatch, tmp_path):
    """python -m mastodon_catalog.outputs (the Zensical path) reads SITE_URL through mkdocs.yml's
    !ENV as MkDocs does, and writes the same bytes; a URL without its trailing slash gets one."""
    monkeypatch.setenv("SITE_URL", SITE_URL.rstrip("/"))
    built = build(tiny)
    written = outputs.write(tiny / "mkdocs.yml", tmp_path / "out")
    assert sorted(p.name for p in written) == ["catalog.json", "catalog.schema.json", "openapi.json"]
    for path in written:
        assert path.read_bytes() == (built.dir / path.name).read_bytes(), path.name
    assert json.loads((built.dir / "catalog.json").read_text())["base_url"] == SITE_URL


def test_the_outputs_command_refuses_a_site_url_that_is_not_a_url(tiny, monkeypatch, capsys):
    monkeypatch.setenv("SITE_URL", "docs.example/sub/")
    assert outputs.main(["--config", str(tiny / "mkdocs.yml"), str(tiny / "out")]) == 1
    assert "site_url 'docs.example/sub/' is not a URL: it should start with https://" in capsys.readouterr().err


ENV_CASES = [
    ("site_url: !ENV [SITE_URL, null]\n", {}),
    ("site_url: !ENV [SITE_URL, null]\n", {"SITE_URL": ""}),
    ("site_url: !ENV [SITE_URL, null]\n", {"SITE_URL": "https://docs.example/"}),
    ("site_url: !ENV SITE_URL\n", {}),
    ("site_url: !ENV SITE_URL\n", {"SITE_URL": "https://docs.example/"}),
    ("site_url: !ENV [SITE_URL]\n", {"SITE_URL": "https://docs.example/"}),
    ("a: !ENV [FIRST, SECOND, 'fallback']\n", {}),
    ("a: !ENV [FIRST, SECOND, 'fallback']\n", {"SECOND": "second"}),
    ("a: !ENV [FIRST, SECOND, 'fallback']\n", {"FIRST": "first", "SECOND": "second"}),
    ("a: !ENV [FIRST, 8000]\n", {"FIRST": "123"}),
    ("a: !ENV [FIRST, 8000]\n", {}),
    ("a: !ENV [FIRST, [1, 2]]\n", {"FIRST": "true"}),
    ("a: !ENV []\n", {}),
]


@pytest.mark.parametrize("text, env", ENV_CASES)
def test_the_outputs_command_reads_env_tags_as_mkdocs_does(tmp_path, monkeypatch, text, env):
    from mkdocs.utils.yaml import yaml_load

    for name in ("SITE_URL", "FIRST", "SECOND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "mkdocs.yml"
    config.write_text(text)
    assert outputs.read_config(config) == yaml_load(text)


def test_the_outputs_command_leaves_mkdocs_own_tags_alone(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("a: !!python/name:material.extensions.emoji.twemoji\nb: !relative $config_dir\nc: 1\n")
    assert outputs.read_config(config) == {"a": None, "b": None, "c": 1}


# -- Zensical ------------------------------------------------------------------------------

ZENSICAL_YML = ("INHERIT: mkdocs.yml\nmarkdown_extensions:\n  - mastodon_catalog:\n"
                "      catalog: data/endpoints.yaml\n      docs_dir: content\n")


def zensical(project: Path, env: dict[str, str]) -> Path:
    """`bash scripts/zensical.sh` on a project: zensical build, then the JSON outputs."""
    env = {**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, **env}
    (project / "zensical.yml").write_text(ZENSICAL_YML)
    for command in (["zensical", "build", "--strict", "--clean", "-f", "zensical.yml"], ["mastodon_catalog.outputs"]):
        result = subprocess.run([sys.executable, "-m", *command], cwd=project, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.mark.parametrize("site_url", [SITE_URL, ""], ids=["SITE_URL set", "SITE_URL unset"])
def test_zensical_reads_the_same_setting(tiny, build, monkeypatch, tmp_path, site_url):
    """Zensical honours `!ENV` in the mkdocs.yml it inherits: the same canonical links and sitemap
    addresses as MkDocs, and the same JSON files."""
    if site_url:
        monkeypatch.setenv("SITE_URL", site_url)
    else:
        monkeypatch.delenv("SITE_URL", raising=False)
    project = tmp_path / "z"
    shutil.copytree(tiny, project)
    mkdocs_site = build(tiny).dir
    zensical_site = zensical(project, {"SITE_URL": site_url} if site_url else {})
    ours, theirs = canonical_links(mkdocs_site), canonical_links(zensical_site)
    assert theirs["index.html"] == ours["index.html"] == ([site_url] if site_url else [])
    assert theirs["methods/apps/index.html"] == ours["methods/apps/index.html"]

    def locs(site):
        return sorted(re.findall(r"<loc>\s*(.*?)\s*</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))

    assert locs(zensical_site) == locs(mkdocs_site)
    assert bool(locs(zensical_site)) == bool(site_url)
    for name in ("catalog.json", "catalog.schema.json", "openapi.json"):
        assert (zensical_site / name).read_bytes() == (mkdocs_site / name).read_bytes(), name
