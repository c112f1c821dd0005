"""The catalog core: model, loader, scope hierarchy and renderers. Imports no MkDocs
and no Markdown, so any host (MkDocs, Zensical, a script) can use it."""

from .errors import CatalogError, Problem
from .loader import load_catalog, parse_catalog
from .model import Alternative, Catalog, Change, Endpoint, Parameter, Scope

__all__ = [
    "Alternative", "Catalog", "CatalogError", "Change", "Endpoint", "Parameter",
    "Problem", "Scope", "load_catalog", "parse_catalog",
]
