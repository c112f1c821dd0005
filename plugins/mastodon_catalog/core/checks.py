"""Site-wide checks: every catalog endpoint documented exactly once, on its own page."""

from __future__ import annotations

from dataclasses import dataclass, field

from .markers import Marker, PageNote
from .model import Catalog


@dataclass
class SiteChecker:
    catalog: Catalog
    documented: dict[str, tuple[str, int]] = field(default_factory=dict)

    def record(self, page: str, markers: list[Marker]) -> list[PageNote]:
        """Note where endpoints are documented; returns problems found on this page."""
        notes = []
        for marker in markers:
            if marker.kind != "endpoint":
                continue
            endpoint = self.catalog.by_id[marker.arg]
            if marker.arg in self.documented:
                first_page, first_line = self.documented[marker.arg]
                notes.append(PageNote(marker.line, 1, f"endpoint '{marker.arg}' is documented twice "
                                      f"(first at {first_page}:{first_line})", "keep one marker", error=True))
                continue
            self.documented[marker.arg] = (page, marker.line)
            if endpoint.page != page:
                notes.append(PageNote(marker.line, 1, f"endpoint '{marker.arg}' is documented here, but the "
                                      f"catalog says it is on {endpoint.page}",
                                      f"move the marker there or set 'page: {page}' in the catalog",
                                      error=True))
        return notes

    def undocumented(self):
        """Endpoints with no marker anywhere, in catalog order."""
        return [e for e in self.catalog.endpoints if e.id not in self.documented]
