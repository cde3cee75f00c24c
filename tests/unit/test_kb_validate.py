"""Each validation error kind, located by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.errors import ValidationError
from steppe.kb.loader import load_kb
from steppe.kb.validate import validate_kb


def append(path: Path, line: str) -> int:
    """Append a CSV line; return its line number."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def problems(kb: Path) -> list[str]:
    return [str(p) for p in validate_kb(kb).problems]


def test_bundled_kb_is_valid() -> None:
    report = validate_kb()
    assert report.valid, report.problems
    assert report.counts["memberships"] > 0


def test_unknown_country(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,XYZ,observer,2010-01-01,,high,wiki-sco,")
    assert problems(kb_copy) == [f"memberships.csv:{line}: country: unknown country code 'XYZ'"]


def test_unknown_organisation(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "nato,KAZ,partner,1994-05-27,,high,wiki-sco,")
    assert problems(kb_copy) == [f"memberships.csv:{line}: org: unknown organisation 'nato'"]


def test_end_before_start(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,TUR,observer,2010-01-01,2009-01-01,high,wiki-sco,")
    assert problems(kb_copy) == [f"memberships.csv:{line}: end: end 2009-01-01 is not after start 2010-01-01"]


def test_overlapping_periods_same_role(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,KAZ,founding_member,2005-01-01,,high,wiki-sco,")
    found = problems(kb_copy)
    assert len(found) == 1
    assert found[0].startswith(f"memberships.csv:{line}: start: sco/KAZ/founding_member period overlaps")


def test_adjacent_periods_do_not_overlap(kb_copy: Path) -> None:
    append(kb_copy / "memberships.csv", "sco,TUR,observer,2001-01-01,2012-06-07,low,wiki-sco,")
    append(kb_copy / "memberships.csv", "sco,TUR,observer,2030-01-01,,low,wiki-sco,")
    assert problems(kb_copy) == [] or all("overlaps" not in p for p in problems(kb_copy))


def test_duplicate_id(kb_copy: Path) -> None:
    line = append(
        kb_copy / "events.csv",
        "sco-founding-2001,2001-06-15,,founding,Again,Shanghai,CHN,sco,high,wiki-sco,",
    )
    found = problems(kb_copy)
    assert len(found) == 1
    assert found[0].startswith(
        f"events.csv:{line}: id: duplicate id 'sco-founding-2001' (first at events.csv:"
    )


def test_fact_without_source(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,TUR,observer,2030-01-01,,high,,")
    assert problems(kb_copy) == [f"memberships.csv:{line}: sources: a fact without a source"]


def test_unknown_source_id(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,TUR,observer,2030-01-01,,high,my-memory,")
    assert problems(kb_copy) == [f"memberships.csv:{line}: sources: unknown source id 'my-memory'"]


def test_malformed_date_and_bad_enum(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,TUR,friend,2030-13-01,,sure,wiki-sco,")
    assert problems(kb_copy) == [
        f"memberships.csv:{line}: start: '2030-13-01' is not a valid calendar date",
    ]
    kb_copy.joinpath("memberships.csv").write_text(
        kb_copy.joinpath("memberships.csv").read_text().replace("2030-13-01", "2030-12-01")
    )
    assert problems(kb_copy) == [
        f"memberships.csv:{line}: confidence: 'sure' is not one of high, medium, low",
        f"memberships.csv:{line}: role: 'friend' is not one of founding_member, member, associate, "
        "observer, dialogue_partner, partner, suspended, signatory, party",
    ]


def test_wrong_header(kb_copy: Path) -> None:
    path = kb_copy / "memberships.csv"
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace("role", "status")
    path.write_text("\n".join(lines) + "\n")
    (found,) = problems(kb_copy)
    assert found.startswith(
        "memberships.csv:1: header has unknown column(s) status and missing required column(s) role"
    )


def test_ragged_row(kb_copy: Path) -> None:
    line = append(kb_copy / "memberships.csv", "sco,TUR,observer")
    assert problems(kb_copy) == [f"memberships.csv:{line}: has 3 cells, the header has 8"]


def test_missing_table_file(kb_copy: Path) -> None:
    (kb_copy / "events.csv").unlink()
    assert "events.csv: is missing from the KB folder" in problems(kb_copy)


def test_table_split_into_folder_is_read(kb_copy: Path) -> None:
    folder = kb_copy / "memberships"
    folder.mkdir()
    (folder / "extra.csv").write_text(
        "org,country,role,start,end,confidence,sources,note\n"
        "sco,TUR,observer,2030-01-01,,low,wiki-sco,\n"
        "sco,XXX,observer,2030-01-01,,low,wiki-sco,\n"
    )
    assert problems(kb_copy) == ["memberships/extra.csv:3: country: unknown country code 'XXX'"]


def test_load_kb_raises_one_sentence(kb_copy: Path) -> None:
    append(kb_copy / "memberships.csv", "sco,XYZ,observer,2010-01-01,,high,wiki-sco,")
    append(kb_copy / "memberships.csv", "sco,XYQ,observer,2010-01-01,,high,wiki-sco,")
    with pytest.raises(ValidationError) as info:
        load_kb(kb_copy)
    message = str(info.value)
    assert message.startswith(f"The KB in {kb_copy} is invalid: memberships.csv:")
    assert "(and 1 more)" in message
    assert message.endswith(f"run 'steppe kb validate {kb_copy}' to list every problem.")
    assert len(info.value.problems) == 2
