"""Reading documents (plain text, Markdown, HTML, PDF) into stored texts with metadata.

Each reader returns a :class:`ParsedDocument`: the text to store, where segmentation
starts (Markdown front matter is kept in the stored text but not segmented) and the
metadata found in the file. The readers do not touch the store; :func:`add_documents`
stores a batch of parsed documents, their segments and actor mentions in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import yaml

from steppe.errors import ValidationError
from steppe.texts.segment import Segment, clean_pdf_pages, paragraphs
from steppe.yamlfiles import yaml_problem

META_FIELDS = ("title", "author", "date", "publisher", "kind", "language")
FORMATS = ("text", "markdown", "html", "pdf")
_SUFFIX_FORMAT = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}


@dataclass
class ParsedDocument:
    """A document ready to store: text, segments and metadata."""

    path: str
    format: str
    text: str
    segments: list[Segment]
    meta: dict[str, str | None] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """sha256 of the text with whitespace collapsed and case folded (exact-duplicate key)."""
    norm = " ".join(text.split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


# -- near duplicates: MinHash over word 5-shingles -------------------------------------------
_PRIME = (1 << 31) - 1  # Mersenne prime; a*x < 2**62 fits uint64, and the product wraps many times
_N_PERM = 128
_rng = np.random.default_rng(20240607)
_PERM_A = _rng.integers(1, _PRIME, size=_N_PERM, dtype=np.uint64)
_PERM_B = _rng.integers(0, _PRIME, size=_N_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")
_BLOCK = 1 << 14  # shingles hashed per block in minhash()


def minhash(text: str, shingle: int = 5) -> np.ndarray:
    """A 128-value MinHash signature of the text's word ``shingle``-grams.

    Shingles are hashed with CRC-32 (stable across runs), reduced modulo the prime
    ``p = 2**31 - 1`` and permuted by ``(a*x + b) mod p`` with ``a, b < p``; the share of
    equal positions in two signatures estimates the Jaccard similarity of their shingle sets
    (Broder 1997).
    """
    words = _WORD.findall(text.casefold())
    if len(words) < shingle:
        grams = {" ".join(words)}
    else:
        grams = {" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    hashes %= np.uint64(_PRIME)
    # In blocks, so that memory stays at block x 128 values however long the text is.
    signature = np.full(_N_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashes), _BLOCK):
        block = hashes[start : start + _BLOCK]
        permuted = (block[:, None] * _PERM_A[None, :] + _PERM_B[None, :]) % np.uint64(_PRIME)
        np.minimum(signature, permuted.min(axis=0), out=signature)
    return signature


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    return float(np.mean(np.asarray(a) == np.asarray(b)))


# -- readers ---------------------------------------------------------------------------------
def detect_format(path: Path, data: bytes) -> str:
    """The reader for a file: by its magic number for PDF, else by suffix, else plain text."""
    if data[:5] == b"%PDF-":
        return "pdf"
    return _SUFFIX_FORMAT.get(path.suffix.lower(), "text")


def _decode(path: Path, data: bytes) -> str:
    sample = data[:8192]
    if b"\x00" in sample:
        raise ValidationError(
            f"{path} looks like a binary file (it contains NUL bytes); "
            "give a text, Markdown, HTML or PDF file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be decoded); convert it to UTF-8 "
            "or give a PDF, HTML or Markdown file."
        ) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise ValidationError(f"{path} looks like a binary file (control characters); give a text file.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first_line(text: str, start: int = 0) -> str | None:
    for line in text[start:].splitlines():
        line = line.strip().strip("#*_ ").strip()
        if re.search(r"\w", line):
            return line[:200]
    return None


def read_text(path: Path, data: bytes) -> ParsedDocument:
    text = _decode(path, data)
    return ParsedDocument(str(path), "text", text, paragraphs(text), {"title": _first_line(text)})


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(---|\.\.\.)[ \t]*(\n|\Z)", re.DOTALL)


def read_markdown(path: Path, data: bytes) -> ParsedDocument:
    """Markdown: YAML front matter (title, date, author, ...) is metadata, the body is segmented."""
    text = _decode(path, data)
    meta: dict[str, str | None] = {}
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except (yaml.YAMLError, RecursionError) as exc:
            raise ValidationError(
                f"{path}: the YAML front matter cannot be parsed ({yaml_problem(exc)}); fix it or remove it."
            ) from None
        if isinstance(front, dict):
            for key in (*META_FIELDS, "source_url"):
                if front.get(key) not in (None, ""):
                    meta[key] = str(front[key]).replace("\u00a0", " ")
        body_start = match.end()
    meta.setdefault("title", _first_line(text, body_start))
    return ParsedDocument(str(path), "markdown", text, paragraphs(text, body_start), meta)


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "header", "footer", "dd", "dt", "figcaption",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "nav"}


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "html" and a.get("lang"):
            self.meta["language"] = a["lang"]
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            key = {
                "author": "author",
                "dc.creator": "author",
                "date": "date",
                "dc.date": "date",
                "dcterms.date": "date",
                "article:published_time": "date",
                "publisher": "publisher",
                "dc.publisher": "publisher",
                "og:site_name": "publisher",
                "dc.title": "title",
            }.get(name)
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def read_html(path: Path, data: bytes) -> ParsedDocument:
    """HTML: visible text of block elements becomes paragraphs; <title> and <meta> give metadata."""
    parser = _HTMLText()
    parser.feed(_decode(path, data))
    parser.close()
    raw = "".join(parser.parts)
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", raw)]
    text = "\n\n".join(b for b in blocks if b) + "\n"
    meta: dict[str, str | None] = dict(parser.meta)
    title = " ".join("".join(parser.title_parts).split())
    if title:
        meta.setdefault("title", title)
    meta.setdefault("title", _first_line(text))
    return ParsedDocument(str(path), "html", text, paragraphs(text), meta)


def read_pdf(path: Path, data: bytes) -> ParsedDocument:
    """PDF text layer via pypdf, with page furniture and line-end hyphenation cleaned up.

    A PDF is hostile input to a large parser: whatever pypdf raises on a damaged or crafted
    file (an oversized xref hits its LimitReachedError, a loop a RecursionError, a bad number
    a ValueError ...) becomes one sentence naming the file.
    """
    import io
    import warnings

    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on every repaired flaw; the result is checked below
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
    except MemoryError:
        raise ValidationError(f"{path} is too large to read as a PDF here; split it into parts.") from None
    except Exception as exc:  # any failure of the parser on this file is the file's
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ValidationError(
            f"{path} is not a readable PDF ({type(exc).__name__}: {detail}); check the file or export "
            "it again as PDF."
        ) from None
    text_cap = _limit_chars()
    if sum(len(p) for p in pages) > text_cap:
        raise ValidationError(
            f"{path} holds more than {text_cap // 1_000_000} million characters of text, over the limit for "
            "one document (STEPPE_TEXT_MAX_MB); split it, for example by chapter, and add the parts."
        )
    if sum(len(re.findall(r"\w", p)) for p in pages) < 20:
        raise ValidationError(
            f"{path} has no text layer (an image-only or scanned PDF); run OCR on it first "
            "(for example ocrmypdf) and add the result."
        )
    text = clean_pdf_pages(pages)
    meta: dict[str, str | None] = {}
    if info is not None:
        if info.title:
            meta["title"] = str(info.title)
        if info.author:
            meta["author"] = str(info.author)
        try:
            created = info.creation_date
        except Exception:  # a malformed date in the metadata is not worth a refusal
            created = None
        if created is not None:
            meta["date"] = created.date().isoformat()
    meta.setdefault("title", _first_line(text))
    return ParsedDocument(str(path), "pdf", text, paragraphs(text), meta)


def parse_text(text: str, path: str) -> ParsedDocument:
    """A document from text already in memory (e.g. a QDPX source): Markdown if it has front matter."""
    data = text.encode("utf-8")
    check_size(Path(path), len(data), "text")
    if _FRONT_MATTER.match(text):
        return read_markdown(Path(path), data)
    return read_text(Path(path), data)


_READERS = {"text": read_text, "markdown": read_markdown, "html": read_html, "pdf": read_pdf}


def _limit_chars() -> int:
    from steppe.config import limits

    return int(limits().text_max_mb * 1_000_000)


def check_size(path: Path, size: int, fmt: str) -> None:
    """Refuse a file over the size limit for its kind before reading it (STEPPE_TEXT_MAX_MB,
    STEPPE_PDF_MAX_MB): a 50 MB text file would otherwise take gigabytes and minutes."""
    from steppe.config import limits

    cap_mb = limits().pdf_max_mb if fmt == "pdf" else limits().text_max_mb
    if size > cap_mb * 1_000_000:
        variable = "STEPPE_PDF_MAX_MB" if fmt == "pdf" else "STEPPE_TEXT_MAX_MB"
        raise ValidationError(
            f"{path} is {size / 1e6:,.1f} MB, over the {cap_mb:g} MB limit for one document ({variable}); "
            "split it, for example by chapter, and add the parts."
        )


def parse_file(path: str | Path, fmt: str | None = None) -> ParsedDocument:
    """Read one file into a :class:`ParsedDocument`; a bad file raises one clear error."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"{p} is not a file; give the path of a text, Markdown, HTML or PDF file.")
    try:
        with p.open("rb") as fh:
            head = fh.read(5)
        size = p.stat().st_size
    except OSError as exc:
        raise ValidationError(f"{p} cannot be read ({exc.strerror}); check the file.") from None
    check_size(p, size, fmt or detect_format(p, head))
    data = p.read_bytes()
    if not data.strip():
        raise ValidationError(f"{p} is empty; nothing to add.")
    if fmt is not None and fmt not in FORMATS:
        raise ValidationError(f"Unknown format '{fmt}' for {p}: use one of {', '.join(FORMATS)}.")
    parsed = _READERS[fmt or detect_format(p, data)](p, data)
    if not parsed.segments:
        raise ValidationError(f"{p} has no paragraph with text in it; nothing to add.")
    return parsed


# -- adding documents to the store -----------------------------------------------------------
def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.casefold()).strip("-")
    return slug[:60] or "doc"


def add_documents(
    paths: Sequence[str | Path],
    *,
    store: object | None = None,
    meta: dict[str, str | None] | None = None,
    fmt: str | None = None,
    doc_ids: list[str] | None = None,
    near_threshold: float = 0.8,
    parsed: list[ParsedDocument] | None = None,
) -> list[dict]:
    """Read, segment and store documents, with their KB actor mentions, in ONE transaction.

    Every file is read and checked before anything is written, so one bad file stores
    nothing. A document whose text (whitespace and case ignored) is already stored is not
    stored again: its row reports the existing id in ``duplicate_of``. A document whose
    MinHash Jaccard estimate against a stored one reaches ``near_threshold`` is stored and
    flagged in ``near_duplicate_of``. Returns one
    ``{"id", "path", "segments", "duplicate_of", "near_duplicate_of", "similarity"}`` per path.
    """
    import pandas as pd

    from steppe.kb.sync import kb_store
    from steppe.store import texts as store_texts
    from steppe.texts.actors import kb_matcher
    from steppe.texts.codebook import ACTOR_CODEBOOK

    if doc_ids is not None and len(doc_ids) != len(paths):
        raise ValidationError(f"Give one id per path: {len(doc_ids)} ids for {len(paths)} paths.")
    docs = parsed if parsed is not None else [parse_file(p, fmt) for p in paths]
    st = kb_store(store)  # type: ignore[arg-type]
    matcher = kb_matcher(st)
    overrides = {k: v for k, v in (meta or {}).items() if v not in (None, "")}
    results: list[dict] = []
    with st.transaction():
        taken = store_texts.doc_ids(st)
        known_hashes = store_texts.hashes(st)
        known_sigs = [(d, np.asarray(s, dtype=np.uint64)) for d, s in store_texts.signatures(st)]
        seg_frames, mention_rows, coding_rows, actor_codes = [], [], [], {}
        for i, doc in enumerate(docs):
            digest = doc.content_hash
            if digest in known_hashes:
                existing = known_hashes[digest]
                n = store_texts.segment_count(st, existing)
                results.append(
                    {"id": existing, "path": doc.path, "segments": n, "duplicate_of": existing,
                     "near_duplicate_of": None, "similarity": 1.0}
                )  # fmt: skip
                continue
            if doc_ids is not None:
                doc_id = doc_ids[i]
                if doc_id in taken:
                    raise ValidationError(
                        f"Document id '{doc_id}' is already in the store; choose another id."
                    )
            else:
                base = _slug(Path(doc.path).stem)
                doc_id, k = base, 2
                while doc_id in taken:
                    doc_id, k = f"{base}-{k}", k + 1
            taken.add(doc_id)
            sig = minhash(doc.text[doc.segments[0].start :])
            near, best = None, 0.0
            for other, other_sig in known_sigs:
                sim = jaccard_estimate(sig, other_sig)
                if sim > best:
                    near, best = other, sim
            if best < near_threshold:
                near, best = None, 0.0
            row = {
                "doc_id": doc_id, "path": doc.path, "format": doc.format,
                **{k: (overrides.get(k) or doc.meta.get(k)) for k in META_FIELDS},
                "text": doc.text, "n_chars": len(doc.text), "content_hash": digest,
                "minhash": [int(x) for x in sig], "near_duplicate_of": near,
                "near_duplicate_similarity": best if near else None,
            }  # fmt: skip
            store_texts.insert_document(st, row)
            known_hashes[digest] = doc_id
            known_sigs.append((doc_id, sig))
            seg_frames.append(
                pd.DataFrame(
                    {
                        "doc_id": doc_id,
                        "seg_no": [s.seg_no for s in doc.segments],
                        "start_pos": [s.start for s in doc.segments],
                        "end_pos": [s.end for s in doc.segments],
                        "text": [s.text for s in doc.segments],
                    }
                )
            )
            seen: set[tuple[int, str]] = set()
            for seg in doc.segments:
                for m in matcher.find(doc.text, seg.start, seg.end):
                    mention_rows.append((doc_id, seg.seg_no, m.actor, m.kind, m.start, m.end, m.surface))
                    if (seg.seg_no, m.actor) not in seen:
                        seen.add((seg.seg_no, m.actor))
                        coding_rows.append(
                            (doc_id, seg.seg_no, seg.start, seg.end, f"{ACTOR_CODEBOOK}:{m.actor}")
                        )
                        actor_codes[m.actor] = m.kind
            results.append(
                {"id": doc_id, "path": doc.path, "segments": len(doc.segments), "duplicate_of": None,
                 "near_duplicate_of": near, "similarity": best if near else None}
            )  # fmt: skip
        if seg_frames:
            store_texts.insert_frame(st, "texts_segments", pd.concat(seg_frames, ignore_index=True))
        if mention_rows:
            store_texts.insert_frame(
                st,
                "texts_mentions",
                pd.DataFrame(
                    mention_rows,
                    columns=["doc_id", "seg_no", "actor", "actor_kind", "start_pos", "end_pos", "surface"],
                ),
            )
        if coding_rows:
            frame = pd.DataFrame(coding_rows, columns=["doc_id", "seg_no", "start_pos", "end_pos", "code"])
            frame["coder"] = "steppe-actors"
            frame["origin"] = "actors"
            store_texts.insert_frame(st, "texts_codings", frame)
            store_texts.ensure_codebook_row(
                st, ACTOR_CODEBOOK, "Actors from the knowledge base",
                "steppe knowledge base (kb_organisations, kb_countries): names and aliases",
            )  # fmt: skip
            store_texts.ensure_codes(
                st,
                pd.DataFrame(
                    {
                        "code": [f"{ACTOR_CODEBOOK}:{a}" for a in sorted(actor_codes)],
                        "codebook": ACTOR_CODEBOOK,
                        "name": [matcher.labels.get(a, a) for a in sorted(actor_codes)],
                        "definition": [
                            f"Mentions of {actor_codes[a]} {a} by name or alias" for a in sorted(actor_codes)
                        ],
                        "position": 0,
                    }
                ),
            )
    return results
