"""A KB file saved with a UTF-8 byte-order mark (Excel does) reads like one without."""

from __future__ import annotations

from pathlib import Path

from steppe.kb.validate import validate_kb


def test_kb_files_with_a_bom_are_valid(kb_copy: Path) -> None:
    for path in kb_copy.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = validate_kb(kb_copy)
    assert report.valid, report.problems[:3]
    assert report.counts["organisations"] > 20
