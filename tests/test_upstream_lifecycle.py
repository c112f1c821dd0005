"""The upstream comparison reads when upstream says an endpoint was added, deprecated and
removed, and reports where that lifecycle differs from the catalog's."""

import pytest

from conftest import TINY
from mastodon_catalog import upstream
from mastodon_catalog.core import load_catalog
from test_upstream import ACCOUNTS, write_upstream


@pytest.mark.parametrize("line, first, kind", [
    ("0.0.0 - added", True, "added"),
    ("x.x.x - added", True, "added"),
    ("3.0.0 - removed", False, "removed"),
    ("3.0.0 - removed; use [v2 search](#v2) instead", False, "removed"),
    ("4.3.0-beta.2 - deprecated", False, "deprecated"),
    ("2.4.1 - deprecated in favour of [search, v2](#v2)\\", False, "deprecated"),
    ("4.0.0 - deprecated. Answers with an old-style filter now", False, "deprecated"),
    ("2.6.0 - new `min_id`. deprecated in favor of [conversations]", False, "deprecated"),
    # Changes, not the endpoint's lifecycle:
    ("3.5.0 - deprecated `follow` scope; `write` works too", False, "changed"),
    ("4.3.0 - removed the need for `read`", False, "changed"),
    ("4.2.0 - now needs a user token, removing public access", False, "changed"),
    ("3.5.0 - path changed. The old one stays as a deprecated alias, to be removed", False, "changed"),
])
def test_history_lines_are_read_as_lifecycle_phases(line, first, kind):
    assert upstream.lifecycle_kind(line, first) == kind


def test_lifecycle_differences_are_reported_phase_by_phase(tmp_path):
    text = ACCOUNTS.replace("0.0.0 - added\\\n    4.0.0 - deprecated", "0.0.0 - added\\\n    3.5.0 - deprecated "
                            "`follow` scope\\\n    4.1.0 - removed")
    text = text.replace("2.7.0 - added", "x.x.x - added\\\n    2.7.0 - changed")
    root = write_upstream(tmp_path / "docs", text)
    catalog = load_catalog(TINY / "data" / "endpoints.yaml")
    found = [str(d) for d in upstream.compare(catalog, upstream.read_upstream(root)) if d.kind == "lifecycle"]
    assert found == [
        "POST /api/v1/accounts: lifecycle: added upstream x.x.x, catalog 2.7.0",
        "POST /api/v1/accounts/:id/block: lifecycle: deprecated upstream never, catalog 4.0.0; "
        "removed upstream 4.1.0, catalog never",
    ]
