"""Paragraph segmentation offsets and PDF clean-up."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from steppe.texts.segment import clean_pdf_pages, dehyphenate, paragraphs, strip_page_furniture


def test_paragraph_offsets_point_into_the_text() -> None:
    text = "Title\n\nFirst para\nwrapped line.\n  \t\nSecond para.\n\n\n---\n\nThird."
    segs = paragraphs(text)
    assert [s.text for s in segs] == ["Title", "First para\nwrapped line.", "Second para.", "Third."]
    for s in segs:
        assert text[s.start : s.end] == s.text
    assert [s.seg_no for s in segs] == [0, 1, 2, 3]


@given(st.lists(st.text(alphabet="ab \n\t.", max_size=30), max_size=12))
def test_offsets_always_recover_the_segment(blocks: list[str]) -> None:
    text = "\n\n".join(blocks)
    for s in paragraphs(text):
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert s.text


def test_dehyphenate_joins_words_but_keeps_compounds_before_capitals() -> None:
    assert dehyphenate("regional integra-\ntion and Sino-\nRussian ties") == (
        "regional integration and Sino-\nRussian ties"
    )


def test_running_headers_and_page_numbers_are_removed() -> None:
    words = ["water", "energy", "borders", "trade"]
    pages = [
        f"Journal of Steppe Studies 11(3)\nBody text on {words[i - 1]} here.\n"
        + "\n".join(f"On {w} line {k} of page {words[i - 1]}." for k, w in enumerate(words))
        + f"\nClosing remark on {words[i - 1]}.\n{i}"
        for i in range(1, 5)
    ]
    cleaned = strip_page_furniture(pages)
    assert all("Journal of Steppe Studies" not in p for p in cleaned)
    assert all(not p.strip().endswith(str(i)) for i, p in zip(range(1, 5), cleaned, strict=True))
    assert "Body text on energy here." in cleaned[1]


def test_clean_pdf_pages_reflows_paragraphs() -> None:
    pages = [
        "Header line\nThis is a long line of text that keeps going and\ngoing until it ends here.\n"
        "A new paragraph starts and runs on for a while longer\nthan the first one did.\n1",
        "Header line\nThe second page continues with integra-\ntion being discussed at length here.\n2",
    ]
    text = clean_pdf_pages(pages)
    assert "Header line" not in text
    assert "integration" in text
    assert len(paragraphs(text)) >= 2
