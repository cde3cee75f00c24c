"""REFI-QDA (QDPX) export and import, and CSV export."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from steppe.errors import ValidationError
from steppe.store import open_store
from steppe.texts import coding, suggest
from steppe.texts.corpus import add_documents
from steppe.texts.qdpx import NS, export_csv, export_qdpx, import_qdpx

Q = f"{{{NS}}}"
DOC = "004-cb46a96fa8e4ee38"

CODED_SQL = (
    "SELECT d.text, c.start_pos, c.end_pos, c.code, c.coder, c.memo FROM texts_codings c "
    "JOIN texts_documents d USING (doc_id) WHERE c.removed_at IS NULL ORDER BY ALL"
)
CODES_SQL = "SELECT code, codebook, parent, name, definition FROM texts_codes ORDER BY code"


@pytest.fixture
def project(store, seeds: list[Path], c5plus1: Path):
    add_documents([seeds[4], c5plus1], store=store)
    coding.load_into_store("ecdpm", store=store)
    coding.load_into_store("drivers", store=store)
    coding.apply_code(DOC, 3, "ecdpm:hegemons", "alice", memo="external actors run the format", store=store)
    coding.apply_code(DOC, 3, "drivers:external_support", "bob", store=store)
    coding.apply_code(DOC, 10, "ecdpm:institutions", "bob", store=store)
    frame = suggest.suggest([DOC], "ecdpm", store=store)
    suggest.decide(frame["suggestion_id"].head(3).tolist(), "accepted", "carol", store=store)
    return store


def test_round_trip_preserves_every_code_and_segment(project, tmp_path: Path) -> None:
    out = tmp_path / "project.qdpx"
    summary = export_qdpx(out, store=project)
    assert summary["documents"] == 2
    other = open_store(tmp_path / "other.duckdb")
    result = import_qdpx(out, store=other)
    assert result["documents"] == 2
    before, after = project.query(CODED_SQL), other.query(CODED_SQL)
    assert len(before) > 5
    assert before.equals(after)
    assert project.query(CODES_SQL).equals(other.query(CODES_SQL))
    seg_sql = "SELECT doc_id, seg_no, start_pos, end_pos, text FROM texts_segments ORDER BY ALL"
    assert project.query(seg_sql).equals(other.query(seg_sql))
    other.close()


def test_project_xml_follows_refi_qda_structure(project, tmp_path: Path) -> None:
    out = tmp_path / "p.qdpx"
    export_qdpx(out, store=project)
    with zipfile.ZipFile(out) as z:
        root = ET.fromstring(z.read("project.qde"))
        names = z.namelist()
    assert root.tag == f"{Q}Project"
    assert [child.tag for child in root] == [f"{Q}Users", f"{Q}CodeBook", f"{Q}Sources", f"{Q}Notes"]
    users = {u.get("name") for u in root.iter(f"{Q}User")}
    assert {"alice", "bob", "carol", "steppe-actors"} <= users
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    for src in sources:
        assert src.get("plainTextPath").startswith("internal://")
        assert f"sources/{src.get('plainTextPath')[len('internal://') :]}" in names
    code_guids = {c.get("guid") for c in root.iter(f"{Q}Code")}
    refs = [r.get("targetGUID") for r in root.iter(f"{Q}CodeRef")]
    assert refs and set(refs) <= code_guids
    sel = next(root.iter(f"{Q}PlainTextSelection"))
    assert int(sel.get("startPosition")) < int(sel.get("endPosition"))
    note = next(root.iter(f"{Q}Note"))
    assert note.findtext(f"{Q}PlainTextContent") == "external actors run the format"
    # REFI-QDA 1.0 schema (Project-mrt2019.xsd): GUIDType pattern, required attributes and
    # the order of child elements in each sequence steppe writes.
    guid = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    for el in root.iter():
        for attr in ("guid", "targetGUID", "creatingUser"):
            if attr in el.attrib:
                assert guid.match(el.get(attr)), (el.tag, attr, el.get(attr))
    order = {
        "Project": ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes"],
        "Code": ["Description", "NoteRef", "Code"],
        "TextSource": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef"],
        "PlainTextSelection": ["Description", "Coding", "NoteRef"],
        "Coding": ["CodeRef", "NoteRef"],
        "Note": ["Description", "PlainTextContent"],
    }
    for el in root.iter():
        local = el.tag[len(Q) :]
        if local in order:
            seen = [order[local].index(child.tag[len(Q) :]) for child in el]
            assert seen == sorted(seen), local
    for code in root.iter(f"{Q}Code"):
        assert code.get("name") and code.get("isCodable") in ("true", "false")
    for sel in root.iter(f"{Q}PlainTextSelection"):
        assert sel.get("startPosition").isdigit() and sel.get("endPosition").isdigit()


def test_import_of_a_foreign_project_maps_selections(store, tmp_path: Path) -> None:
    """A project written by another tool: codes without steppe keys, a sub-paragraph selection."""
    text = "First paragraph about water.\n\nSecond paragraph about the SCO and borders.\n"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="foreign" origin="QualCoder">
  <Users><User guid="U1" name="dana"/></Users>
  <CodeBook><Codes>
    <Code guid="C1" name="Water" isCodable="true"><Code guid="C2" name="Rivers" isCodable="true"/></Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="S1" name="interview one" plainTextPath="internal://S1.txt">
      <PlainTextSelection guid="P1" startPosition="6" endPosition="15" creatingUser="U1">
        <Coding guid="K1" creatingUser="U1"><CodeRef targetGUID="C2"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    path = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
        z.writestr("sources/S1.txt", text)
    result = import_qdpx(path, store=store)
    assert result["ids"] == ["interview-one"]
    rows = store.rows(
        "SELECT seg_no, start_pos, end_pos, code, coder, origin FROM texts_codings WHERE coder = 'dana'"
    )
    assert rows == [
        {
            "seg_no": 0,
            "start_pos": 6,
            "end_pos": 15,
            "code": "qdpx:water.rivers",
            "coder": "dana",
            "origin": "qdpx",
        }
    ]
    assert store.rows("SELECT parent FROM texts_codes WHERE code = 'qdpx:water.rivers'") == [
        {"parent": "qdpx:water"}
    ]


def test_not_a_qdpx_file(store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="not a readable QDPX"):
        import_qdpx(bad, store=store)


def test_csv_export(project, tmp_path: Path) -> None:
    result = export_csv(tmp_path / "csv", store=project)
    with open(tmp_path / "csv" / "coded_segments.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == result["coded_segments"]
    memo = [r for r in rows if r["coder"] == "alice"]
    assert memo[0]["memo"] == "external actors run the format"
    assert memo[0]["text"].startswith("The U.S. and China have played an important role")
    with open(tmp_path / "csv" / "codes.csv", newline="", encoding="utf-8") as fh:
        codes = {r["code"] for r in csv.DictReader(fh)}
    assert {"ecdpm:hegemons", "drivers:water_energy", "actor:CHN"} <= codes
