"""Ingesting the five seed texts, Markdown, HTML and PDF; duplicates; bad input stores nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steppe.errors import ValidationError
from steppe.texts import query
from steppe.texts.corpus import add_documents


def _blocks(text: str) -> int:
    """Independent count of paragraphs: blank-line separated blocks with a letter or digit,
    counting each line of a block whose lines are paragraph-long (median >= 150 characters)."""
    n = 0
    for block in re.split(r"\n[ \t\u00a0\f\r]*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if len(lines) > 1 and sorted(len(ln.strip()) for ln in lines)[len(lines) // 2] >= 150:
            n += sum(1 for ln in lines if re.search(r"\w", ln))
        elif re.search(r"\w", block):
            n += 1
    return n


def _count(store, table: str) -> int:
    return store.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_five_seed_texts_segments_and_offsets(store, seeds: list[Path]) -> None:
    rows = add_documents(seeds, store=store)
    assert [r["id"] for r in rows] == [
        "000-05cae511a4d77df8",
        "001-86a16c1d47d61c89",
        "002-d852b2269a6d652b",
        "003-a0a796c74cd02367",
        "004-cb46a96fa8e4ee38",
    ]
    # Regression values of the paragraph splitter, each checked against an independent count.
    assert [r["segments"] for r in rows] == [64, 22, 1975, 58, 59]
    for path, r in zip(seeds, rows, strict=True):
        assert r["segments"] == _blocks(path.read_text("utf-8"))
        stored = store.execute("SELECT text FROM texts_documents WHERE doc_id = ?", [r["id"]]).fetchone()[0]
        assert stored == path.read_text("utf-8")
        segs = store.rows(
            "SELECT start_pos, end_pos, text FROM texts_segments WHERE doc_id = ? ORDER BY seg_no", [r["id"]]
        )
        assert all(stored[s["start_pos"] : s["end_pos"]] == s["text"] for s in segs)
        starts = [s["start_pos"] for s in segs]
        assert starts == sorted(starts)


def test_eaeu_found_under_alias_eeu_in_seed_000(store, seeds: list[Path]) -> None:
    add_documents([seeds[0]], store=store)
    found = {r["actor"]: r for r in query.actors("000-05cae511a4d77df8", store=store)}
    surfaces = [
        r["surface"]
        for r in store.rows("SELECT surface FROM texts_mentions WHERE actor = 'eaeu' ORDER BY start_pos")
    ]
    assert "EEU" in surfaces
    assert surfaces.count("EEU") == seeds[0].read_text("utf-8").count("EEU") == 3
    assert "Eurasian Economic\nUnion" in surfaces  # the name wrapped across two lines
    assert found["eaeu"]["mentions"] == len(surfaces)
    assert "000-05cae511a4d77df8:28" in found["eaeu"]["segments"]
    # actors are stored as codes: actor × theme is a query over codings
    assert (
        store.execute(
            "SELECT count(*) FROM texts_codings WHERE code = 'actor:eaeu' AND coder = 'steppe-actors'"
        ).fetchone()[0]
        >= 1
    )


def test_seed_004_compare_with_c5plus1_statement(store, seeds: list[Path], c5plus1: Path) -> None:
    add_documents([seeds[4], c5plus1], store=store)
    result = query.compare(
        "004-cb46a96fa8e4ee38", "2023-09-21-c51-leaders-joint-statement", "priorities", store=store
    )
    rows = {r["code"]: r for r in result}
    assert len(rows) == 8
    security = rows["priorities:security"]
    assert security["b_segments"] > 0 and security["present"] in ("both", "only B")
    assert all(c.startswith("2023-09-21-c51-leaders-joint-statement:") for c in security["cites_b"])
    # the joint statement's security section is among the cited segments
    seg_text = {
        r["seg_no"]: r["text"]
        for r in store.rows(
            "SELECT seg_no, text FROM texts_segments WHERE doc_id = '2023-09-21-c51-leaders-joint-statement'"
        )
    }
    cited = [seg_text[int(c.rsplit(":", 1)[1])] for c in security["cites_b"]]
    assert any("counterterrorism" in t for t in cited)


def test_kwic_cites_document_segment_and_offset(store, notes: list[Path]) -> None:
    add_documents([notes[0]], store=store)
    hits = query.kwic("B5+1", store=store)
    text = notes[0].read_text("utf-8")
    assert len(hits) == text.count("B5+1") == 2
    for h in hits:
        assert text[h["start"] : h["start"] + 4] == "B5+1"


def test_markdown_front_matter_is_metadata(store, c5plus1: Path) -> None:
    (row,) = add_documents([c5plus1], store=store)
    doc = store.rows("SELECT title, date, format FROM texts_documents WHERE doc_id = ?", [row["id"]])[0]
    assert doc == {"title": "C5+1 Leaders’ Joint Statement", "date": "2023-09-21", "format": "markdown"}
    first = store.rows("SELECT text FROM texts_segments WHERE doc_id = ? AND seg_no = 0", [row["id"]])[0]
    assert "source_url" not in first["text"]


def test_html_ingest(store, tmp_path: Path) -> None:
    page = tmp_path / "brief.html"
    page.write_text(
        "<html lang='en'><head><title>Water brief</title><meta name='author' content='A. Analyst'>"
        "<style>p{}</style></head><body><nav>Home | About</nav><h1>Water</h1>"
        "<p>Kyrgyzstan and Uzbekistan share the Syr Darya.</p><p>The SCO met &amp; talked.</p></body></html>",
        "utf-8",
    )
    (row,) = add_documents([page], store=store, meta={"kind": "brief"})
    assert row["segments"] == 3
    doc = store.rows("SELECT title, author, language, kind FROM texts_documents")[0]
    assert doc == {"title": "Water brief", "author": "A. Analyst", "language": "en", "kind": "brief"}
    assert {r["actor"] for r in query.actors(row["id"], store=store)} == {"KGZ", "UZB", "sco"}


def test_pdf_text_layer_cleaned(store, tmp_path: Path, pdf_writer) -> None:
    header = "Journal of Steppe Studies 11(3)"
    pages = [
        [header, "Regional integra-", "tion in Central Asia has a long history and many",
         "drivers that scholars have listed at length.", "",
         "The Eurasian Economic Union (EEU) began in 2015.", "1"],
        [header, "Water and energy disputes remain the main obstacle to closer",
         "cooperation between upstream and downstream states.", "2"],
        [header, "The SCO and the CSTO overlap in membership across the region and its",
         "neighbours.", "3"],
    ]  # fmt: skip
    path = tmp_path / "article.pdf"
    path.write_bytes(pdf_writer(pages))
    (row,) = add_documents([path], store=store)
    text = store.execute("SELECT text FROM texts_documents").fetchone()[0]
    assert header not in text
    assert "integration in Central Asia" in text
    assert not re.search(r"(?m)^\s*[123]\s*$", text)
    assert row["segments"] >= 2
    assert {r["actor"] for r in query.actors(row["id"], store=store)} >= {"eaeu", "sco", "csto"}


def test_exact_and_near_duplicates(store, notes: list[Path], tmp_path: Path) -> None:
    (first,) = add_documents([notes[0]], store=store)
    same = tmp_path / "copy.txt"
    same.write_text(notes[0].read_text("utf-8").upper(), "utf-8")  # case and spacing ignored
    (dup,) = add_documents([same], store=store)
    assert dup["duplicate_of"] == first["id"]
    assert _count(store, "texts_documents") == 1
    paras = notes[0].read_text("utf-8").split("\n\n")
    near = tmp_path / "near.txt"
    near.write_text("\n\n".join([*paras[:-1], "A new closing line added by an editor."]), "utf-8")
    (row,) = add_documents([near], store=store)
    assert row["near_duplicate_of"] == first["id"]
    assert row["similarity"] >= 0.8
    other = add_documents([notes[1]], store=store)[0]
    assert other["near_duplicate_of"] is None


@pytest.mark.parametrize("kind", ["image_pdf", "binary", "empty"])
def test_bad_input_stores_nothing(store, notes: list[Path], tmp_path: Path, pdf_writer, kind: str) -> None:
    bad = tmp_path / {"image_pdf": "scan.pdf", "binary": "data.txt", "empty": "empty.md"}[kind]
    if kind == "image_pdf":
        bad.write_bytes(pdf_writer([[], []], image_only=True))
    elif kind == "binary":
        bad.write_bytes(bytes(range(256)) * 8)
    else:
        bad.write_text("   \n\n", "utf-8")
    with pytest.raises(ValidationError) as err:
        add_documents([notes[0], bad], store=store)
    assert str(bad) in str(err.value)
    assert str(err.value).count(".") >= 1 and "\n" not in str(err.value)
    for table in ("texts_documents", "texts_segments", "texts_mentions", "texts_codings"):
        assert _count(store, table) == 0


def test_un_general_debate_speeches_one_paragraph_per_line(store, shared_data: Path) -> None:
    """UNGDC transcripts put one paragraph per line, with no blank lines between them."""
    speeches = sorted((shared_data / "ungdc_central_asia" / "speeches").glob("*_78_2023.txt"))
    assert len(speeches) == 5
    rows = add_documents(speeches, store=store, meta={"kind": "speech", "date": "2023"})
    for path, r in zip(speeches, rows, strict=True):
        lines = [ln for ln in path.read_text("utf-8").splitlines() if re.search(r"\w", ln)]
        assert r["segments"] == len(lines) > 10
        assert r["near_duplicate_of"] is None
    own = {r["id"]: {a["actor"] for a in query.actors(r["id"], store=store)} for r in rows}
    assert "AFG" in own["kaz-78-2023"] and "AFG" in own["uzb-78-2023"]
    hits = query.kwic("Aral Sea", store=store)
    assert {h["doc_id"] for h in hits} == {"kaz-78-2023", "uzb-78-2023"}


def test_different_speeches_are_not_near_duplicates(store, shared_data: Path) -> None:
    """Regression: two Turkmen speeches (1995, 2007) once scored 0.98 with a badly mixed hash."""
    folder = shared_data / "ungdc_central_asia" / "speeches"
    rows = add_documents([folder / "TKM_50_1995.txt", folder / "TKM_62_2007.txt"], store=store)
    assert [r["near_duplicate_of"] for r in rows] == [None, None]
