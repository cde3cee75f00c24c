"""Tone toward the powers and the Belt and Road, per text segment, document, source and year.

The measure (docs/frameworks.md, "Tone", declares it in full):

1. **Mentions.** A segment (a paragraph of a stored document, :mod:`steppe.texts.segment`)
   counts for an actor when the KB's actor recognition (:mod:`steppe.texts.actors`) finds the
   actor's name or an alias in it, or one of the declared referring words of
   ``data/tone.yaml`` ("Chinese", "Moscow", "U.S." ...), minus the declared exclusions
   ("Original: Russian", "Latin America", Europe as a place) and the owner rule (in "China's
   Belt and Road" only the BRI is meant). These are the gold sample's written coding rules,
   section 2, as matcher terms.
2. **Context.** The segment's score toward the actor is computed from **the sentences that
   mention the actor**, not the whole paragraph: a UN General Debate paragraph can run a
   page and condemn terrorism in one sentence while thanking Russia in the next. VADER's
   authors also advise scoring longer texts sentence by sentence and averaging (the
   package's own demo: "VADER works best when analysis is done at the sentence level").
   ``scope="segment"`` scores the whole paragraph instead.
3. **Score.** Each context sentence is scored with VADER's compound valence in [-1, 1]
   (Hutto & Gilbert 2014), after every actor name and a few neutral proper names ("United
   Nations": "united" is +1.8 in the lexicon) are replaced by a neutral placeholder; the
   segment's score is the mean over its context sentences.
4. **Label.** ``positive`` when the score is at least the threshold, ``negative`` at most its
   negative, ``neutral`` between: VADER's authors' usual cut of 0.05.
5. **Aggregates.** Per document, source (the document's publisher) or year (of its date):
   the mean of the segment scores (each segment counts once), the counts of positive,
   neutral and negative segments, and the net tone ``(positive - negative) / segments``.

The optional ``model="embeddings"`` scores sentences with a local sentence-transformers model
instead (half the difference of the cosine similarity to declared positive and negative
prototype sentences); it never downloads a model.

References: C.J. Hutto and E. Gilbert (2014), "VADER: A Parsimonious Rule-based Model for
Sentiment Analysis of Social Media Text", Eighth International AAAI Conference on Weblogs and
Social Media (ICWSM-14), Ann Arbor. A. García-Herrero and R. Schindowski (2023), "Global
trends in countries' perceptions of the Belt and Road Initiative", Bruegel Working Paper
04/2023 (GDELT article tone toward the BRI, the study that Gusseinov and Sultonazarov (CABAR)
cite; compare
``steppe fetch gdelt``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml

from steppe.errors import MissingDependencyError, NotFoundError, UsageError
from steppe.frameworks.result import Evidence, Measure, Section
from steppe.texts.actors import ActorMatcher, Mention

if TYPE_CHECKING:
    from steppe.store import Store

NAME = "tone"
TITLE = "Tone toward the powers and the Belt and Road"
METHOD_VERSION = "1"
#: VADER's authors' usual three-way cut of the compound score (Hutto & Gilbert 2014; README).
THRESHOLD = 0.05
Scope = Literal["sentences", "segment"]
SCOPES: tuple[str, ...] = ("sentences", "segment")
MODELS: tuple[str, ...] = ("vader", "embeddings")
BY: tuple[str, ...] = ("segment", "document", "source", "year")
LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
UNKNOWN_SOURCE = "(unknown)"

#: A sentence scorer: texts -> scores in [-1, 1].
Scorer = Callable[[list[str]], np.ndarray]


# -- declared parameters ---------------------------------------------------------------------
@dataclass(frozen=True)
class ToneLexicon:
    """The parameters of data/tone.yaml: targets, referring words, exclusions, masking."""

    targets: tuple[str, ...]
    referents: dict[str, tuple[str, ...]]
    exclude: dict[str, tuple[re.Pattern[str], ...]]
    owner_of: dict[str, str]
    owner_verbs: re.Pattern[str] | None
    fallback: dict[str, tuple[str, str]]  # code -> (name, kind) for actors the KB lacks
    neutral: re.Pattern[str] | None
    placeholder: str
    prototypes: dict[str, tuple[str, ...]]
    version: int


@cache
def lexicon() -> ToneLexicon:
    """The tone parameters shipped in ``steppe/frameworks/data/tone.yaml``."""
    raw = yaml.safe_load(resources.files("steppe.frameworks").joinpath("data/tone.yaml").read_text("utf-8"))
    actors = raw.get("actors") or {}
    neutral = raw.get("neutral_names") or []
    verbs = raw.get("owner_verbs") or []
    return ToneLexicon(
        targets=tuple(raw["targets"]),
        referents={k: tuple(v.get("referents") or ()) for k, v in actors.items()},
        exclude={
            k: tuple(re.compile(p, re.IGNORECASE) for p in v.get("exclude") or ()) for k, v in actors.items()
        },
        owner_of={k: v["owner_of"] for k, v in actors.items() if v.get("owner_of")},
        owner_verbs=re.compile(r"\b(?:" + "|".join(verbs) + r")\b", re.IGNORECASE) if verbs else None,
        fallback={k: (v["name"], v.get("kind", "organisation")) for k, v in actors.items() if v.get("name")},
        neutral=re.compile("|".join(f"(?:{p})" for p in neutral), re.IGNORECASE) if neutral else None,
        placeholder=str(raw.get("placeholder") or "Entity"),
        prototypes={k: tuple(v) for k, v in (raw.get("prototypes") or {}).items()},
        version=int(raw.get("version", 1)),
    )


# -- mentions --------------------------------------------------------------------------------
KBEntry = tuple[str, str, str, Iterable[str]]


class ToneMatcher:
    """Actor mentions for the tone measure: KB names and aliases plus the declared rules.

    ``find`` returns mentions of every KB actor (all of them are masked before scoring);
    for the target actors it adds the declared referring words, mentions nested in another
    actor's name ("China-Central Asia Secretariat" names China), and drops excluded and
    owner-only mentions.
    """

    def __init__(self, kb_entries: Sequence[KBEntry], lex: ToneLexicon | None = None) -> None:
        self.lex = lex or lexicon()
        known = {code for code, *_ in kb_entries}
        extra: list[KBEntry] = []
        for code, words in self.lex.referents.items():
            if code not in known and code in self.lex.fallback:
                name, kind = self.lex.fallback[code]
                extra.append((code, kind, name, words))
            else:
                kind = next((k for c, k, *_ in kb_entries if c == code), "organisation")
                extra.append((code, kind, "", words))
        entries = [*kb_entries, *extra]
        self.all = ActorMatcher(entries)
        targets = set(self.lex.targets)
        self.targets_only = ActorMatcher([e for e in entries if e[0] in targets])
        self.labels = {code: self.all.labels.get(code) or code for code in known | set(self.lex.referents)}
        for code, (name, _) in self.lex.fallback.items():
            if not self.labels.get(code):
                self.labels[code] = name

    @classmethod
    def from_store(cls, store: Store) -> ToneMatcher:
        """The matcher for the KB loaded in ``store``."""
        from steppe.kb import queries

        orgs = queries.organisations(store=store)
        countries = queries.countries(store=store)
        entries: list[KBEntry] = [
            (r["slug"], "organisation", r["name"], r.get("aliases") or []) for r in orgs
        ]
        entries += [(r["iso3"], "country", r["name"], r.get("aliases") or []) for r in countries]
        return cls(entries)

    def find(self, text: str) -> list[Mention]:
        """Every actor mention in ``text`` after the nesting, exclusion and owner rules."""
        found = self.all.find(text)
        nested = []
        targets = set(self.lex.targets)
        for m in found:
            if m.actor in targets:
                continue
            for inner in self.targets_only.find(m.surface):
                nested.append(Mention(inner.actor, inner.kind, m.start, m.end, m.surface))
        mentions = sorted([*found, *nested], key=lambda m: (m.start, m.end, m.actor))
        return [m for m in mentions if not self._excluded(text, m, mentions)]

    def _excluded(self, text: str, m: Mention, mentions: list[Mention]) -> bool:
        for pattern in self.lex.exclude.get(m.actor, ()):
            lo = max(0, m.start - 60)
            for hit in pattern.finditer(text, lo, min(len(text), m.end + 60)):
                if hit.start() <= m.start and m.end <= hit.end():
                    return True
        owned = self.lex.owner_of.get(m.actor)
        return bool(owned) and any(
            o.actor == owned and self._owner_gap(text, m, o, self.lex.owner_verbs) for o in mentions
        )

    @staticmethod
    def _owner_gap(text: str, owner: Mention, owned: Mention, verbs: re.Pattern[str] | None) -> bool:
        """True when ``owner`` only names the owner of ``owned``: "China's BRI", "the Chinese
        Belt and Road", "Xi Jinping unveiled the BRI", "the BRI of the People's Republic of China"."""
        if owned.start >= owner.end:
            gap = text[owner.end : owned.start]
            if _POSSESSIVE_GAP.fullmatch(gap):
                return True
            return bool(
                verbs is not None
                and len(gap.split()) <= 7
                and not re.search(r"[.!?;]", gap)
                and verbs.search(gap)
            )
        if owned.end <= owner.start:
            return bool(_OF_GAP.fullmatch(text[owned.end : owner.start]))
        return False


_POSSESSIVE_GAP = re.compile(r"(?:['\u2019]s)?\s+(?:[\w-]+\s+){0,2}")
_OF_GAP = re.compile(r"\s+(?:[\w-]+\s+){0,2}?of\s+(?:the\s+)?")


# -- sentences -------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s)")
_ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "art", "arts", "vol", "pp", "p"),
        *("para", "paras", "cf", "vs", "gen", "col", "lt", "sen", "rep", "hon", "jr", "sr"),
        *("inc", "ltd", "co", "corp", "dept", "fig", "figs", "ed", "eds", "approx"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    }
)
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){1,4}$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` as (start, end) offsets, trimmed of surrounding whitespace.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by
    whitespace and a capital letter, a digit or an opening quote, unless the word before the
    full stop is a common abbreviation (Mr., No., Art.) or an initialism (U.S., U.N., e.g.).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENTENCE_END.finditer(text):
        nxt = re.compile(r"\s+").match(text, m.end())
        after = text[nxt.end()] if nxt and nxt.end() < n else ""
        if not (after.isupper() or after.isdigit() or after in "\"'\u2018\u201c(["):
            continue
        if text[m.start()] == ".":
            word = re.search(r"[\w.]+$", text[start : m.start()])
            token = word.group(0) if word else ""
            if token.rstrip(".").casefold() in _ABBREVIATIONS or _INITIALISM.search(token + "."):
                continue
        spans.append((start, m.end()))
        start = nxt.end() if nxt else m.end()
    if start < n:
        spans.append((start, n))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def mask(text: str, spans: Iterable[tuple[int, int]], placeholder: str) -> str:
    """``text`` with every (start, end) span replaced by ``placeholder`` (overlaps merged)."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    parts, pos = [], 0
    for a, b in merged:
        parts.append(text[pos:a])
        parts.append(placeholder)
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


# -- sentence scorers ------------------------------------------------------------------------
@cache
def _vader() -> Any:
    # The lexicon ships inside the package (vader_lexicon.txt): no download at run time.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: list[str]) -> np.ndarray:
    """VADER compound valence of each text, in [-1, 1] (Hutto & Gilbert 2014)."""
    analyzer = _vader()
    return np.array([analyzer.polarity_scores(t)["compound"] for t in texts], dtype=float)


def embedding_scorer(model_path: str | None = None, lex: ToneLexicon | None = None) -> Scorer:
    """A scorer from a local sentence-transformers model and the declared prototype sentences.

    score = (cos(text, mean positive prototype) - cos(text, mean negative prototype)) / 2, with
    unit-length embeddings, so it lies in [-1, 1]. The model is read from ``model_path`` or
    STEPPE_EMBEDDINGS_MODEL; nothing is downloaded.
    """
    from steppe.config import embeddings_model

    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingDependencyError("sentence-transformers", "embeddings") from None
    path = embeddings_model(model_path)
    if path is None or not path.is_dir():
        raise UsageError(
            "The embeddings tone model needs a local model folder: pass model_path or set "
            "STEPPE_EMBEDDINGS_MODEL (steppe never downloads a model).",
            params=("model_path",),
        )
    lex = lex or lexicon()
    # local_files_only: the loader never asks the Hub; nothing process-wide (HF_HUB_OFFLINE) is set
    model = SentenceTransformer(str(path), local_files_only=True)

    def centroid(sentences: Sequence[str]) -> np.ndarray:
        vecs = np.asarray(model.encode(list(sentences), normalize_embeddings=True), dtype=float)
        c = vecs.mean(axis=0)
        return c / (np.linalg.norm(c) or 1.0)

    pos, neg = centroid(lex.prototypes["positive"]), centroid(lex.prototypes["negative"])

    def score(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        vecs = np.asarray(model.encode(texts, normalize_embeddings=True), dtype=float)
        return np.clip((vecs @ pos - vecs @ neg) / 2.0, -1.0, 1.0)

    return score


def scorer_for(model: str = "vader", model_path: str | None = None) -> Scorer:
    """The sentence scorer of ``model`` (``vader`` or ``embeddings``)."""
    if model == "vader":
        return vader_scores
    if model == "embeddings":
        return embedding_scorer(model_path)
    raise UsageError(f"Unknown tone model '{model}': use one of {', '.join(MODELS)}.")


def label(score: float, threshold: float = THRESHOLD) -> str:
    """``positive`` (score >= threshold), ``negative`` (score <= -threshold) or ``neutral``."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"


# -- scoring segments ------------------------------------------------------------------------
SEGMENT_COLUMNS = ["doc_id", "seg_no", "actor", "score", "label", "sentences", "mentions", "context"]


def score_segments(
    segments: pd.DataFrame,
    matcher: ToneMatcher,
    actors: Sequence[str] | None = None,
    *,
    scope: Scope = "sentences",
    threshold: float = THRESHOLD,
    scorer: Scorer = vader_scores,
) -> pd.DataFrame:
    """Tone toward each actor in each segment that mentions it (pure: no store).

    ``segments``: columns doc_id, seg_no, start_pos, text. Returns one row per (segment,
    actor) with columns :data:`SEGMENT_COLUMNS`; ``context`` lists the scored spans as
    ``(start, end, compound)`` with offsets into the stored document text.
    """
    if scope not in SCOPES:
        raise UsageError(f"Unknown scope '{scope}': use one of {', '.join(SCOPES)}.")
    wanted = set(actors) if actors is not None else set(matcher.lex.targets)
    lex = matcher.lex
    texts: list[str] = []
    keys: dict[tuple[str, int, int, int], int] = {}
    plan: list[tuple[Any, int, int, str, list[tuple[int, int]], int]] = []
    columns = (segments[c] for c in ("doc_id", "seg_no", "start_pos", "text"))
    for doc_id, seg_no, start_pos, seg_text in zip(*columns, strict=True):
        text = str(seg_text)
        mentions = matcher.find(text)
        by_actor: dict[str, list[Mention]] = {}
        for m in mentions:
            if m.actor in wanted:
                by_actor.setdefault(m.actor, []).append(m)
        if not by_actor:
            continue
        # every name is masked, also those the rules do not count as a mention ("Latin America")
        blanks = [(m.start, m.end) for m in (*mentions, *matcher.all.find(text))]
        if lex.neutral is not None:
            blanks += [(h.start(), h.end()) for h in lex.neutral.finditer(text)]
        spans = sentence_spans(text) if scope == "sentences" else [(0, len(text))]
        for actor in sorted(by_actor):
            own = by_actor[actor]
            chosen = [s for s in spans if any(m.start < s[1] and m.end > s[0] for m in own)]
            for a, b in chosen:
                key = (doc_id, int(seg_no), a, b)
                if key not in keys:
                    inside = [(max(x, a) - a, min(y, b) - a) for x, y in blanks if x < b and y > a]
                    keys[key] = len(texts)
                    texts.append(mask(text[a:b], inside, lex.placeholder))
            plan.append((doc_id, int(seg_no), int(start_pos), actor, chosen, len(own)))
    values = scorer(texts) if texts else np.zeros(0)
    rows = []
    for doc_id, seg_no, offset, actor, chosen, n_mentions in plan:
        scored = [(offset + a, offset + b, float(values[keys[(doc_id, seg_no, a, b)]])) for a, b in chosen]
        mean = float(np.mean([s for *_, s in scored]))
        rows.append(
            {"doc_id": doc_id, "seg_no": seg_no, "actor": actor, "score": round(mean, 6),
             "label": label(mean, threshold), "sentences": len(scored), "mentions": n_mentions,
             "context": scored}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def source_of(publisher: object) -> str:
    """The source a document counts under: its publisher, or ``(unknown)``."""
    text = (
        "" if publisher is None or (isinstance(publisher, float) and np.isnan(publisher)) else str(publisher)
    )
    return text.strip() or UNKNOWN_SOURCE


def year_of(date: object) -> int | None:
    """The year of a stored document date (``2023``, ``2023-09``, ``2023-09-21``), else None."""
    match = re.match(r"\s*(\d{4})", "" if date is None else str(date))
    return int(match.group(1)) if match else None


def aggregate(
    scored: pd.DataFrame, documents: pd.DataFrame, by: str, threshold: float = THRESHOLD
) -> pd.DataFrame:
    """Segment tones summed up per actor and document, source or year (pure).

    ``documents``: columns doc_id, publisher, date. Per group: ``segments``, ``score`` (mean
    of the segment scores), ``positive``/``neutral``/``negative`` segment counts, ``net`` =
    (positive - negative) / segments, ``label`` of the mean, ``cites`` (doc_id:seg_no).
    """
    keys = {"document": "doc_id", "source": "source", "year": "year"}
    if by not in keys:
        raise UsageError(f"Unknown grouping '{by}': use one of {', '.join(BY)}.")
    key = keys[by]
    meta = documents.set_index("doc_id")
    frame = scored.copy()
    frame["source"] = frame["doc_id"].map(lambda d: source_of(meta["publisher"].get(d)))
    frame["year"] = frame["doc_id"].map(lambda d: year_of(meta["date"].get(d))).astype("Int64")
    rows = []
    group: Any  # a group key is whatever the column holds, missing values included (dropna=False)
    for (actor, group), g in frame.groupby(["actor", key], sort=True, dropna=False):
        n = len(g)
        counts = {lab: int((g["label"] == lab).sum()) for lab in LABELS}
        mean = float(g["score"].mean())
        rows.append(
            {"actor": actor, key: None if pd.isna(group) else group, "segments": n,
             "documents": int(g["doc_id"].nunique()), "score": round(mean, 6),
             "label": label(mean, threshold), **counts,
             "net": round((counts["positive"] - counts["negative"]) / n, 6),
             "cites": list(zip(g["doc_id"] + ":" + g["seg_no"].astype(str), g["score"], strict=True))}
        )  # fmt: skip
    return pd.DataFrame(rows)


# -- the API ---------------------------------------------------------------------------------
def method_id(model: str, scope: str) -> str:
    return f"tone:{model}:{scope}@{METHOD_VERSION}"


def resolve_actor(name: str, matcher: ToneMatcher) -> str:
    """The actor code for a code, name or alias ('CHN', 'China', 'BRI', 'Belt and Road', 'EU')."""
    from steppe.kb.resolve import normalise

    key = normalise(name)
    for code in matcher.labels:
        if normalise(code) == key:
            return code
    hit = matcher.all.find(name.strip())
    if len(hit) == 1 and hit[0].start == 0 and hit[0].end == len(name.strip()):
        return hit[0].actor
    targets = ", ".join(f"{c} ({matcher.labels.get(c, c)})" for c in matcher.lex.targets)
    raise NotFoundError(
        f"Unknown actor '{name}'; give an ISO3 code, an organisation slug or a name the KB knows, "
        f"for example {targets}."
    )


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def tone(
    actors: Sequence[str] | str | None = None,
    *,
    by: str = "document",
    doc_ids: Sequence[str] | None = None,
    scope: Scope = "sentences",
    threshold: float = THRESHOLD,
    model: str = "vader",
    model_path: str | None = None,
    store: Store | None = None,
) -> list[Measure]:
    """Tone toward ``actors`` (default: China, the BRI, Russia, the US, the EU) in the stored texts.

    ``by``: ``segment`` (one row per segment that mentions the actor, evidence = the scored
    sentences with offsets), ``document``, ``source`` (publisher) or ``year`` (evidence = the
    segments). ``scope``, ``threshold`` and ``model`` are the declared method choices (module
    docstring). Returns :class:`~steppe.frameworks.result.Measure` rows.
    """
    from steppe.kb.sync import kb_store
    from steppe.store import texts as store_texts

    if by not in BY:
        raise UsageError(f"Unknown grouping '{by}': use one of {', '.join(BY)}.")
    if not 0.0 <= threshold < 1.0:
        raise UsageError(
            f"threshold {threshold} is outside [0, 1); VADER's usual cut is 0.05.", params=("threshold",)
        )
    st = kb_store(store)
    matcher = ToneMatcher.from_store(st)
    names = [actors] if isinstance(actors, str) else list(actors or matcher.lex.targets)
    codes = list(dict.fromkeys(resolve_actor(a, matcher) for a in names))
    known = store_texts.doc_ids(st)
    for d in doc_ids or []:
        if d not in known:
            raise NotFoundError(f"Unknown document '{d}'; run 'steppe texts list' to see the ids.")
    segments = store_texts.segments(st, list(doc_ids) if doc_ids else None)
    if segments.empty:
        raise NotFoundError("No documents in the store; add some with 'steppe texts add PATH'.")
    scorer = scorer_for(model, model_path)
    scored = score_segments(segments, matcher, codes, scope=scope, threshold=threshold, scorer=scorer)
    method = method_id(model, scope)
    common = {"threshold": threshold}
    if by == "segment":
        texts = {
            d: (store_texts.document(st, d) or {}).get("text", "") for d in sorted(set(scored["doc_id"]))
        }
        out = []
        for seg in scored.to_dict("records"):
            doc_text = texts[seg["doc_id"]]
            evidence = tuple(
                Evidence("sentence", f"{seg['doc_id']}:{a}-{b}", _excerpt(doc_text[a:b]), round(v, 6))
                for a, b, v in seg["context"]
            )
            out.append(
                Measure(NAME, {"actor": seg["actor"], "doc_id": seg["doc_id"], "seg_no": int(seg["seg_no"])},
                        float(seg["score"]), seg["label"], int(seg["sentences"]), method, evidence,
                        {"mentions": int(seg["mentions"]), **common})
            )  # fmt: skip
        return out
    documents = pd.DataFrame(store_texts.documents(st))
    table = aggregate(scored, documents, by, threshold) if not scored.empty else pd.DataFrame()
    key = {"document": "doc_id", "source": "source", "year": "year"}[by]
    out = []
    for r in table.to_dict("records"):
        group = r[key]
        if group is not None and pd.isna(group):
            group = None
        unit = {"actor": r["actor"], key: int(group) if key == "year" and group is not None else group}
        evidence = tuple(Evidence("segment", ref, "", round(float(v), 6)) for ref, v in r["cites"])
        extra = {k: r[k] for k in ("documents", *LABELS, "net")} | common
        out.append(Measure(NAME, unit, r["score"], r["label"], r["segments"], method, evidence, extra))
    return out


# -- report hook -----------------------------------------------------------------------------
def report_section(store: Store) -> Section | None:
    """Tone toward each target actor across the stored texts (and GDELT news tone if fetched).

    None when the store holds no document that mentions a target actor.
    """
    from steppe.store import texts as store_texts

    if not store_texts.doc_ids(store):
        return None
    measures = tone(None, by="year", store=store)
    if not measures:
        return None
    rows = []
    for m in measures:
        rows.append(
            {"actor": m.unit["actor"], "year": m.unit["year"], "segments": m.n, "score": m.score,
             "net": m.extra["net"], "positive": m.extra["positive"], "negative": m.extra["negative"]}
        )  # fmt: skip
    from steppe import charts

    dated = pd.DataFrame([r for r in rows if r["year"] is not None], columns=["actor", "year", "score"])
    figures: tuple[Any, ...] = ()
    if not dated.empty:
        figures = (
            charts.line(
                dated,
                x="year",
                y="score",
                entity="actor",
                title="Tone toward each actor per year (VADER compound, -1 to 1)",
                y_title="Mean segment tone",
                unit="index",
                source="stored texts (dated documents); VADER 3.3.2",
                chart_id="tone-by-year",
            ),
        )
    news = news_tone_summary(store)
    notes: tuple[str, ...] = ()
    if news:
        notes = tuple(
            f"GDELT average news tone ({r['query']}, {r['source_country'] or 'all sources'}): "
            f"{r['tone']:.2f} over {r['points']} points, {r['first']} to {r['last']}."
            for r in news
        )
    return Section(
        framework=NAME,
        title=TITLE,
        text=(
            "Tone of the stored texts toward China, the Belt and Road, Russia, the US and the EU: "
            "VADER compound valence of the sentences that mention each actor (Hutto & Gilbert 2014), "
            "mean per segment, summed up per year; net = (positive - negative segments) / segments. "
            "Word valence, not a reading of stance: see the agreement with the hand-coded gold "
            "sample in docs/frameworks.md before citing a figure."
        ),
        columns=["actor", "year", "segments", "score", "net", "positive", "negative"],
        rows=rows,
        references=(
            "Hutto, C.J. and Gilbert, E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment "
            "Analysis of Social Media Text. ICWSM-14.",
            "García-Herrero, A. and Schindowski, R. (2023). Global trends in countries' perceptions of "
            "the Belt and Road Initiative. Bruegel Working Paper 04/2023.",
        ),
        notes=notes,
        charts=figures,
    )


def news_tone_summary(store: Store) -> list[dict[str, Any]]:
    """Mean GDELT news tone per stored query and source country (every gdelt dataset; empty if none)."""
    from steppe.store import data as store_data

    out = []
    country: Any  # the group key, NaN where GDELT names no source country (dropna=False)
    for dataset in store_data.list_datasets(store, "gdelt"):
        try:
            frame = store_data.news_tone(store, dataset=dataset["dataset_id"])
        except NotFoundError:  # a fetch that matched nothing stores no rows
            continue
        for (query, country), g in frame.groupby(["query", "source_country"], dropna=False, sort=True):
            out.append(
                {"dataset_id": dataset["dataset_id"], "query": query,
                 "source_country": None if pd.isna(country) else country,
                 "tone": float(g["tone"].mean()), "points": len(g),
                 "first": str(g["period_start"].min())[:10], "last": str(g["period_start"].max())[:10]}
            )  # fmt: skip
    return out
