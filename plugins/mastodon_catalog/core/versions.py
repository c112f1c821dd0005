"""Mastodon version strings: MAJOR.MINOR.PATCH, compared as numbers."""

from __future__ import annotations

import re

VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")

Version = tuple[int, int, int]
MASTODON = "4.7.0"  # the release the catalog describes (checked against its source: mastodon_catalog.source)


def parse_version(text: str) -> Version | None:
    match = VERSION_RE.match(text)
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def format_version(version: Version) -> str:
    return ".".join(map(str, version))


FIRST_RELEASE = (0, 0, 0)  # upstream's version for what Mastodon has had from its first release


def version_name(version: Version) -> str:
    """A version as readers are told it: 0.0.0 is not a release anyone ran."""
    return "First release" if tuple(version) == FIRST_RELEASE else format_version(version)


def added_text(version: Version) -> str:
    return "Since the first release" if tuple(version) == FIRST_RELEASE else f"Added in {format_version(version)}"


def version_fix(text: str) -> str:
    """A concrete suggestion for a malformed version string."""
    numbers = re.findall(r"\d+", text)[:3]
    if numbers:
        guess = ".".join([str(int(n)) for n in numbers] + ["0"] * (3 - len(numbers)))
        return f"write MAJOR.MINOR.PATCH, e.g. '{guess}', and quote it"
    return "write MAJOR.MINOR.PATCH, e.g. '4.3.0', and quote it"
