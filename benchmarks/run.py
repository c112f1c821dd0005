"""The benchmark command: python benchmarks/run.py [--quick]

Prints a table and writes benchmarks/results.json. Every figure that involves time is a
ratio of two things measured in the same run, alternating, so a shared, noisy machine
affects both sides alike."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PYTHON = sys.executable


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


# -- 1. the plugin's cost -------------------------------------------------------------------

def expanded_copy(work: Path) -> Path:
    """The same site with every marker already expanded and the JSON outputs as plain files,
    built by MkDocs without our plugin."""
    from mastodon_catalog.core import load_catalog
    from mastodon_catalog.core.entities import load_entities
    from mastodon_catalog.core.pages import PagePipeline
    from mastodon_catalog.core.render import Renderer
    from mastodon_catalog.core.returns import attach
    from mastodon_catalog.outputs import dumps, outputs, read_config, site_url

    plain = work / "plain"
    shutil.copytree(ROOT / "content", plain / "content")
    shutil.copytree(ROOT / "overrides", plain / "overrides")
    catalog = load_catalog(ROOT / "data" / "endpoints.yaml")
    attach(catalog, load_entities(ROOT / "data" / "entities"))
    pipeline = PagePipeline(catalog, Renderer(catalog, explorer_page="explorer.md"))
    for page in (plain / "content").rglob("*.md"):
        src = page.relative_to(plain / "content").as_posix()
        page.write_text(pipeline.page(src, page.read_text(encoding="utf-8")).text, encoding="utf-8")
    def url(page: str) -> str:  # MkDocs' directory URLs
        return page.removesuffix(".md").removesuffix("index") + ("" if page.endswith("index.md") else "/")

    config = read_config(ROOT / "mkdocs.yml")  # site_url from SITE_URL, as the plugin's build reads it
    for name, data in outputs(catalog, url, site_url(config.get("site_url")), "catalog.json", "openapi.json"):
        (plain / "content" / name).write_text(dumps(data()), encoding="utf-8")
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "mastodon/catalog" in p)]
    config.pop("watch", None)
    config["markdown_extensions"] = [e for e in config["markdown_extensions"]
                                     if not (isinstance(e, dict) and "mastodon_catalog" in e)]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return plain


def plugin_cost(runs: int) -> dict:
    """Three builds, alternating: ours as a writer runs it (the disk cache warm from the
    previous build), ours with no cache at all (every build cold), and plain MkDocs."""
    cold_config = ROOT / ".benchmark-cold.yml"  # beside mkdocs.yml, so its paths resolve alike
    cold_config.write_text("INHERIT: mkdocs.yml\nplugins:\n  - search\n  - mastodon/catalog:\n"
                           "      cache_dir: ''\n")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            plain = expanded_copy(work)
            zensical = work / "z"  # its own copy: --clean empties the project's .cache/
            for part in ("content", "data", "overrides", "mkdocs.yml", "zensical.yml"):
                (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, zensical / part)
            # As scripts/zensical.sh builds: Zensical, then the JSON outputs. Cold: --clean, no
            # render cache; warm: Zensical's render cache from the previous build.
            z_build = [PYTHON, "-m", "zensical", "build", "-f", "zensical.yml"]
            z_outputs = [PYTHON, "-m", "mastodon_catalog.outputs"]
            warm, cold, theirs, z_cold, z_warm = [], [], [], [], []
            for _ in range(runs):
                warm.append(timed([PYTHON, "-m", "mkdocs", "build", "-q", "-d", str(work / "a")], ROOT))
                cold.append(timed([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(cold_config),
                                   "-d", str(work / "c")], ROOT))
                theirs.append(timed([PYTHON, "-m", "mkdocs", "build", "-q", "-d", str(work / "b")], plain))
                z_cold.append(timed(z_build + ["--clean"], zensical) + timed(z_outputs, zensical))
                z_warm.append(timed(z_build, zensical) + timed(z_outputs, zensical))
            pages = len(list((work / "a").rglob("index.html")))
    finally:
        cold_config.unlink()
    median = statistics.median
    return {"runs": runs, "pages": pages, "plugin_s": median(warm), "plugin_cold_s": median(cold),
            "plain_s": median(theirs), "ratio": median(warm) / median(theirs),
            "cold_ratio": median(cold) / median(theirs), "zensical_cold_s": median(z_cold),
            "zensical_warm_s": median(z_warm), "zensical_cold_ratio": median(z_cold) / median(cold),
            "zensical_warm_ratio": median(z_warm) / median(warm)}


# -- 2. scaling -----------------------------------------------------------------------------

def scaling(sizes: list[int]) -> dict:
    rows = []
    for size in sizes:
        out = subprocess.run([PYTHON, str(Path(__file__).parent / "scaling.py"), str(size)], env=ENV,
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out))
    for small, large in zip(rows, rows[1:]):
        factor = large["endpoints"] / small["endpoints"]
        total = lambda r: r["load_s"] + r["render_s"]  # noqa: E731
        large["time_ratio_to_previous"] = total(large) / total(small)
        large["per_endpoint_ratio_to_previous"] = total(large) / total(small) / factor
    return {"sizes": rows}


# -- 3. mkdocs serve ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        for part in ("content", "data", "overrides", "mkdocs.yml"):
            (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, site / part)
        port = free_port()
        server = subprocess.Popen([PYTHON, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=site, env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        reloads: list[float] = []
        ready = threading.Event()

        def watch():
            for line in server.stderr:
                if "Serving on" in line:
                    ready.set()
                if "Reloading browsers" in line:
                    reloads.append(time.perf_counter())

        threading.Thread(target=watch, daemon=True).start()
        ready.wait(120)
        page = f"http://127.0.0.1:{port}/methods/apps/"
        catalog = site / "data" / "endpoints.yaml"
        index = site / "content" / "index.md"

        def rebuild(change) -> float:
            seen = len(reloads)
            time.sleep(1.2)  # let the watcher settle between rounds
            start = time.perf_counter()
            change()
            deadline = start + 120
            while len(reloads) == seen and time.perf_counter() < deadline:
                time.sleep(0.01)
            return reloads[-1] - start

        edits, touches = [], []
        try:
            for round_ in range(runs):
                marker = f"Benchmark round {round_}."
                text = catalog.read_text()
                edits.append(rebuild(lambda: catalog.write_text(  # the summary of apps/create
                    re.sub(r"(id: apps/create\n(?:    .*\n)*?    summary: )(.*)", rf"\g<1>{marker}", text, count=1))))
                with urllib.request.urlopen(page, timeout=10) as response:
                    assert marker in response.read().decode(), "the edited summary did not reach the page"
                touches.append(rebuild(lambda: index.write_text(index.read_text())))
        finally:
            server.terminate()
            server.wait(10)
    return {"runs": runs, "catalog_edit_s": statistics.median(edits), "no_change_s": statistics.median(touches),
            "ratio": statistics.median(edits) / statistics.median(touches)}


# -- 4. the explorer's weight and readiness -----------------------------------------------

def explorer(runs: int) -> dict:
    from browser import CHROMIUM, CHROMIUM_ARGS, StaticSite
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        subprocess.run([PYTHON, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, env=ENV, check=True)
        served = StaticSite(out)
        loads = {"plain": [], "explorer": [], "catalog": []}
        requested: dict[str, set[str]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                for kind, path in (("plain", "api/oauth-tokens/"), ("explorer", "explorer/")):
                    context = browser.new_context()
                    page = context.new_page()
                    urls = set()
                    page.on("request", lambda r, urls=urls: urls.add(r.url))
                    page.goto(served.url + path, wait_until="load")
                    if kind == "explorer":
                        page.wait_for_selector("#mc-explorer[data-ready=true]")
                        ready = page.evaluate("performance.getEntriesByName('mc-explorer-interactive')[0].startTime")
                        loads["catalog"].append(
                            page.evaluate("performance.getEntriesByName('mc-explorer-ready')[0].startTime"))
                    else:
                        ready = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                    loads[kind].append(ready)
                    requested[kind] = urls
                    context.close()
            browser.close()
        served.stop()
        extra = sorted(requested["explorer"] - requested["plain"])
        ours = [u for u in extra if re.search(r"/assets/explorer/.*\.(js|css)$", u)]
        always = [out / "assets" / "explorer" / name for name in ("boot.js", "explorer.css")]

        def size(paths):
            data = [p.read_bytes() for p in paths]
            return {"files": len(data), "raw": sum(map(len, data)),
                    "gzip": sum(len(gzip.compress(d, 9)) for d in data)}

        local = lambda url: out / url.removeprefix(served.url)  # noqa: E731
        return {
            "runs": runs,
            "explorer_page_extra_requests": [u.removeprefix(served.url) for u in extra],
            "js_css_on_explorer_page": size([local(u) for u in ours]),
            "js_css_on_every_page": size(always),
            # The budget's figure: every explorer file, lazily loaded ones too, as served
            # (minified by the build) and as written in content/.
            "explorer_all_served": size(sorted((out / "assets" / "explorer").iterdir())),
            "explorer_all_as_written": size(sorted((ROOT / "content" / "assets" / "explorer").iterdir())),
            "catalog_json": size([out / "catalog.json"]),
            "openapi_json": size([out / "openapi.json"]),
            "plain_page_load_ms": statistics.median(loads["plain"]),
            "explorer_ready_ms": statistics.median(loads["explorer"]),
            "console_ready_ms": statistics.median(loads["catalog"]),
            "ready_ratio": statistics.median(loads["explorer"]) / statistics.median(loads["plain"]),
            "ready_gap_ms": statistics.median(loads["explorer"]) - statistics.median(loads["plain"]),
        }


def table(results: dict) -> str:
    rows = [("measure", "figure")]
    cost = results["plugin_cost"]
    rows.append(("plugin build / plain MkDocs (same pages)",
                 f"{cost['ratio']:.3f}  ({cost['plugin_s']:.2f} s vs {cost['plain_s']:.2f} s, {cost['pages']} pages)"))
    rows.append(("  the same with no cache (first build)",
                 f"{cost['cold_ratio']:.3f}  ({cost['plugin_cold_s']:.2f} s)"))
    rows.append(("Zensical build / MkDocs build, both cold",
                 f"{cost['zensical_cold_ratio']:.3f}  ({cost['zensical_cold_s']:.2f} s, with the JSON outputs)"))
    rows.append(("  both warm (their caches from the build before)",
                 f"{cost['zensical_warm_ratio']:.3f}  ({cost['zensical_warm_s']:.2f} s)"))
    for row in results["scaling"]["sizes"]:
        growth = (f", x{row['time_ratio_to_previous']:.1f} time for x10 size "
                  f"(per endpoint x{row['per_endpoint_ratio_to_previous']:.2f})") if "time_ratio_to_previous" in row else ""
        rows.append((f"catalog of {row['endpoints']:,} endpoints",
                     f"load {row['load_s']:.2f} s + render {row['render_s']:.2f} s, peak {row['peak_mb']:.0f} MB{growth}"))
    serve_ = results["serve"]
    rows.append(("serve: catalog edit / no-change rebuild",
                 f"{serve_['ratio']:.2f}  ({serve_['catalog_edit_s']:.2f} s vs {serve_['no_change_s']:.2f} s)"))
    exp = results["explorer"]
    ours = exp["js_css_on_explorer_page"]
    rows.append(("explorer JS+CSS beyond a plain page", f"{ours['raw']:,} B raw, {ours['gzip']:,} B gzip ({ours['files']} files)"))
    served, written = exp["explorer_all_served"], exp["explorer_all_as_written"]
    rows.append(("every explorer file, served (budget 25,000 B gzip)",
                 f"{served['gzip']:,} B gzip ({served['files']} files; as written {written['gzip']:,} B gzip)"))
    rows.append(("catalog.json (data the explorer loads)", f"{exp['catalog_json']['raw']:,} B raw, "
                                                          f"{exp['catalog_json']['gzip']:,} B gzip"))
    rows.append(("openapi.json (published for other tools)", f"{exp['openapi_json']['raw']:,} B raw, "
                                                            f"{exp['openapi_json']['gzip']:,} B gzip"))
    rows.append(("explorer usable / plain page loaded", f"{exp['ready_ratio']:.2f}  ({exp['explorer_ready_ms']:.0f} ms vs "
                                                        f"{exp['plain_page_load_ms']:.0f} ms; console with catalog "
                                                        f"{exp['console_ready_ms']:.0f} ms; {exp['ready_gap_ms']:+.0f} ms)"))
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"{a.ljust(width)}  {b}" for a, b in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes, for a smoke test")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results.json")
    args = parser.parse_args()
    runs = 2 if args.quick else 7
    results = {
        "plugin_cost": plugin_cost(runs),
        "scaling": scaling([300, 3000] if args.quick else [300, 3000, 30000]),
        "serve": serve(2 if args.quick else 3),
        "explorer": explorer(runs),
    }
    args.output.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\n(written to {args.output})")


if __name__ == "__main__":
    main()
