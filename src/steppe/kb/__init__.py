"""The knowledge base: actors, organisations, memberships, events and their sources.

The facts ship as human-editable CSV files in ``data/`` (one fact per line, sorted), are
validated against the table schemas in :mod:`steppe.kb.schema`, and are loaded into the
store as a whole, atomically.
"""
