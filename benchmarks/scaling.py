"""One size of the scaling benchmark, in its own process: load + validate + render, then
the same again under tracemalloc for the peak memory. Prints one JSON line."""

import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import catalog_yaml  # noqa: E402

from mastodon_catalog.core import parse_catalog  # noqa: E402
from mastodon_catalog.core.render import Renderer  # noqa: E402


def work(text: str) -> tuple[float, float]:
    start = time.perf_counter()
    catalog = parse_catalog(text)
    loaded = time.perf_counter()
    renderer = Renderer(catalog)
    for endpoint in catalog.endpoints:
        renderer.endpoint(endpoint, endpoint.page)
    for token in ("public", "app", "user"):
        renderer.listing(catalog.accepting(token), "api/oauth-tokens.md", token=token)
    renderer.scopes("api/oauth-scopes.md")
    return loaded - start, time.perf_counter() - loaded


def main() -> None:
    count = int(sys.argv[1])
    text = catalog_yaml(count)
    load, render = work(text)
    tracemalloc.start()
    work(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"endpoints": count, "load_s": load, "render_s": render, "peak_mb": peak / 2**20}))


if __name__ == "__main__":
    main()
