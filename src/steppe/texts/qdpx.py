"""Exchange: coded segments to CSV, and REFI-QDA projects (QDPX) out and in.

A QDPX file is a zip holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, REFI-QDA Project Exchange Standard 1.0) and the plain-text
sources under ``sources/``. The parts steppe writes and reads::

    Project
      Users/User(guid, name)                       one per coder
      CodeBook/Codes/Code(guid, name, isCodable)   nested as in the codebook
        Description                                definition + "[steppe code KEY]"
      Sources/TextSource(guid, name, plainTextPath="internal://GUID.txt")
        PlainTextSelection(guid, startPosition, endPosition, creatingUser, creationDateTime)
          Coding(guid, creatingUser, creationDateTime)/CodeRef(targetGUID)
                                                   + NoteRef(targetGUID) for a memo
      Notes/Note(guid, name)/PlainTextContent      memos

Positions are character (code point) offsets into the source text, end exclusive, the
same as steppe's segment offsets. GUIDs are UUID-5 values derived from steppe's ids, so
exporting the same store twice gives the same file.
"""

from __future__ import annotations

import csv
import re
import uuid
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from steppe import __version__
from steppe.errors import ValidationError
from steppe.store import Store, open_store
from steppe.store import texts as store_texts
from steppe.texts.corpus import ParsedDocument, parse_text

NS = "urn:QDA-XML:project:1.0"
_Q = f"{{{NS}}}"
_ROOT = uuid.UUID("6f1d8a52-0c4e-5b7a-9a51-5e3a2f7c0b11")
_KEY_TAG = re.compile(r"\[steppe code ([^\]\s]+)\]\s*$")


def _guid(kind: str, value: str) -> str:
    return str(uuid.uuid5(_ROOT, f"{kind}:{value}")).upper()


def _iso(ts: Any) -> str:
    if ts is None or (isinstance(ts, float) and pd.isna(ts)) or ts is pd.NaT:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = pd.Timestamp(ts)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _store(store: Store | None) -> Store:
    return store if store is not None else open_store()


# -- CSV ---------------------------------------------------------------------------------------
def export_csv(out_dir: str | Path, doc_ids: list[str] | None = None, *, store: Store | None = None) -> dict:
    """Write ``codes.csv`` (every stored code) and ``coded_segments.csv`` (live codings with text)."""
    st = _store(store)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    codes = pd.DataFrame(store_texts.codes(st))
    if not codes.empty:
        for col in ("examples", "keywords"):
            codes[col] = codes[col].map(lambda v: "; ".join(v) if isinstance(v, list) else "")
    _spreadsheet_safe(codes).to_csv(out / "codes.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    codings = store_texts.codings(st, doc_ids)
    seg = store_texts.segments(st, doc_ids)[["doc_id", "seg_no", "text"]]
    merged = codings.merge(seg, on=["doc_id", "seg_no"], how="left")
    _spreadsheet_safe(merged).to_csv(out / "coded_segments.csv", index=False)
    return {"codes": len(codes), "coded_segments": len(merged), "folder": str(out)}


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe (steppe.csvsafe)."""
    from steppe.csvsafe import neutralise

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(neutralise)
    return out


# -- QDPX export ------------------------------------------------------------------------------
def export_qdpx(
    path: str | Path, doc_ids: list[str] | None = None, *, project: str = "steppe", store: Store | None = None
) -> dict:
    """Write a REFI-QDA project with the documents, every stored code and the live codings."""
    st = _store(store)
    docs = [d for d in store_texts.documents(st) if not doc_ids or d["doc_id"] in doc_ids]
    if doc_ids:
        missing = sorted(set(doc_ids) - {d["doc_id"] for d in docs})
        if missing:
            from steppe.errors import NotFoundError

            raise NotFoundError(f"Unknown document '{missing[0]}'; run 'steppe texts list' to see the ids.")
    ids = [d["doc_id"] for d in docs]
    codings = store_texts.codings(st, ids or ["\u0000"])
    codes = store_texts.codes(st)
    ET.register_namespace("", NS)
    root = ET.Element(
        f"{_Q}Project",
        {"name": project, "origin": f"steppe {__version__}", "creationDateTime": _iso(None)},
    )
    users = ET.SubElement(root, f"{_Q}Users")
    for coder in sorted(set(codings["coder"])):
        ET.SubElement(users, f"{_Q}User", {"guid": _guid("user", coder), "name": coder})
    book = ET.SubElement(ET.SubElement(root, f"{_Q}CodeBook"), f"{_Q}Codes")
    elements: dict[str, ET.Element] = {}
    groups: dict[str, ET.Element] = {}
    for c in codes:
        parent = elements.get(c["parent"]) if c["parent"] else None
        if parent is None:
            cb = c["codebook"]
            if cb not in groups:
                groups[cb] = ET.SubElement(
                    book, f"{_Q}Code", {"guid": _guid("codebook", cb), "name": cb, "isCodable": "false"}
                )
            parent = groups[cb]
        el = ET.SubElement(
            parent, f"{_Q}Code", {"guid": _guid("code", c["code"]), "name": c["name"], "isCodable": "true"}
        )
        desc = (c["definition"] or "").strip()
        ET.SubElement(el, f"{_Q}Description").text = f"{desc}\n[steppe code {c['code']}]".strip()
        elements[c["code"]] = el
    sources = ET.SubElement(root, f"{_Q}Sources")
    notes: list[tuple[str, str, str, Any]] = []
    texts: dict[str, str] = {}
    for d in docs:
        full = store_texts.document(st, d["doc_id"])
        if full is None:
            raise NotFoundError(f"Document '{d['doc_id']}' left the store during the export; run it again.")
        guid = _guid("doc", d["doc_id"])
        texts[guid] = full["text"]
        src = ET.SubElement(
            sources,
            f"{_Q}TextSource",
            {"guid": guid, "name": d["doc_id"], "plainTextPath": f"internal://{guid}.txt",
             "creationDateTime": _iso(full["added_at"])},
        )  # fmt: skip
        if d.get("title"):
            ET.SubElement(src, f"{_Q}Description").text = d["title"]
        mine = codings[codings["doc_id"] == d["doc_id"]]
        for (start, end), g in mine.groupby(["start_pos", "end_pos"], sort=True):
            first = g.iloc[0]
            sel = ET.SubElement(
                src,
                f"{_Q}PlainTextSelection",
                {
                    "guid": _guid("sel", f"{d['doc_id']}:{start}:{end}"),
                    "name": f"{d['doc_id']}:{int(first['seg_no'])}",
                    "startPosition": str(int(start)),
                    "endPosition": str(int(end)),
                    "creatingUser": _guid("user", first["coder"]),
                    "creationDateTime": _iso(first["created_at"]),
                },
            )
            for r in g.itertuples(index=False):
                cg = ET.SubElement(
                    sel,
                    f"{_Q}Coding",
                    {"guid": _guid("coding", str(r.coding_id)), "creatingUser": _guid("user", r.coder),
                     "creationDateTime": _iso(r.created_at)},
                )  # fmt: skip
                ET.SubElement(cg, f"{_Q}CodeRef", {"targetGUID": _guid("code", r.code)})
                if isinstance(r.memo, str) and r.memo:
                    note_guid = _guid("note", str(r.coding_id))
                    ET.SubElement(cg, f"{_Q}NoteRef", {"targetGUID": note_guid})
                    notes.append((note_guid, r.coder, r.memo, r.created_at))
    if notes:
        notes_el = ET.SubElement(root, f"{_Q}Notes")
        for guid, coder, memo, ts in notes:
            n = ET.SubElement(
                notes_el,
                f"{_Q}Note",
                {
                    "guid": guid,
                    "name": "memo",
                    "creatingUser": _guid("user", coder),
                    "creationDateTime": _iso(ts),
                },
            )
            ET.SubElement(n, f"{_Q}PlainTextContent").text = memo
    missing_codes = set(codings["code"]) - set(elements)
    if missing_codes:
        raise ValidationError(
            f"Codings use codes not in the store ({sorted(missing_codes)[0]}); reload the codebook."
        )
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for guid, text in texts.items():
            z.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
    return {"path": str(out), "documents": len(docs), "codes": len(elements), "codings": len(codings)}


# -- QDPX import ------------------------------------------------------------------------------
def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.casefold()).strip("_") or "code"


def import_qdpx(path: str | Path, *, store: Store | None = None) -> dict:
    """Read a REFI-QDA project into the store in one transaction; return what was added.

    Codes written by steppe keep their keys (from the ``[steppe code KEY]`` tag); codes from
    other tools become ``qdpx:<name path>``. A selection that is exactly a segment codes that
    segment; any other selection is kept with its own offsets on the segment it starts in.
    """
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
            if "project.qde" not in names:
                raise ValidationError(f"{p} has no project.qde; it is not a REFI-QDA project (QDPX) file.")
            root = ET.fromstring(_entry(z, p, "project.qde"))
            # Only the sources project.qde names are read, each within the size limits.
            wanted = {
                f"sources/{ref[len('internal://') :]}"
                for src in root.iter(f"{_Q}TextSource")
                if (ref := src.get("plainTextPath") or "").startswith("internal://")
            }
            blobs = {n: _entry(z, p, n) for n in sorted(wanted & names)}
    except (zipfile.BadZipFile, ET.ParseError, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise ValidationError(f"{p} is not a readable QDPX file ({type(exc).__name__}: {exc}).") from None
    if root.tag != f"{_Q}Project":
        raise ValidationError(f"{p}: project.qde's root is not a REFI-QDA 1.0 Project element.")
    users: dict[str, str] = {}
    for u in root.iter(f"{_Q}User"):
        if uid := u.get("guid"):
            users[uid] = u.get("name") or uid
    notes = {
        n.get("guid"): (n.findtext(f"{_Q}PlainTextContent") or "").strip() for n in root.iter(f"{_Q}Note")
    }
    code_rows: list[dict] = []
    code_keys: dict[str, str] = {}

    def walk(el: ET.Element, parent_key: str | None, trail: list[str]) -> None:
        for c in el.findall(f"{_Q}Code"):
            name = c.get("name") or "code"
            desc = (c.findtext(f"{_Q}Description") or "").strip()
            tag = _KEY_TAG.search(desc)
            codable = c.get("isCodable", "true") == "true"
            key = tag.group(1) if tag else f"qdpx:{'.'.join(_slug(t) for t in [*trail, name])}"
            if codable or tag:
                if guid := c.get("guid"):
                    code_keys[guid] = key
                code_rows.append(
                    {"code": key, "codebook": key.split(":", 1)[0], "parent": parent_key, "name": name,
                     "definition": _KEY_TAG.sub("", desc).strip() or None, "position": len(code_rows)}
                )  # fmt: skip
                walk(c, key, [*trail, name])
            else:
                walk(c, None, [*trail, name] if not tag and parent_key else [])

    books = root.find(f"{_Q}CodeBook/{_Q}Codes")
    if books is not None:
        walk(books, None, [])
    parsed: list[ParsedDocument] = []
    wanted_ids: list[str] = []
    selections: list[tuple[int, ET.Element]] = []
    for src in root.iter(f"{_Q}TextSource"):
        ref = src.get("plainTextPath") or ""
        inner = src.findtext(f"{_Q}PlainTextContent")
        if ref.startswith("internal://"):
            blob = blobs.get(f"sources/{ref[len('internal://') :]}")
            if blob is None:
                raise ValidationError(f"{p}: source {ref} named in project.qde is missing from the zip.")
            try:
                text = blob.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    f"{p}: source '{src.get('name')}' ({ref}) is not UTF-8 text (byte {exc.start}); "
                    "export the project again with UTF-8 sources."
                ) from None
        elif inner is not None:
            text = inner
        else:
            raise ValidationError(
                f"{p}: source '{src.get('name')}' has no internal plain text; export it with text."
            )
        try:
            doc = parse_text(text, f"{p}#{src.get('name')}")
        except ValidationError:
            doc = None
        if doc is None or not doc.segments:
            raise ValidationError(f"{p}: source '{src.get('name')}' has no readable text.")
        desc = src.findtext(f"{_Q}Description")
        doc.meta["title"] = desc or doc.meta.get("title") or src.get("name")
        parsed.append(doc)
        wanted_ids.append(src.get("name") or src.get("guid") or "doc")
        for sel in src.findall(f"{_Q}PlainTextSelection"):
            selections.append((len(parsed) - 1, sel))
    from steppe.kb.sync import kb_store
    from steppe.texts.corpus import add_documents

    st = kb_store(_store(store))
    taken = store_texts.doc_ids(st)
    ids = []
    for w in wanted_ids:
        base, k, cand = re.sub(r"[^A-Za-z0-9_.-]+", "-", w).strip("-") or "doc", 2, None
        cand = base
        while cand in taken or cand in ids:
            cand, k = f"{base}-{k}", k + 1
        ids.append(cand)
    added = 0
    with st.transaction():
        results = (
            add_documents([d.path for d in parsed], store=st, parsed=parsed, doc_ids=ids) if parsed else []
        )
        doc_of = [r["id"] for r in results]
        if code_rows:
            frame = pd.DataFrame(code_rows)
            for cb in sorted(set(frame["codebook"])):
                store_texts.ensure_codebook_row(st, cb, cb, f"imported from {p.name}")
            store_texts.ensure_codes(st, frame)
        for i, sel in selections:
            start, end = _span(p, sel, len(parsed[i].text))
            segs = parsed[i].segments
            seg = next((s for s in segs if s.start == start and s.end == end), None) or next(
                (s for s in segs if s.start <= start < s.end),
                segs[-1] if start >= segs[-1].start else segs[0],
            )
            for cg in sel.findall(f"{_Q}Coding"):
                code_ref = cg.find(f"{_Q}CodeRef")
                target = (code_ref.get("targetGUID") if code_ref is not None else None) or "?"
                key = code_keys.get(target)
                if key is None:
                    raise ValidationError(f"{p}: a coding refers to an unknown code {target}.")
                coder = users.get(cg.get("creatingUser") or sel.get("creatingUser") or "", "qdpx")
                if store_texts.live_coding(st, doc_of[i], seg.seg_no, key, coder) is not None:
                    continue
                note = cg.find(f"{_Q}NoteRef")
                memo = notes.get(note.get("targetGUID")) if note is not None else None
                row = {"doc_id": doc_of[i], "seg_no": seg.seg_no, "start_pos": start, "end_pos": end,
                       "code": key, "coder": coder, "origin": "qdpx", "memo": memo}  # fmt: skip
                stamp = cg.get("creationDateTime") or sel.get("creationDateTime")
                if stamp:
                    row["created_at"] = _timestamp(p, stamp)
                store_texts.insert_coding(st, row)
                added += 1
    return {"documents": len(parsed), "codes": len(code_rows), "codings": added, "ids": doc_of}


def _entry(archive: zipfile.ZipFile, path: Path, name: str) -> bytes:
    """One zip entry's bytes, refused when it unpacks past the size limit or packs suspiciously
    well (a zip bomb); the declared sizes are not trusted: reading stops at the limit."""
    from steppe.config import limits

    cap = int(limits().qdpx_entry_max_mb * 1_000_000)
    ratio = limits().qdpx_max_ratio
    info = archive.getinfo(name)
    too_big = ValidationError(
        f"{path}: the entry {name} unpacks to more than {cap / 1e6:g} MB (STEPPE_QDPX_ENTRY_MAX_MB); "
        "this is not a project steppe can import safely."
    )
    if info.file_size > cap:
        raise too_big
    if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > ratio:
        raise ValidationError(
            f"{path}: the entry {name} unpacks {info.file_size / info.compress_size:,.0f} times its packed "
            f"size (more than {ratio:g}, STEPPE_QDPX_MAX_RATIO): a zip bomb, not a project; not imported."
        )
    with archive.open(name) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise too_big
    return data


def _span(path: Path, sel: ET.Element, length: int) -> tuple[int, int]:
    """A selection's (start, end) as whole numbers within its source text; else one sentence."""
    values = []
    for attr in ("startPosition", "endPosition"):
        raw = sel.get(attr, "0")
        try:
            values.append(int(raw))
        except ValueError:
            raise ValidationError(
                f"{path}: selection '{sel.get('name') or sel.get('guid')}' has {attr}={raw[:40]!r}, "
                "not a whole number; export the project again."
            ) from None
    start, end = values
    if not 0 <= start <= end <= length:
        raise ValidationError(
            f"{path}: selection '{sel.get('name') or sel.get('guid')}' spans {start}-{end}, outside its "
            f"source text of {length} characters; export the project again."
        )
    return start, end


def _timestamp(path: Path, stamp: str) -> str:
    """A REFI-QDA creationDateTime (ISO 8601, UTC) as stored; a malformed one is one sentence."""
    text = stamp.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 9999:
        raise ValidationError(
            f"{path}: creationDateTime {stamp[:40]!r} is not an ISO 8601 date and time "
            "(e.g. 2024-05-01T10:00:00Z); export the project again."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
