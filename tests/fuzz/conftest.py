"""The hostile-input suite: property-based fuzzing (hypothesis) of every parser.

Each test feeds mutated files to one parser and asserts one of two outcomes: a clean load, or
a refusal as ONE sentence (a SteppeError whose message has no line break) with the store
unchanged. Any other exception fails the test and hypothesis shrinks it to a minimal file.
Marked ``fuzz``: the default run leaves them out, .ci/run runs them in its second pass. Each
test is bounded (max_examples, no per-example deadline: some examples load a store).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from steppe.errors import SteppeError

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=False,
)

#: Cell values that broke parsers before or that a hostile file would use.
HOSTILE = st.sampled_from(
    [
        "", " ", "inf", "-inf", "Infinity", "nan", "NaN", "-1", "-0.5", "1e309", "-1e309", "40000",
        "99999", "1e5", "XXX", "xx", "\x00", "a\x00b", "\x1b[31m", "=1+1", '"', '""', ",", "\n", "\r",
        "1,5", "\xff", "\ufeff", "0x10", "2019-01-01", "[/b]", "1.5.6", "--", "9" * 30, "__import__('os')",
    ]
)  # fmt: skip
CELL = st.one_of(HOSTILE, st.text(max_size=12))

MUTATION = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 10_000), st.integers(0, 60), CELL),
    st.tuples(st.just("truncate"), st.floats(0.0, 1.0)),
    st.tuples(st.just("dupline"), st.integers(0, 10_000)),
    st.tuples(st.just("dropline"), st.integers(0, 10_000)),
    st.tuples(st.just("bytes"), st.integers(0, 10**6), st.binary(min_size=1, max_size=4)),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=4)


def mutate(text: str, mutations: list[tuple]) -> bytes:
    """Apply cell, line and byte mutations to a CSV text; return the bytes to write."""
    lines = text.splitlines(keepends=True)
    tail: list[tuple] = []
    for m in mutations:
        kind = m[0]
        if kind == "cell" and lines:
            i = m[1] % len(lines)
            ending = "\n" if lines[i].endswith("\n") else ""
            cells = lines[i].rstrip("\r\n").split(",")
            cells[m[2] % len(cells)] = m[3]
            lines[i] = ",".join(cells) + ending
        elif kind == "dupline" and lines:
            i = m[1] % len(lines)
            line = lines[i] if lines[i].endswith("\n") else lines[i] + "\n"
            lines.insert(i, line)
        elif kind == "dropline" and lines:
            del lines[m[1] % len(lines)]
        else:
            tail.append(m)
    data = "".join(lines).encode("utf-8", errors="surrogatepass")
    for m in tail:
        if m[0] == "truncate":
            data = data[: int(len(data) * m[1])]
        elif m[0] == "bytes":
            at = m[1] % (len(data) + 1)
            data = data[:at] + m[2] + data[at:]
    return data


def one_sentence_or_loaded(call: Callable[[], Any], snapshot: Callable[[], Any]) -> str:
    """Run ``call``: 'loaded' when it returns, 'refused' when it raises one clean sentence and
    the store (``snapshot()``) is unchanged. Any other exception propagates: a bug."""
    before = snapshot()
    try:
        call()
    except SteppeError as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} without a message"
        assert "\n" not in message and "\r" not in message, message
        assert "Traceback" not in message
        assert snapshot() == before, "a refused input changed the store"
        return "refused"
    return "loaded"


def store_snapshot(store) -> Callable[[], Any]:
    """A function returning every table's row count (what a refused load must not change)."""
    tables = [r[0] for r in store.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    def snap() -> dict[str, int]:
        return {t: store.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in sorted(tables)}

    return snap
