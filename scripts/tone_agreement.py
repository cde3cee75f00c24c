"""Write the tone measure's agreement with the gold sample into docs/frameworks.md.

Recomputes every figure from the gold files in src/steppe/frameworks/gold/tone/ and the
texts in ../shared (read in place), in a throw-away store, and replaces the block between
the tone-agreement markers. ``--check`` exits 1 when the page is stale;
tests/integration/frameworks/test_tone_gold_docs.py fails in that case too.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "frameworks.md"
SHARED = ROOT.parent / "shared"


def render(shared: Path = SHARED) -> str:
    """The agreement block, computed now."""
    from steppe.frameworks.tone_gold import evaluate, render_markdown
    from steppe.kb.sync import kb_store
    from steppe.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STEPPE_DB"] = str(Path(tmp) / "steppe.duckdb")
        store = kb_store(open_store())
        try:
            return render_markdown(evaluate(shared, store=store))
        finally:
            store.close()


def main() -> int:
    from steppe.frameworks.tone_gold import documented_block

    page = TARGET.read_text("utf-8")
    current = documented_block(page)
    fresh = render()
    if "--check" in sys.argv:
        return 0 if current == fresh else 1
    TARGET.write_text(page.replace(current, fresh), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
