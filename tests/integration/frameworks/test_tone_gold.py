"""The gold evaluation on a small gold sample written here, with hand-computed agreement.

The fixture document has four paragraphs; the gold codes five (segment, actor) pairs. VADER
scores (see tests/unit/frameworks/test_tone.py): "good" +0.4404 -> +1, "bad" -0.5423 -> -1,
"help" +0.4019 -> +1, a sentence of names only -> 0.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from steppe.errors import DataError, NotFoundError
from steppe.frameworks import tone_gold as tg
from steppe.texts.corpus import parse_file

TEXT = (
    "China is a good partner. Russia is a bad neighbour.\n\n"
    "The United States opened an embassy in Beijing.\n\n"
    "Europe will help.\n\n"
    "The weather was mild.\n"
)
#: (paragraph, gold actor, gold tone); the model gives +1, -1, 0, +1 and no score (no China in P3)
GOLD = [(0, "CHN", 1), (0, "RUS", 0), (1, "USA", 0), (2, "EU", -1), (3, "CHN", 0)]


def _write_gold(root: Path, rows: list[dict], name: str = "tone_gold.csv") -> Path:
    path = root / "gold" / name
    path.parent.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def fixture(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "t.txt").write_text(TEXT, "utf-8")
    segs = parse_file(tmp_path / "seeds" / "t.txt").segments
    rows = []
    for para, actor, tone in GOLD:
        s = segs[para]
        sha = hashlib.sha1(s.text.encode()).hexdigest()
        rows.append(
            {"doc": "seeds/t.txt", "seg_start": s.start, "seg_end": s.end, "seg_sha1": sha,
             "actor": actor, "tone": tone, "rationale": "fixture"}
        )  # fmt: skip
    gold = _write_gold(tmp_path, rows)
    recode = [dict(r, rid=i, tone_second=t) for i, (r, t) in enumerate(zip(rows[:3], (1, 0, 1), strict=True))]
    for r in recode:
        r.pop("rationale")
    _write_gold(tmp_path, recode, "tone_recode.csv")
    return tmp_path, gold


def test_hand_computed_agreement() -> None:
    # po = 4/6; both coders' marginals 3/2/1 of 6 -> pe = 14/36; kappa = (24 - 14) / (36 - 14) = 10/22
    got = tg.agreement([1, 1, 0, -1, 0, 1], [1, 0, 0, -1, 1, 1])
    assert (got.n, got.accuracy, got.kappa) == (6, round(4 / 6, 3), round(10 / 22, 3))
    assert got.confusion == [[1, 0, 0], [0, 1, 1], [0, 1, 2]]
    assert tg.agreement([], []).kappa is None


def test_evaluate_the_fixture(store, fixture: tuple[Path, Path]) -> None:
    root, gold = fixture
    report = tg.evaluate(root, store=store, gold_path=gold)
    assert report["gold"] == {"rows": 5, "segments": 4, "documents": 1, "by_tone": {"-1": 1, "0": 3, "1": 1}}
    rec = report["recognition"]
    assert (rec["rows"], rec["recognised"]) == (5, 4)  # no China in "The weather was mild."
    assert rec["by_actor"]["CHN"] == [1, 2] and rec["by_actor"]["EU"] == [1, 1]
    assert rec["false_mentions"] == 1 and rec["false_by_actor"]["CHN"] == 1  # Beijing, not coded
    # recognised: gold [+1, 0, 0, -1], model [+1, -1, 0, +1]: po = 2/4, pe = (1*2 + 2*1 + 1*1)/16
    overall = report["overall"]
    assert (overall["n"], overall["accuracy"], overall["kappa"]) == (4, 0.5, round((8 - 5) / (16 - 5), 3))
    assert overall["confusion"] == [[0, 0, 1], [1, 1, 0], [0, 0, 1]]
    assert report["by_actor"]["RUS"] == {
        "n": 1,
        "accuracy": 0.0,
        "kappa": 0.0,
        "confusion": [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
    }
    assert report["by_source"]["UN speeches"]["n"] == 0
    split = report["split"]
    assert split["calibration_rows"] + split["test_rows"] == 4
    assert [v["n"] for v in report["variants"]] == [split["test_rows"]] * 3
    # re-code: [+1, 0, 0] vs [+1, 0, +1]: po = 2/3, pe = (1*2 + 2*1)/9 = 4/9, kappa = (6 - 4)/(9 - 4)
    assert report["human"]["n"] == 3 and report["human"]["kappa"] == round(2 / 5, 3)
    block = tg.render_markdown(report)
    assert block.startswith(tg.BEGIN) and block.endswith(tg.END)
    assert "| CHN | 1 / 2 | 1 |" in block and "accuracy 0.500" in block
    assert tg.documented_block(f"intro\n{block}\noutro") == block


def test_a_changed_document_is_refused(store, fixture: tuple[Path, Path]) -> None:
    root, gold = fixture
    (root / "seeds" / "t.txt").write_text(TEXT.replace("good", "fine"), "utf-8")
    with pytest.raises(DataError, match=r"line 2: seeds/t.txt \[0:51\] is not a segment with sha1"):
        tg.evaluate(root, store=store, gold_path=gold)
    (root / "seeds" / "t.txt").unlink()
    with pytest.raises(NotFoundError, match=r"the document .* is not there"):
        tg.evaluate(root, store=store, gold_path=gold)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("actor", "IRN", "line 2 field 'actor': 'IRN' is not one of CHN, BRI, RUS, USA, EU"),
        ("tone", "2", "line 2 field 'tone': '2' is not -1, 0 or 1"),
        ("seg_sha1", "abc", "line 2 field 'seg_sha1': 'abc' is not a sha1"),
        ("seg_start", "x", "line 2 field 'seg_start'/'seg_end': not an integer"),
    ],
)
def test_broken_gold_rows_name_line_and_field(tmp_path: Path, column: str, value: str, message: str) -> None:
    row = {"doc": "d", "seg_start": "0", "seg_end": "5", "seg_sha1": "a" * 40, "actor": "CHN", "tone": "1"}
    path = _write_gold(tmp_path, [dict(row, **{column: value})])
    with pytest.raises(DataError, match=message):
        tg.read_gold(path)


def test_declared_split_and_calibration() -> None:
    assert tg.split_of("7" + "f" * 39) == "calibration" and tg.split_of("8" + "0" * 39) == "test"
    import pandas as pd

    frame = pd.DataFrame({"recognised": True, "tone": [1, 0, 0, -1], "score": [0.5, 0.1, -0.1, -0.6]})
    threshold, kappa = tg.calibrate(frame)
    assert threshold == 0.15 and kappa == 1.0  # the smallest cut that makes +-0.1 neutral
