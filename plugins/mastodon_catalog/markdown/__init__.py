"""The Python-Markdown extension: markers expand into catalog-rendered Markdown."""

from .extension import CatalogExtension, makeExtension

__all__ = ["CatalogExtension", "makeExtension"]
