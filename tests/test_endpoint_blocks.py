"""An endpoint block reads in a reader's order: signature, label, summary, the writer's prose,
parameters, responses, then the history, only when it says more than the badges."""

import re

from conftest import ROOT
from mastodon_catalog.core import load_catalog

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")


def sequence(real_site, endpoint) -> list:
    """The elements of the endpoint's section, from its heading to the next h2."""
    heading = real_site.page(endpoint.page).find(id=endpoint.anchor)
    out = []
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h1", "h2"):
            break
        out.append(sibling)
    return out


def test_head_then_prose_then_tables_on_every_endpoint(real_site):
    for endpoint in CATALOG.endpoints:
        parts = sequence(real_site, endpoint)
        head, details = parts[0], parts[-1]
        assert head.get("data-endpoint") == endpoint.id, endpoint.id
        assert details.get("data-endpoint-details") == endpoint.id, f"{endpoint.id}: tables not last in its section"
        classes = [p.get("class", [""])[0] for p in head.find_all("p", recursive=False)]
        assert classes[:2] == ["mc-signature", "mc-aliases"][:1] + classes[1:2] and "mc-oauth" in classes, endpoint.id
        assert classes.index("mc-oauth") < classes.index("") if "" in classes else True, endpoint.id
        order = [d.get("class", [""])[0] for d in details.find_all("div", recursive=False)]
        assert order == sorted(order, key=["mc-params", "mc-responses", "mc-history"].index), (endpoint.id, order)


def test_the_writers_prose_comes_before_the_parameters(real_site):
    parts = sequence(real_site, CATALOG.by_id["apps/create"])
    texts = [p.get_text(" ", strip=True) for p in parts]
    prose = next(i for i, t in enumerate(texts) if t.startswith("Call this once per server"))
    assert 0 < prose < len(parts) - 1
    assert parts[-1].select_one('.mc-params[data-in="form"]'), "the form parameters follow the prose"


def test_history_only_when_it_says_more_than_the_badges(real_site):
    shown = hidden = 0
    for endpoint in CATALOG.endpoints:
        table = sequence(real_site, endpoint)[-1].select_one(".mc-history")
        says_more = any(c.note or c.change == "changed" for c in endpoint.history)
        assert bool(table) == says_more, endpoint.id
        shown, hidden = shown + bool(table), hidden + (not table)
    assert shown > 50 and hidden > 50  # both kinds are common: the rule is exercised both ways


def test_no_version_zero_is_shown(real_site):
    """Upstream's 0.0.0 means 'from the start'; readers see that, never the number."""
    first = 0
    for page in real_site.dir.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"Added in 0\.0\.0|<td>0\.0\.0</td>", text), page
        first += text.count("Since the first release")
    assert first >= 30
