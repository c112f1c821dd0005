"""The Mastodon API endpoint catalog: a MkDocs-free core, a Python-Markdown extension
and a thin MkDocs plugin."""
