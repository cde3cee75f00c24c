"""Connectors and importers: each turns one outside source into tidy rows with provenance."""
