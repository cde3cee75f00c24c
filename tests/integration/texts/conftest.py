"""Fixtures for the texts integration tests: the seed texts in place, and a tiny PDF writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared

#: Texts written for the tests (tests/fixtures/texts): what needs no particular real document.
NOTES = Path(__file__).resolve().parents[2] / "fixtures" / "texts"


@pytest.fixture
def notes() -> list[Path]:
    """Two short texts written for the tests: a corridor note and a water note (other wording)."""
    return [NOTES / "corridor_note.txt", NOTES / "water_note.txt"]


@pytest.fixture
def seeds(shared_seeds: Path) -> list[Path]:
    return sorted(shared_seeds.glob("*.txt"))


@pytest.fixture
def c5plus1(shared_data: Path) -> Path:
    return require_shared(shared_data / "wh_c5plus1" / "2023-09-21-c51-leaders-joint-statement.md")


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], *, image_only: bool = False) -> bytes:
    """A minimal PDF 1.4: one Helvetica text line per entry, top to bottom, or one image per page."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        if image_only:
            stream = b"q 200 0 0 200 100 400 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\xff\xff\x00 EI Q"
        else:
            ops = ["BT /F1 10 Tf 12 TL 72 760 Td"]
            ops += [f"({_escape(line)}) Tj T*" for line in lines]
            ops.append("ET")
            stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {page_ids[i] + 1} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def pdf_writer():
    return make_pdf
