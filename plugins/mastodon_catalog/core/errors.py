"""Problems with a location, and the one exception that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, where it is, and how to fix it."""

    file: str
    line: int
    col: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


class CatalogError(Exception):
    """Every problem found in a catalog, reported at once."""

    def __init__(self, problems: list[Problem], subject: str = "the endpoint catalog"):
        self.problems = sorted(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {subject}:"
        super().__init__("\n".join([head, *map(str, self.problems)]))
