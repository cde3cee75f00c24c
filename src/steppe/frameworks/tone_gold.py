"""Validating the tone measure against the hand-coded gold sample.

The gold sample (``steppe/frameworks/gold/tone/``: ``tone_gold.csv``, its coding rules
``CODING_RULES.md``, the re-code ``tone_recode.csv`` and ``AGREEMENT.md``) codes the tone
toward an actor of (segment, actor) pairs from the seed texts and the Central Asian UN
General Debate speeches as -1, 0 or +1. The CSV holds offsets into steppe's own segmentation
and the sha1 of each segment, never the text: :func:`attach_texts` reads the documents in
place (``root`` = the folder the ``doc`` paths are relative to, ``../shared`` beside a
checkout), segments them as ``steppe texts add`` does and refuses a segment whose sha1 differs.

:func:`evaluate` scores every gold pair with the product's own pipeline
(:func:`steppe.frameworks.tone.score_segments`) and reports, against the gold:

* **recognition**: how many gold pairs the mention matcher finds (recall), and how many
  pairs it finds in the gold segments that the coder did not code (false mentions);
* **agreement** of the declared method (Cohen's kappa from :mod:`steppe.texts.reliability`,
  accuracy, the 3×3 confusion matrix) overall, per actor and per source type, on the pairs
  the matcher recognises;
* **variants** on the held-out test split only: the declared method, whole-segment scope,
  and the label threshold calibrated on the calibration split.

The split is declared, not chosen: a segment belongs to the calibration split when the first
hex digit of its sha1 is 0-7, to the test split otherwise; all actors of one segment fall in
the same split.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from steppe.errors import DataError, NotFoundError
from steppe.frameworks import tone as tone_mod
from steppe.texts.reliability import cohen_kappa

GOLD_COLUMNS = ("doc", "seg_start", "seg_end", "seg_sha1", "actor", "tone", "rationale")
#: The gold sample's actor codes -> steppe's actor codes.
ACTORS: dict[str, str] = {"CHN": "CHN", "BRI": "bri", "RUS": "RUS", "USA": "USA", "EU": "eu"}
TONES = (-1, 0, 1)
#: Thresholds tried when calibrating the label cut on the calibration split.
THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.05, 0.951, 0.05))


def gold_dir() -> Path:
    """The folder of the gold sample shipped with steppe."""
    return Path(str(resources.files("steppe.frameworks").joinpath("gold/tone")))


def source_type(doc: str) -> str:
    """``seeds`` or ``UN speeches`` (or the folder) for a gold ``doc`` path."""
    if doc.startswith("seeds/"):
        return "seeds"
    if "ungdc" in doc:
        return "UN speeches"
    return doc.split("/", 1)[0]


def split_of(seg_sha1: str) -> str:
    """``calibration`` when the sha1's first hex digit is 0-7, else ``test``."""
    return "calibration" if int(seg_sha1[0], 16) < 8 else "test"


def read_gold(path: Path | None = None, *, tone_columns: Sequence[str] = ("tone",)) -> pd.DataFrame:
    """The gold CSV, checked: integer offsets, a 40-hex sha1, a known actor, tones -1, 0 or 1.

    ``tone_columns`` are the tone columns to read (``tone``; ``tone_second`` too for the
    re-code). Any problem is one :class:`DataError` naming the file, line and field.
    """
    path = path or gold_dir() / "tone_gold.csv"
    if not path.is_file():
        raise NotFoundError(f"No gold file {path}; give the path of a tone_gold.csv.")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        needed = ["doc", "seg_start", "seg_end", "seg_sha1", "actor", *tone_columns]
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(
                f"{path} line 1: missing column(s) {', '.join(missing)}; is this a tone gold file?"
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                start, end = int(row["seg_start"]), int(row["seg_end"])
            except ValueError:
                raise DataError(f"{path} line {line} field 'seg_start'/'seg_end': not an integer.") from None
            if not 0 <= start < end:
                raise DataError(f"{path} line {line} field 'seg_end': {end} does not follow {start}.")
            sha = row["seg_sha1"].strip().lower()
            if len(sha) != 40 or any(c not in "0123456789abcdef" for c in sha):
                raise DataError(f"{path} line {line} field 'seg_sha1': {row['seg_sha1']!r} is not a sha1.")
            actor = row["actor"].strip()
            if actor not in ACTORS:
                raise DataError(
                    f"{path} line {line} field 'actor': {actor!r} is not one of {', '.join(ACTORS)}."
                )
            tones: dict[str, int | None] = {}
            for column in tone_columns:
                try:
                    tones[column] = int(row[column])
                except ValueError:
                    tones[column] = None
                if tones[column] not in TONES:
                    raise DataError(
                        f"{path} line {line} field '{column}': {row[column]!r} is not -1, 0 or 1."
                    )
            rows.append(
                {"line": line, "doc": row["doc"].strip(), "seg_start": start, "seg_end": end, "seg_sha1": sha,
                 "actor": ACTORS[actor], "gold_actor": actor, **tones}
            )  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.attrs["path"] = str(path)
    return frame


def attach_texts(gold: pd.DataFrame, root: Path) -> pd.DataFrame:
    """``gold`` with the segment ``text`` read in place from ``root / doc``, sha1 checked.

    Each document is read and segmented as ``steppe texts add`` does
    (:func:`steppe.texts.corpus.parse_file`); a row whose offsets are not a segment of it, or
    whose text has another sha1, is one :class:`DataError`.
    """
    from steppe.texts.corpus import parse_file

    where = gold.attrs.get("path", "gold")
    texts: dict[str, dict[tuple[int, int], str]] = {}
    out = []
    for row in gold.to_dict("records"):
        if row["doc"] not in texts:
            path = root / row["doc"]
            if not path.is_file():
                raise NotFoundError(
                    f"{where} line {row['line']}: the document {path} is not there; give the folder "
                    "that holds seeds/ and data/ (../shared beside a checkout)."
                )
            parsed = parse_file(path)
            texts[row["doc"]] = {(s.start, s.end): s.text for s in parsed.segments}
        text = texts[row["doc"]].get((row["seg_start"], row["seg_end"]))
        if text is None or hashlib.sha1(text.encode("utf-8")).hexdigest() != row["seg_sha1"]:
            raise DataError(
                f"{where} line {row['line']}: {row['doc']} [{row['seg_start']}:{row['seg_end']}] is not a "
                f"segment with sha1 {row['seg_sha1'][:12]}; the document or the segmentation changed."
            )
        out.append(text)
    return gold.assign(text=out)


def predict(
    gold: pd.DataFrame,
    matcher: tone_mod.ToneMatcher,
    *,
    scope: tone_mod.Scope = "sentences",
    threshold: float = tone_mod.THRESHOLD,
    scorer: tone_mod.Scorer = tone_mod.vader_scores,
) -> pd.DataFrame:
    """``gold`` (with ``text``) plus the product's ``score``, ``predicted`` (-1/0/1), ``recognised``.

    Unrecognised pairs (the matcher does not find the actor in the segment) get no score.
    """
    segs = gold.drop_duplicates(["doc", "seg_start"])[["doc", "seg_start", "text"]]
    frame = pd.DataFrame(
        {"doc_id": segs["doc"], "seg_no": segs["seg_start"], "start_pos": 0, "text": segs["text"]}
    )
    scored = tone_mod.score_segments(
        frame, matcher, list(ACTORS.values()), scope=scope, threshold=threshold, scorer=scorer
    )
    scored = scored.rename(columns={"doc_id": "doc", "seg_no": "seg_start"})[
        ["doc", "seg_start", "actor", "score"]
    ]
    out = gold.merge(scored, on=["doc", "seg_start", "actor"], how="left")
    out["recognised"] = out["score"].notna()
    out["predicted"] = [classify(s, threshold) if pd.notna(s) else np.nan for s in out["score"]]
    out.attrs.update(gold.attrs)
    out.attrs["found"] = scored
    return out


def classify(score: float, threshold: float) -> int:
    """-1, 0 or +1 from a score and a symmetric threshold (the tone labels as numbers)."""
    return {"negative": -1, "neutral": 0, "positive": 1}[tone_mod.label(score, threshold)]


@dataclass(frozen=True)
class Agreement:
    """Agreement of predictions with the gold on ``n`` pairs."""

    n: int
    accuracy: float | None
    kappa: float | None
    confusion: list[list[int]]  # rows gold -1, 0, +1; columns model -1, 0, +1

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "accuracy": self.accuracy, "kappa": self.kappa, "confusion": self.confusion}


def agreement(truth: ArrayLike, predicted: ArrayLike) -> Agreement:
    """Accuracy, Cohen's kappa (steppe.texts.reliability) and the confusion matrix."""
    t = np.asarray(truth, dtype=float)
    p = np.asarray(predicted, dtype=float)
    keep = ~(np.isnan(t) | np.isnan(p))
    t, p = t[keep], p[keep]
    confusion = [[int(np.sum((t == a) & (p == b))) for b in TONES] for a in TONES]
    if not t.size:
        return Agreement(0, None, None, confusion)
    kappa = cohen_kappa(t, p)
    return Agreement(
        int(t.size),
        round(float(np.mean(t == p)), 3),
        None if np.isnan(kappa) else round(float(kappa), 3),
        confusion,
    )


def calibrate(frame: pd.DataFrame, grid: Sequence[float] = THRESHOLD_GRID) -> tuple[float, float | None]:
    """The threshold of ``grid`` with the highest kappa on ``frame`` (recognised pairs), and that kappa.

    Ties go to the smaller threshold.
    """
    rows = frame[frame["recognised"]]
    best, best_kappa = grid[0], None
    for t in grid:
        pred = [classify(s, t) for s in rows["score"]]
        k = agreement(rows["tone"], pred).kappa
        if k is not None and (best_kappa is None or k > best_kappa):
            best, best_kappa = t, k
    return float(best), best_kappa


def _by(frame: pd.DataFrame, column: str, values: Sequence[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for v in values:
        g = frame[frame[column] == v]
        out[v] = agreement(g["tone"], g["predicted"]).to_dict()
    return out


def evaluate(
    root: Path,
    *,
    store: Any = None,
    gold_path: Path | None = None,
    model: str = "vader",
    model_path: str | None = None,
) -> dict[str, Any]:
    """The full validation of the tone measure against the gold sample (module docstring)."""
    from steppe.kb.sync import kb_store

    matcher = tone_mod.ToneMatcher.from_store(kb_store(store))
    scorer = tone_mod.scorer_for(model, model_path)
    gold = attach_texts(read_gold(gold_path), root)
    gold["source"] = gold["doc"].map(source_type)
    gold["split"] = gold["seg_sha1"].map(split_of)
    main = predict(gold, matcher, scorer=scorer)
    rec = main[main["recognised"]]
    actors = list(ACTORS.values())
    gold_actor = {v: k for k, v in ACTORS.items()}
    found = main.attrs["found"]
    coded = set(zip(main["doc"], main["seg_start"], main["actor"], strict=True))
    extra = found[
        [
            (d, s, a) not in coded
            for d, s, a in zip(found["doc"], found["seg_start"], found["actor"], strict=True)
        ]
    ]
    recognition = {
        "rows": len(main),
        "recognised": int(main["recognised"].sum()),
        "by_actor": {
            gold_actor[a]: [int(g["recognised"].sum()), len(g)]
            for a, g in ((a, main[main["actor"] == a]) for a in actors)
        },
        "false_mentions": len(extra),
        "false_by_actor": {gold_actor[a]: int((extra["actor"] == a).sum()) for a in actors},
        "found": len(found),
    }
    test = main[main["split"] == "test"]
    calibration = main[main["split"] == "calibration"]
    seg_scope = predict(gold[gold["split"] == "test"], matcher, scope="segment", scorer=scorer)
    t_star, k_cal = calibrate(calibration)
    test_rec = test[test["recognised"]]
    calibrated = [classify(s, t_star) for s in test_rec["score"]]
    variants = [
        {
            "name": f"declared: actor sentences, threshold {tone_mod.THRESHOLD}",
            **agreement(test_rec["tone"], test_rec["predicted"]).to_dict(),
        },
        {
            "name": f"whole segment, threshold {tone_mod.THRESHOLD}",
            **agreement(seg_scope["tone"], seg_scope["predicted"]).to_dict(),
        },
        {
            "name": f"actor sentences, threshold {t_star} (calibrated)",
            **agreement(test_rec["tone"], calibrated).to_dict(),
        },
    ]
    recode_path = (gold_path.parent if gold_path else gold_dir()) / "tone_recode.csv"
    human = None
    if recode_path.is_file():
        recode = read_gold(recode_path, tone_columns=("tone", "tone_second"))
        human = agreement(recode["tone"], recode["tone_second"]).to_dict()
    return {
        "model": model,
        "method": tone_mod.method_id(model, "sentences"),
        "gold": {
            "rows": len(main),
            "segments": int(main[["doc", "seg_start"]].drop_duplicates().shape[0]),
            "documents": int(main["doc"].nunique()),
            "by_tone": {str(t): int((main["tone"] == t).sum()) for t in TONES},
        },
        "recognition": recognition,
        "overall": agreement(rec["tone"], rec["predicted"]).to_dict(),
        "by_actor": {gold_actor[a]: v for a, v in _by(rec, "actor", actors).items()},
        "by_source": _by(rec, "source", ["seeds", "UN speeches"]),
        "split": {
            "calibration_rows": int(calibration["recognised"].sum()),
            "test_rows": int(test["recognised"].sum()),
            "threshold": t_star,
            "calibration_kappa": k_cal,
        },
        "variants": variants,
        "human": human,
    }


# -- the documented figures ------------------------------------------------------------------
BEGIN = "<!-- tone-agreement:begin -->"
END = "<!-- tone-agreement:end -->"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}".replace("-", "−")


def _confusion(c: list[list[int]]) -> str:
    rows = ["| gold \\ model | −1 | 0 | +1 |", "|---|---|---|---|"]
    for label, row in zip(("−1", "0", "+1"), c, strict=True):
        rows.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(rows)


def render_markdown(report: dict[str, Any]) -> str:
    """The agreement figures as the Markdown block docs/frameworks.md holds (between markers)."""
    g, r, o = report["gold"], report["recognition"], report["overall"]
    lines = [
        BEGIN,
        "",
        f"Gold: {g['rows']} (segment, actor) pairs on {g['segments']} segments of {g['documents']} documents "
        f"(tone −1: {g['by_tone']['-1']}, 0: {g['by_tone']['0']}, +1: {g['by_tone']['1']}). "
        f"Method: `{report['method']}`, threshold {tone_mod.THRESHOLD}.",
        "",
        f"**Recognition.** The mention matcher finds {r['recognised']} of the {r['rows']} gold pairs "
        f"({r['recognised'] / r['rows']:.0%}); in the same segments it also finds {r['false_mentions']} "
        f"(segment, actor) pairs that the coder did not code (false mentions, of {r['found']} found).",
        "",
        "| actor | recognised / gold pairs | false mentions |",
        "|---|---|---|",
    ]
    for actor, (found, total) in r["by_actor"].items():
        lines.append(f"| {actor} | {found} / {total} | {r['false_by_actor'][actor]} |")
    lines += [
        "",
        f"**Agreement with the gold** (recognised pairs): accuracy {_fmt(o['accuracy'])}, "
        f"Cohen's κ {_fmt(o['kappa'])} (n = {o['n']}).",
        "",
        "| pairs | n | accuracy | κ |",
        "|---|---|---|---|",
        f"| all | {o['n']} | {_fmt(o['accuracy'])} | {_fmt(o['kappa'])} |",
    ]
    for name, a in (*report["by_actor"].items(), *report["by_source"].items()):
        lines.append(f"| {name} | {a['n']} | {_fmt(a['accuracy'])} | {_fmt(a['kappa'])} |")
    lines += [
        "",
        "Confusion matrix, all recognised pairs (rows: gold, columns: model):",
        "",
        _confusion(o["confusion"]),
    ]
    s = report["split"]
    lines += [
        "",
        f"**Held-out test split** ({s['test_rows']} recognised pairs; the threshold was calibrated on the "
        f"{s['calibration_rows']} pairs of the calibration split, best κ {_fmt(s['calibration_kappa'])} "
        f"at {s['threshold']}):",
        "",
        "| variant | n | accuracy | κ |",
        "|---|---|---|---|",
    ]
    for v in report["variants"]:
        lines.append(f"| {v['name']} | {v['n']} | {_fmt(v['accuracy'])} | {_fmt(v['kappa'])} |")
    h = report["human"]
    if h is not None:
        lines += [
            "",
            f"**Re-code** (the same coder, blind, {h['n']} random pairs; an upper bound, not inter-coder "
            f"reliability): accuracy {_fmt(h['accuracy'])}, κ {_fmt(h['kappa'])}.",
        ]
    lines += ["", END]
    return "\n".join(lines)


def documented_block(markdown: str) -> str:
    """The generated block inside a Markdown page (markers included)."""
    start, end = markdown.find(BEGIN), markdown.find(END)
    if start < 0 or end < 0:
        raise NotFoundError(f"The page has no {BEGIN} ... {END} block.")
    return markdown[start : end + len(END)]
