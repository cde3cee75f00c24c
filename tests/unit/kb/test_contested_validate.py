"""The contested-facts table is validated like the others: sources and subjects must exist."""

from __future__ import annotations

from pathlib import Path

from steppe.kb.validate import validate_kb

HEADER = "id,subject,claim,claim_sources,adopted,adopted_sources,reason\n"


def problems(kb: Path) -> list[str]:
    return [str(p) for p in validate_kb(kb).problems]


def write(kb: Path, *lines: str) -> None:
    (kb / "contested.csv").write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


def test_tiny_kb_is_valid(tiny_kb: Path) -> None:
    assert problems(tiny_kb) == []


def test_contested_file_is_optional(tiny_kb: Path) -> None:
    (tiny_kb / "contested.csv").unlink()
    assert problems(tiny_kb) == []


def test_unknown_claim_source(tiny_kb: Path) -> None:
    write(tiny_kb, "x,org:home:founded,Founded 1999.,nowhere,2000.,ref,Why.")
    assert problems(tiny_kb) == ["contested.csv:2: claim_sources: unknown source id 'nowhere'"]


def test_adopted_value_needs_a_source(tiny_kb: Path) -> None:
    write(tiny_kb, "x,org:home:founded,Founded 1999.,ref,2000.,,Why.")
    assert problems(tiny_kb) == ["contested.csv:2: adopted_sources: a fact without a source"]


def test_subject_must_name_a_known_thing(tiny_kb: Path) -> None:
    write(
        tiny_kb,
        "a,org:nato:founded,x,ref,y,ref,z",
        "b,event:no-such-event,x,ref,y,ref,z",
        "c,membership:home:XYZ,x,ref,y,ref,z",
        "d,cow_igo:SCO:KAZ:20x1,x,ref,y,ref,z",
        "e,cow_igo:SCO:*:2001-2003,x,ref,y,ref,z",
        "f,treaty:something,x,ref,y,ref,z",
    )
    found = problems(tiny_kb)
    assert "contested.csv:2: subject: unknown org 'nato' in 'org:nato:founded'" in found
    assert "contested.csv:3: subject: unknown event 'no-such-event' in 'event:no-such-event'" in found
    assert "contested.csv:4: subject: unknown country 'XYZ' in 'membership:home:XYZ'" in found
    assert any(p.startswith("contested.csv:5: subject: 'cow_igo:SCO:KAZ:20x1' is not") for p in found)
    assert not any(p.startswith("contested.csv:6:") for p in found)  # '*' covers every country
    assert any(p.startswith("contested.csv:7: subject: 'treaty:something' does not match") for p in found)
    assert len(found) == 5


def test_duplicate_contested_id(tiny_kb: Path) -> None:
    write(tiny_kb, "x,org:home:founded,a,ref,b,ref,c", "x,org:home:founded,a,ref,b,ref,c")
    assert problems(tiny_kb) == ["contested.csv:3: id: duplicate id 'x' (first at contested.csv:2)"]
