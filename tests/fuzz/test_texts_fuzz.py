"""Fuzzing the texts parsers: QDPX projects, PDFs, plain text / Markdown / HTML files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steppe.kb.sync import kb_store
from steppe.store import open_store
from steppe.texts.corpus import add_documents
from steppe.texts.qdpx import NS, import_qdpx
from tests.fuzz.conftest import CELL, FUZZ, MUTATIONS, mutate, one_sentence_or_loaded, store_snapshot
from tests.integration.texts.conftest import make_pdf

pytestmark = pytest.mark.fuzz

TEXT = "First paragraph about water and the SCO.\n\nSecond paragraph about borders and trade.\n"


@pytest.fixture(scope="module")
def kb_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the KB loaded once; each example works on a copy of it."""
    path = tmp_path_factory.mktemp("kb") / "kb.duckdb"
    with open_store(path) as store:
        kb_store(store)
    return path


def _store(kb_db: Path, tmp_path: Path):
    import shutil

    target = tmp_path / "s.duckdb"
    target.unlink(missing_ok=True)
    shutil.copyfile(kb_db, target)
    return open_store(target)


def _project(start: str, end: str, stamp: str, name: str, code: str) -> str:
    from xml.sax.saxutils import quoteattr

    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="p" origin="fuzz">
  <Users><User guid="U1" name={quoteattr(name)}/></Users>
  <CodeBook><Codes><Code guid="C1" name={quoteattr(code)} isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="S1" name={quoteattr(name)} plainTextPath="internal://S1.txt">
      <PlainTextSelection guid="P1" creatingUser="U1"
          startPosition={quoteattr(start)} endPosition={quoteattr(end)}>
        <Coding guid="K1" creatingUser="U1" creationDateTime={quoteattr(stamp)}>
          <CodeRef targetGUID="C1"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


POSITION = st.one_of(st.integers(-5, 200).map(str), CELL)
STAMP = st.one_of(st.just("2024-05-01T10:00:00Z"), CELL, st.datetimes().map(lambda d: d.isoformat()))
NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=10
)


@FUZZ
@given(
    start=POSITION,
    end=POSITION,
    stamp=STAMP,
    name=NAME,
    code=NAME,
    source=st.one_of(st.just(TEXT.encode()), st.binary(max_size=64)),
    damage=st.one_of(st.none(), st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8))),
)
def test_qdpx_import(kb_db, tmp_path: Path, start, end, stamp, name, code, source, damage) -> None:
    path = tmp_path / "p.qdpx"
    try:
        xml = _project(start, end, stamp, name, code)
    except ValueError:
        return
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml.encode("utf-8", errors="surrogatepass"))
        z.writestr("sources/S1.txt", source)
    if damage is not None:
        data = bytearray(path.read_bytes())
        at = damage[0] % len(data)
        data[at : at + len(damage[1])] = damage[1]
        path.write_bytes(bytes(data))
    with _store(kb_db, tmp_path) as store:
        one_sentence_or_loaded(lambda: import_qdpx(path, store=store), store_snapshot(store))


PDF = make_pdf([["Central Asian states met in Astana to discuss water and trade routes."] * 4] * 2)


@FUZZ
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(PDF)), st.binary(max_size=12), st.integers(0, 40)),
        min_size=1,
        max_size=4,
    )
)
def test_pdf_reader(kb_db, tmp_path: Path, cuts: list[tuple[int, bytes, int]]) -> None:
    data = bytearray(PDF)
    for at, new, drop in cuts:
        data[at : at + drop] = new
    path = tmp_path / "doc.pdf"
    path.write_bytes(bytes(data))
    with _store(kb_db, tmp_path) as store:
        one_sentence_or_loaded(lambda: add_documents([path], store=store), store_snapshot(store))


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".md", ".html"]),
    mutations=MUTATIONS,
    front=st.one_of(st.just(""), st.text(max_size=30).map(lambda t: f"---\ntitle: {t}\n---\n\n")),
)
def test_text_markdown_html_readers(kb_db, tmp_path: Path, suffix: str, mutations: list, front: str) -> None:
    body = (
        TEXT if suffix != ".html" else f"<html><head><title>t</title></head><body><p>{TEXT}</p></body></html>"
    )
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(mutate(front + body, mutations))
    with _store(kb_db, tmp_path) as store:
        one_sentence_or_loaded(lambda: add_documents([path], store=store), store_snapshot(store))
