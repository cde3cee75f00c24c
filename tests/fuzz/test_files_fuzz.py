"""Fuzzing the KB loader and the YAML files users share (gravity specs, methodologies, codebooks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from steppe.config import BUNDLED_KB
from steppe.gravity.spec import load_spec
from steppe.indicators.composite.methodology import bundled, load_methodology
from steppe.kb.sync import ensure_kb
from steppe.kb.validate import validate_kb
from steppe.store import open_store
from steppe.texts.codebook import bundled_codebooks, load_codebook
from tests.fuzz.conftest import CELL, FUZZ, MUTATIONS, mutate, one_sentence_or_loaded, store_snapshot

pytestmark = pytest.mark.fuzz

KB_FILES = ["organisations.csv", "memberships.csv", "countries.csv", "events.csv", "sources.csv"]


@FUZZ
@given(file=st.sampled_from(KB_FILES), mutations=MUTATIONS, bom=st.booleans())
def test_kb_loader(tmp_path: Path, file: str, mutations: list, bom: bool) -> None:
    kb = tmp_path / "kb"
    shutil.rmtree(kb, ignore_errors=True)  # a fresh copy per example: no state from the last one
    shutil.copytree(BUNDLED_KB, kb, ignore=shutil.ignore_patterns("__pycache__"))
    data = mutate((BUNDLED_KB / file).read_text("utf-8"), mutations)
    (kb / file).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    report = validate_kb(kb)  # a report, never an exception
    multi_line = [str(p) for p in report.problems if "\n" in str(p)]
    assert not multi_line, multi_line[:3]
    with open_store(":memory:") as store:
        outcome = one_sentence_or_loaded(lambda: ensure_kb(store, kb, force=True), store_snapshot(store))
    assert (outcome == "loaded") == report.valid


#: YAML values a shared file could hold instead of the expected ones.
VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True), CELL),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(CELL, inner, max_size=3)),
    max_leaves=8,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a parsed YAML document."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _replace(doc: object, path: tuple, value: object) -> object:
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return doc


def _edit(text: str, data, where: int, value: object, raw: list | None) -> str:
    doc = yaml.safe_load(text)
    paths = _paths(doc)
    doc = _replace(doc, paths[where % len(paths)], value)
    out = yaml.safe_dump(doc, allow_unicode=True)
    return mutate(out, raw).decode("utf-8", errors="replace") if raw else out


EDIT = {
    "where": st.integers(0, 10_000),
    "value": VALUE,
    "raw": st.one_of(st.none(), MUTATIONS),
}


@FUZZ
@given(**EDIT)
def test_gravity_spec_yaml(tmp_path: Path, where: int, value: object, raw: list | None) -> None:
    from importlib import resources

    text = (resources.files("steppe.gravity") / "specs" / "yotov-2016-table1-ppml.yaml").read_text("utf-8")
    path = tmp_path / "spec.yaml"
    path.write_text(_edit(text, None, where, value, raw), "utf-8")
    one_sentence_or_loaded(lambda: load_spec(path), lambda: None)


@FUZZ
@given(**EDIT)
def test_methodology_yaml(tmp_path: Path, where: int, value: object, raw: list | None) -> None:
    path = tmp_path / "method.yaml"
    path.write_text(_edit(bundled("central-asia").read_text("utf-8"), None, where, value, raw), "utf-8")
    one_sentence_or_loaded(lambda: load_methodology(path), lambda: None)


@FUZZ
@given(**EDIT)
def test_codebook_yaml(tmp_path: Path, where: int, value: object, raw: list | None) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(
        _edit(bundled_codebooks()["drivers"].read_text("utf-8"), None, where, value, raw), "utf-8"
    )
    one_sentence_or_loaded(lambda: load_codebook(path), lambda: None)
