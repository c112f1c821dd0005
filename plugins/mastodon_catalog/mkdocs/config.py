from mkdocs.config.base import Config
from mkdocs.config.config_options import Choice, File, ListOfItems, Optional, Type


class CatalogConfig(Config):
    enabled = Type(bool, default=True)
    catalog_file = File(exists=True, default="data/endpoints.yaml")
    entities_dir = Type(str, default="data/entities")  # one YAML file per entity page; none when absent
    templates_dir = Optional(Type(str))
    tokens_page = Type(str, default="api/oauth-tokens.md")
    scopes_page = Type(str, default="api/oauth-scopes.md")
    explorer_page = Type(str, default="explorer.md")  # "Try it" links appear when this page exists
    checks_undocumented = Choice(["warn", "ignore"], default="warn")
    catalog_json = Type(str, default="catalog.json")  # "" to skip
    openapi_json = Type(str, default="openapi.json")
    cache_dir = Type(str, default=".cache/mastodon_catalog")  # "" to always parse the catalog
    minify = ListOfItems(Type(str), default=[])  # files or folders of the built site that esbuild minifies
