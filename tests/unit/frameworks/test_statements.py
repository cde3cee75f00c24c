"""State statements: the regional 'we', and which documents count as a state's statement."""

from __future__ import annotations

from pathlib import Path

from steppe.frameworks.statements import regional_we, state_statements

NAMES = ["Central Asia", "Central Asian"]
PHRASES = ["our region", "our common", "together we"]


def test_regional_we_needs_the_region_and_a_collective_phrase_in_one_sentence() -> None:
    text = (
        "We support the treaty on Central Asia. "  # region, but no collective phrase
        "Our region needs water. "  # collective phrase, no region name
        "The Central Asian states and our common future matter. "  # both
        "Together we, the peoples of Central Asia, will prevail."  # both
    )
    spans = regional_we(text, NAMES, PHRASES)
    assert [text[a:b] for a, b in spans] == [
        "The Central Asian states and our common future matter.",
        "Together we, the peoples of Central Asia, will prevail.",
    ]
    assert regional_we("Central Asiatic OUR REGION.", NAMES, PHRASES) == []  # whole words only
    assert regional_we("Our region is ASEAN.", ["ASEAN"], PHRASES) == [(0, 20)]
    assert regional_we("Our region is asean.", ["ASEAN"], PHRASES) == []  # acronyms case-sensitive


def test_documents_with_a_country_author_and_a_year_are_statements(store, tmp_path: Path) -> None:
    from steppe.texts.corpus import add_documents, parse_file

    files, parsed = [], []
    for name, author, date in (("kaz.md", "KAZ", "2015"), ("uzb.md", "Uzbekistan", "2016-09-20"),
                               ("brief.md", "A. Writer", "2016"), ("undated.md", "KGZ", None)):  # fmt: skip
        path = tmp_path / name
        path.write_text(f"Speech {name} about Central Asia.\n", "utf-8")
        files.append(path)
        doc = parse_file(path)
        doc.meta.update(author=author, **({"date": date} if date else {}))
        parsed.append(doc)
    add_documents(files, store=store, parsed=parsed)
    frame = state_statements(store)
    assert frame[["doc_id", "country", "year"]].values.tolist() == [
        ["kaz", "KAZ", 2015],
        ["uzb", "UZB", 2016],
    ]
    assert state_statements(store, ["UZB"])["doc_id"].tolist() == ["uzb"]
