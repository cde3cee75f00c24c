"""The agreement figures in docs/frameworks.md are recomputed from the gold files and the texts."""

from __future__ import annotations

from pathlib import Path

from steppe.frameworks import tone_gold as tg

ROOT = Path(__file__).resolve().parents[3]


def test_documented_agreement_is_current(store, shared_root: Path) -> None:
    report = tg.evaluate(shared_root, store=store)
    page = (ROOT / "docs" / "frameworks.md").read_text("utf-8")
    assert tg.documented_block(page) == tg.render_markdown(report), (
        "docs/frameworks.md is stale: run python scripts/tone_agreement.py"
    )
    # What the page says in words about these figures:
    assert report["gold"]["rows"] >= 150 and report["human"]["n"] == 40
    overall = report["overall"]
    assert overall["kappa"] < 0.4  # "agrees poorly"
    cells = {(g, m): overall["confusion"][g][m] for g in range(3) for m in range(3) if g != m}
    assert max(cells, key=cells.get) == (1, 2)  # the largest error: gold neutral, model positive
    seeds, un = report["by_source"]["seeds"], report["by_source"]["UN speeches"]
    assert un["accuracy"] > seeds["accuracy"]  # the UN register is mostly positive in both
    declared, whole, calibrated = (v["kappa"] for v in report["variants"])
    assert calibrated > declared and whole > declared  # "does better on the held-out pairs"
    assert report["recognition"]["recognised"] == report["recognition"]["rows"]
