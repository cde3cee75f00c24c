"""Benchmark: ingest + auto-code (TF-IDF path) a corpus built from the seed texts.

A "page" is 3,000 characters. The corpus of ``--pages N`` pages is built by shuffling the
paragraphs of the five seed texts (../shared/seeds, read in place) into documents of
about 30 pages each until N pages are reached (seeded, so runs are comparable).

steppe: ``add_documents`` (segmentation, MinHash, KB actor recognition, one transaction,
bulk inserts) then ``suggest`` with the ECDPM codebook (one regex pass per code over the
corpus, scikit-learn TF-IDF, sparse matrix product).

baseline "naive per-segment loop": the same work written the obvious way in pure Python:
paragraphs found line by line, one INSERT per segment, KB actor terms searched per
segment, keywords searched per segment and code, TF-IDF weights and cosines computed with
dicts per segment and code, one INSERT per suggestion.

Prints progress lines, then one JSON object as the last line.
Run the full size under ``flock /tmp/steppe-bench.lock python benchmarks/texts.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cli_args import non_negative_int, positive_int

PAGE_CHARS = 3000
DOC_PAGES = 30
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def build_corpus(pages: int, folder: Path, seed: int = 7) -> list[Path]:
    """Files of shuffled seed paragraphs totalling at least ``pages`` * 3,000 characters."""
    paras = []
    for path in sorted(SEEDS.glob("*.txt")):
        paras += [p.strip() for p in re.split(r"\n\s*\n", path.read_text("utf-8")) if re.search(r"\w", p)]
    rng = random.Random(seed)
    target = pages * PAGE_CHARS
    files, total, k = [], 0, 0
    while total < target:
        rng.shuffle(paras)
        chunk, size = [], 0
        for p in paras:
            chunk.append(p)
            size += len(p) + 2
            if size >= DOC_PAGES * PAGE_CHARS or total + size >= target:
                break
        text = "\n\n".join(chunk) + "\n"
        path = folder / f"doc{k:04d}.txt"
        path.write_text(text, "utf-8")
        files.append(path)
        total += len(text)
        k += 1
    return files


def run_steppe(files: list[Path], db: Path) -> tuple[float, int, int]:
    from steppe.store import open_store
    from steppe.texts.corpus import add_documents
    from steppe.texts.suggest import suggest

    store = open_store(db)
    from steppe.kb.sync import kb_store

    kb_store(store)  # KB load is set-up, not timed
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401  (import not timed, as in the baseline)

    t0 = time.perf_counter()
    rows = add_documents(files, store=store)
    frame = suggest(None, "ecdpm", threshold=0.5, store=store)
    elapsed = time.perf_counter() - t0
    n_segments = sum(r["segments"] for r in rows)
    store.close()
    return elapsed, n_segments, len(frame)


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def run_baseline(files: list[Path], db: Path) -> tuple[float, int, int]:
    """The naive per-segment Python loop (same inputs, same codebook, same KB terms)."""
    import duckdb
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from steppe.kb import queries
    from steppe.kb.sync import kb_store
    from steppe.store import open_store
    from steppe.texts.codebook import keyword_pattern, load_codebook
    from steppe.texts.suggest import TFIDF_SCALE, code_profile

    with open_store(tempfile.mktemp(suffix=".duckdb", dir=db.parent)) as kb:
        kb_store(kb)
        terms = [
            (o["slug"], t)
            for o in queries.organisations(store=kb)
            for t in [o["name"], *(o["aliases"] or [])]
        ]
        terms += [
            (c["iso3"], t) for c in queries.countries(store=kb) for t in [c["name"], *(c["aliases"] or [])]
        ]
    codes = load_codebook("ecdpm").codes
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE seg (doc VARCHAR, no INTEGER, s INTEGER, e INTEGER, text VARCHAR)")
    con.execute("CREATE TABLE mention (doc VARCHAR, no INTEGER, actor VARCHAR)")
    con.execute("CREATE TABLE sug (doc VARCHAR, no INTEGER, code VARCHAR, conf DOUBLE, reason VARCHAR)")
    term_res = [
        (a, re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)", 0 if t.isupper() else re.I)) for a, t in terms
    ]
    t0 = time.perf_counter()
    segments = []

    def flush(doc: str, start: int, buf: list[str]) -> None:
        lengths = sorted(len(x.strip()) for x in buf)
        if len(buf) > 1 and lengths[len(lengths) // 2] >= 150:  # one paragraph per line
            for line in buf:
                lead = len(line) - len(line.lstrip())
                if re.search(r"\w", line):
                    segments.append((doc, start + lead, line.strip()))
                start += len(line) + 1
        else:
            segments.append((doc, start, "\n".join(buf).strip()))

    for f in files:
        text = f.read_text("utf-8")
        pos, start, buf = 0, None, []
        for line in text.split("\n"):
            if line.strip():
                if start is None:
                    start = pos
                buf.append(line)
            elif start is not None:
                flush(f.stem, start, buf)
                start, buf = None, []
            pos += len(line) + 1
        if start is not None:
            flush(f.stem, start, buf)
    numbered = []
    counters: dict[str, int] = {}
    for doc, start, seg in segments:
        no = counters.get(doc, 0)
        counters[doc] = no + 1
        numbered.append((doc, no, seg))
        con.execute("INSERT INTO seg VALUES (?, ?, ?, ?, ?)", [doc, no, start, start + len(seg), seg])
        for actor, rx in term_res:
            for _ in rx.finditer(seg):
                con.execute("INSERT INTO mention VALUES (?, ?, ?)", [doc, no, actor])
    # TF-IDF by hand, same settings as steppe's (sublinear tf, smooth idf, English stop words)
    profiles = [code_profile(c) for c in codes]
    docs_tokens = [
        [t for t in _TOKEN.findall(x.lower()) if t not in ENGLISH_STOP_WORDS]
        for x in [s for _, _, s in numbered] + profiles
    ]
    df: Counter[str] = Counter()
    for toks in docs_tokens:
        df.update(set(toks))
    n = len(docs_tokens)
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}

    def vec(toks: list[str]) -> dict[str, float]:
        v = {t: (1 + math.log(c)) * idf[t] for t, c in Counter(toks).items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    prof_vecs = [vec(t) for t in docs_tokens[len(numbered) :]]
    kw_res = [[(k, re.compile(keyword_pattern(k))) for k in c.keywords] for c in codes]
    n_sug = 0
    for i, (doc, no, seg) in enumerate(numbered):
        sv = vec(docs_tokens[i])
        for j, code in enumerate(codes):
            hits = [k for k, rx in kw_res[j] if rx.search(seg)]
            cos = sum(w * prof_vecs[j].get(t, 0.0) for t, w in sv.items())
            rule = 1 - 0.5 ** len(hits)
            conf = 1 - (1 - rule) * (1 - min(1.0, cos / TFIDF_SCALE))
            if conf >= 0.5:
                con.execute(
                    "INSERT INTO sug VALUES (?, ?, ?, ?, ?)",
                    [doc, no, code.key, conf, f"keywords: {', '.join(hits)}; tfidf similarity {cos:.3f}"],
                )
                n_sug += 1
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, len(numbered), n_sug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=positive_int, default=1000, help="Corpus size in pages of 3,000 characters."
    )
    parser.add_argument("--seed", type=non_negative_int, default=7)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"Error: the seed texts are not at {SEEDS}.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = build_corpus(args.pages, folder, args.seed)
        chars = sum(len(f.read_text("utf-8")) for f in files)
        pages = chars / PAGE_CHARS
        print(
            f"corpus: {len(files)} documents, {chars:,} characters = {pages:,.0f} pages of {PAGE_CHARS}",
            flush=True,
        )
        s_time, s_segs, s_sug = run_steppe(files, folder / "steppe.duckdb")
        print(f"steppe: {s_time:.2f}s, {s_segs} segments, {s_sug} suggestions, {pages / s_time:,.0f} pages/s")
        b_time, b_segs, b_sug = run_baseline(files, folder / "baseline.duckdb")
        print(
            f"baseline: {b_time:.2f}s, {b_segs} segments, {b_sug} suggestions, {pages / b_time:,.0f} pages/s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "texts_ingest_autocode",
                "size": round(pages),
                "unit": "pages of 3000 characters",
                "steppe_s": round(s_time, 3),
                "baseline": "naive per-segment Python loop",
                "baseline_s": round(b_time, 3),
                "ratio": round(b_time / s_time, 2),
                "steppe_pages_per_s": round(pages / s_time, 1),
                "baseline_pages_per_s": round(pages / b_time, 1),
                "segments": s_segs,
                "peak_rss_mib": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
