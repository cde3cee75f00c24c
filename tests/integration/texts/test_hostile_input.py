"""Hostile or broken texts input: one sentence each, nothing stored, bounded memory.

The cases of issue 11: QDPX imports with non-UTF-8 sources, ``startPosition="abc"``, an
overflowing position, a bad ``creationDateTime``, an unreferenced huge entry and zip bombs;
a PDF whose xref declares more entries than the file can hold (pypdf's LimitReachedError);
text files over the size limit.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from steppe.errors import ValidationError
from steppe.texts import corpus
from steppe.texts.corpus import add_documents, minhash, parse_file
from steppe.texts.qdpx import NS, import_qdpx

TEXT = "First paragraph about water.\n\nSecond paragraph about the SCO and borders.\n"


def _project(selection: str = 'startPosition="6" endPosition="15"', coding: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="p" origin="test">
  <Users><User guid="U1" name="dana"/></Users>
  <CodeBook><Codes><Code guid="C1" name="Water" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="S1" name="one" plainTextPath="internal://S1.txt">
      <PlainTextSelection guid="P1" name="sel" {selection} creatingUser="U1">
        <Coding guid="K1" creatingUser="U1" {coding}><CodeRef targetGUID="C1"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def _qdpx(tmp_path: Path, xml: str, source: bytes = TEXT.encode(), extra: dict | None = None) -> Path:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        z.writestr("sources/S1.txt", source)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _nothing_stored(store) -> None:
    assert store.execute("SELECT count(*) FROM texts_documents").fetchall() == [(0,)]
    assert store.execute("SELECT count(*) FROM texts_codings").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("xml", "source", "pattern"),
    [
        (
            _project(),
            "Ol\xe1 \xe0 todos".encode("latin-1"),
            r"source 'one' \(internal://S1\.txt\) is not UTF-8",
        ),
        (_project('startPosition="abc" endPosition="15"'), None, r"startPosition='abc', not a whole number"),
        (_project('startPosition="6" endPosition="99999999999999999999"'), None, r"spans 6-9999.*outside"),
        (_project('startPosition="-4" endPosition="2"'), None, r"spans -4-2, outside its source"),
        (
            _project(coding='creationDateTime="yesterday"'),
            None,
            r"creationDateTime 'yesterday' is not an ISO",
        ),
        (_project(coding='creationDateTime="40000-01-01T00:00:00Z"'), None, r"creationDateTime '40000"),
    ],
)
def test_broken_qdpx_is_one_sentence(store, tmp_path: Path, xml: str, source: bytes | None, pattern) -> None:
    path = _qdpx(tmp_path, xml, source if source is not None else TEXT.encode())
    with pytest.raises(ValidationError, match=pattern) as err:
        import_qdpx(path, store=store)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    _nothing_stored(store)


def test_a_good_timestamp_is_kept(store, tmp_path: Path) -> None:
    path = _qdpx(tmp_path, _project(coding='creationDateTime="2024-05-01T10:00:00+02:00"'))
    assert import_qdpx(path, store=store)["codings"] == 1
    [stamp] = store.execute("SELECT created_at FROM texts_codings WHERE coder = 'dana'").fetchall()[0]
    assert stamp.isoformat().startswith("2024-05-01T08:00:00")


def test_unreferenced_entries_are_never_read(store, tmp_path: Path, monkeypatch) -> None:
    """A big entry project.qde does not name is left unread (it once took 2.2 GB)."""
    path = _qdpx(tmp_path, _project(), extra={"sources/unused.bin": b"\0" * 20_000_000})
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert import_qdpx(path, store=store)["documents"] == 1
    assert "sources/unused.bin" not in opened and set(opened) == {"project.qde", "sources/S1.txt"}


def test_zip_bomb_and_oversized_entries_are_refused(store, tmp_path: Path, monkeypatch) -> None:
    bomb = _qdpx(tmp_path, _project(), source=b"a" * 5_000_000)  # packs ~5000x
    with pytest.raises(ValidationError, match=r"unpacks \d[\d,]* times its packed size .* zip bomb"):
        import_qdpx(bomb, store=store)
    monkeypatch.setenv("STEPPE_QDPX_ENTRY_MAX_MB", "0.001")
    big = _qdpx(tmp_path, _project(), source=(TEXT * 100).encode())
    with pytest.raises(ValidationError, match=r"sources/S1\.txt unpacks to more than 0\.001 MB"):
        import_qdpx(big, store=store)
    _nothing_stored(store)


def test_pdf_with_an_oversized_xref_is_one_sentence(store, tmp_path: Path, pdf_writer) -> None:
    good = pdf_writer([["Central Asian states met in Astana to discuss water and trade."] * 3])
    bad = good.replace(b"xref\n0 ", b"xref\n0 99999999", 1)
    assert bad != good
    path = tmp_path / "xref.pdf"
    path.write_bytes(bad)
    with pytest.raises(ValidationError, match=r"xref\.pdf is not a readable PDF \(LimitReachedError"):
        parse_file(path)


def test_text_over_the_size_limit_is_refused_before_reading(store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STEPPE_TEXT_MAX_MB", "1")
    path = tmp_path / "huge.txt"
    path.write_text(("A paragraph about regional trade and water.\n\n" * 30_000), "utf-8")
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(
        ValidationError, match=r"huge\.txt is 1\.4 MB, over the 1 MB limit .*STEPPE_TEXT_MAX_MB"
    ):
        add_documents([path], store=store)
    assert read == []
    _nothing_stored(store)


def test_minhash_in_blocks_equals_the_whole_computation() -> None:
    words = " ".join(f"w{i % 5000} v{i % 77}" for i in range(40_000))
    assert len(set(words.split())) > 1000
    whole = corpus._BLOCK
    try:
        corpus._BLOCK = 1 << 30  # one block: the unblocked computation
        expected = minhash(words)
    finally:
        corpus._BLOCK = whole
    np.testing.assert_array_equal(minhash(words), expected)
