"""No traceback reaches a user, and stored text is printed literally (in-process, through main()).

- the top-level guard: an unexpected exception is one sentence plus a --debug hint;
- malformed options are one sentence naming the option and the help to read (exit 2);
- Rich markup in stored text (``[/b]``, ``[in Table 2]``, ``[link=...]``) prints as written,
  terminal control characters are shown escaped, and CSV cells that a spreadsheet would run
  as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from steppe.cli.main import main


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    """Wide tables, so that a cell's text is on one line and can be searched."""
    from steppe.cli.output import console

    monkeypatch.setattr(console, "size", (400, 50))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_an_unexpected_error_is_one_sentence_with_a_debug_hint(capsys, monkeypatch) -> None:
    from steppe.kb import queries

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(queries, "organisations", broken)
    code, out, err = run(capsys, "kb", "orgs")
    assert code == 1 and out == ""
    line = one_sentence(err)
    assert line.startswith("Error: steppe failed unexpectedly (ZeroDivisionError: division by zero)")
    assert "steppe --debug" in line
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "kb", "orgs"])
    monkeypatch.setenv("STEPPE_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["kb", "orgs"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["index", "sensitivity", "central-asia", "--seed", "-1"],
            "Error: Invalid value for '--seed': Input should be greater than or equal to 0; "
            "see 'steppe index sensitivity --help'.",
        ),
        (
            ["report", "central-asia", "--draws", "0"],
            "Error: Invalid value for '--draws': Input should be greater than or equal to 1; "
            "see 'steppe report central-asia --help'.",
        ),
        (
            ["texts", "query", "kwic", "water", "--window", "-5"],
            "Error: Invalid value for '--window': Input should be greater than or equal to 0; "
            "see 'steppe texts query kwic --help'.",
        ),
        (["indicators", "regional", "--years", ""], "Error: Invalid --years '': use a year or a range"),
        (
            ["fetch", "wdi", "--years", "", "--mirror", "."],
            "Error: Invalid --years '': use a year or a range",
        ),
        (["kb", "members", "sco", "--format", "xml"], "Error: Invalid value for '--format' / '-f'"),
        (["fetch", "wdi", "--allow", "finite", "--mirror", "."], "Error: The rule 'finite' (numbers are"),
        (["fetch", "wdi", "--edition", "a b", "--mirror", "."], "Error: Invalid edition name 'a b'"),
        (["nosuch"], "Error: No such command 'nosuch'; see 'steppe --help'."),
    ],
)
def test_malformed_options_are_one_sentence(capsys, args: list[str], expected: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert one_sentence(err).startswith(expected), err


def test_group_without_command_prints_its_help(capsys) -> None:
    _, out, err = run(capsys, "kb")
    assert "Usage: steppe kb" in out + err and "Traceback" not in out + err


def test_negative_kwic_window_through_the_api() -> None:
    from steppe.errors import UsageError
    from steppe.texts.query import kwic

    with pytest.raises(UsageError, match="window -1 is negative"):
        kwic("water", window=-1)


MARKUP = "Water [/b] talks [in Table 2] and [link=https://evil.example]the SCO[/link] \x1b]8;;x\x1b\\link"


def test_stored_text_prints_literally(capsys, tmp_path: Path) -> None:
    doc = tmp_path / "markup.md"
    doc.write_text(f"---\ntitle: {MARKUP[:40]}\n---\n\n{MARKUP}\n\nA second paragraph on water.\n", "utf-8")
    code, _, err = run(capsys, "texts", "add", str(doc))
    assert code == 0, err
    for args in (("texts", "list"), ("texts", "segments", "markup"), ("texts", "query", "kwic", "talks")):
        code, out, err = run(capsys, *args, "--format", "table")
        assert code == 0, err
        flat = " ".join(out.split())
        assert "[/b]" in flat, (args, out)
        assert "\x1b" not in out, args
    code, out, _ = run(capsys, "texts", "segments", "markup")
    flat = " ".join(out.split())
    assert "[in Table 2]" in flat and "[link=https://evil.example]the SCO[/link]" in flat
    assert "\\x1b]8;;x\\x1b\\link" in flat  # the escape sequence is shown, not obeyed


def test_kb_names_cannot_hide_links_or_formulas(capsys, kb_copy: Path, monkeypatch) -> None:
    orgs = kb_copy / "organisations.csv"
    text = orgs.read_text("utf-8")
    text = text.replace(
        "adb,Asian Development Bank,",
        '"adb","[link=https://evil.example]Asian Development Bank[/link]\x1b[8m",',
    )
    text = text.replace("aiib,Asian Infrastructure Investment Bank,", 'aiib,=HYPERLINK("http://x"),')
    orgs.write_text(text, "utf-8")
    monkeypatch.setenv("STEPPE_KB", str(kb_copy))
    code, out, err = run(capsys, "kb", "orgs")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "[link=https://evil.example]Asian" in flat and "\x1b" not in out and "\\x1b[8m" in flat
    code, out, err = run(capsys, "kb", "orgs", "--format", "csv")
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["aiib"]["name"] == '\'=HYPERLINK("http://x")'
    assert rows["adb"]["name"].startswith("[link=")  # not a formula: left as is


def test_csv_export_neutralises_formulas(capsys, tmp_path: Path) -> None:
    from steppe.csvsafe import neutralise

    assert [neutralise(v) for v in ("=1+1", "+A1", "-2+3", "@SUM(A1)", "\tx", "-12.5", "+3", "1e-3", 4)] == [
        "'=1+1",
        "'+A1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "-12.5",
        "+3",
        "1e-3",
        4,
    ]
    doc = tmp_path / "f.txt"
    doc.write_text("=cmd|' /C calc'!A0 about water\n\nSecond paragraph about the SCO.\n", "utf-8")
    assert run(capsys, "texts", "add", str(doc))[0] == 0
    assert run(capsys, "texts", "code", "apply", "f", "0", "actor:sco", "--coder", "ana")[0] == 0
    assert run(capsys, "texts", "export", "csv", str(tmp_path / "out"))[0] == 0
    with (tmp_path / "out" / "coded_segments.csv").open(newline="", encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh)]
    assert texts and all(t.startswith("'=cmd") for t in texts if "cmd" in t)
