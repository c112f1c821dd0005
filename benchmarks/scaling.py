"""One size of the scaling benchmark, in its own process: load + validate + render, then
the same again under tracemalloc for the peak memory (of loading alone, and of the whole).
Prints one JSON line."""

import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import catalog_yaml  # noqa: E402

from mastodon_catalog.core import parse_catalog  # noqa: E402
from mastodon_catalog.core.render import Renderer  # noqa: E402


def work(text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    catalog = parse_catalog(text)
    loaded = time.perf_counter()
    load_peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    renderer = Renderer(catalog)
    for endpoint in catalog.endpoints:
        renderer.endpoint(endpoint, endpoint.page)
    for token in ("public", "app", "user"):
        renderer.listing(catalog.accepting(token), "api/oauth-tokens.md", token=token)
    renderer.scopes("api/oauth-scopes.md")
    return loaded - start, time.perf_counter() - loaded, load_peak


def main() -> None:
    count = int(sys.argv[1])
    text = catalog_yaml(count)
    load, render, _ = work(text)
    tracemalloc.start()
    _, _, load_peak = work(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"endpoints": count, "load_s": load, "render_s": render, "peak_mb": peak / 2**20,
                      "load_peak_mb": load_peak / 2**20, "peak_kb_per_endpoint": peak / 2**10 / count}))


if __name__ == "__main__":
    main()
