"""CLI output: numbers for people in tables, full precision elsewhere, tables that fit, xlsx."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from steppe.cli import output
from steppe.cli.output import OutputFormat, emit, fit_columns, human_number, workbook_bytes


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [
        (2.06304e10, "value", "20,630,400,000"),
        (20630400000, "value", "20,630,400,000"),
        (1234.5678, "value", "1,234.6"),
        (12.3456, "share", "12.35"),
        (0.0123456, "share", "0.0123"),
        (0.000002346, "share", "0.00000235"),
        (2020, "year", "2020"),
        (2020.0, "year", "2020"),
        (7233, "rows", "7233"),
        (46831, "rows", "46,831"),
        (0.0, "x", "0"),
    ],
)
def test_numbers_for_people(value, column, text):
    assert human_number(value, column) == text
    assert "e+" not in human_number(value, column) and "e-" not in human_number(value, column)


@pytest.fixture
def narrow(monkeypatch):
    """A 72-column console writing to a buffer, and stderr captured."""
    buffer = io.StringIO()
    monkeypatch.setattr(output, "console", output._literal_console(width=72, file=buffer))
    return buffer


ROWS = [
    {
        "dataset_id": "imf_dots:dots:starter-sha256-2a4c2947cded",
        "country": "KAZ",
        "value": 2.06304e10,
        "share": 0.12345678,
        "view": "reported",
        "location": "/a/very/long/path/to/the/file/that/nobody/needs/in/a/table.csv",
        "sources": ["wiki-sco", "sectsco-charter"],
    },
    {
        "dataset_id": "wdi:wdi:starter-sha256-1bd8eea3f677",
        "country": "UZB",
        "value": 1.5,
        "share": 0.5,
        "view": "reported",
        "location": "/another/long/path.csv",
        "sources": [],
    },
]


def test_wide_table_keeps_ids_whole_and_says_what_it_left_out(narrow, capsys):
    emit(ROWS, OutputFormat.table, title="test")
    text = narrow.getvalue()
    assert "imf_dots:dots:starter-sha256-2a4c2947cded" in text  # never cut
    assert "wdi:wdi:starter-sha256-1bd8eea3f677" in text
    assert "20,630,400,000" in text and "2.06304e+10" not in text and "…" not in text
    err = capsys.readouterr().err
    assert "Left out to fit the terminal (72 columns): sources, location, view" in err
    assert "view" in err  # the same in every row


def test_fit_columns_never_drops_an_id():
    cols = ["dataset_id", "country", "notes", "value"]
    cells = [["x" * 60, "KAZ", "y" * 80, "1"]]
    shown, dropped = fit_columns(cols, cells, 40)
    assert "dataset_id" in shown and "country" in shown and dropped[0] == "notes"


def test_long_text_is_left_out_rather_than_wrapped_to_a_word_a_line():
    """A location gets at least MIN_LONG_TEXT characters or is left out; short text may wrap."""
    from steppe.cli.output import MIN_LONG_TEXT

    cols = ["dataset_id", "rows", "location", "label"]
    location = "mirror/wdi_fdi_remittances_ca/API_BX.TRF.PWKR.CD.DT_DS2.csv"
    cells = [["wdi:wdi:2024", "7684", location, "remit tances"]]
    roomy = 1 + (12 + 3) + (4 + 3) + (MIN_LONG_TEXT + 3) + (10 + 3)
    assert fit_columns(cols, cells, roomy) == (cols, [])
    assert fit_columns(cols, cells, roomy - 1) == (["dataset_id", "rows", "label"], ["location"])


def test_json_is_strict_missing_numbers_are_null(capsys):
    """NaN and infinities (a GE result that did not solve, an empty share) print as null: JSON has
    no NaN, and strict readers (jq, JSON.parse) reject it."""
    from steppe.cli.output import emit_json

    def strict(text: str) -> Any:
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON output"))

    emit([{"country": "KAZ", "value": float("nan"), "share": float("inf"), "n": 3}], OutputFormat.json)
    assert strict(capsys.readouterr().out) == [{"country": "KAZ", "value": None, "share": None, "n": 3}]
    emit_json({"sigma": 7.0, "countries": [{"change": float("-inf")}], "years": (2019, float("nan"))})
    assert strict(capsys.readouterr().out) == {
        "sigma": 7.0,
        "countries": [{"change": None}],
        "years": [2019, None],
    }


def test_csv_and_json_keep_full_precision(capsys):
    emit(ROWS, OutputFormat.csv, ["country", "value", "share"])
    assert "20630400000.0,0.12345678" in capsys.readouterr().out
    emit(ROWS, OutputFormat.json, ["country", "value"])
    assert json.loads(capsys.readouterr().out)[0]["share"] == 0.12345678


def test_xlsx_numbers_stay_numbers_and_formulas_stay_text(tmp_path):
    from openpyxl import load_workbook

    rows = [[2.06304e10, '=HYPERLINK("http://x")', ["a", "b"], None]]
    path = tmp_path / "t.xlsx"
    path.write_bytes(workbook_bytes([("members: sco/test", ["value", "name", "list", "empty"], rows)]))
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "members  sco test"
    assert [c.value for c in sheet[1]] == ["value", "name", "list", "empty"]
    assert sheet["A2"].value == 2.06304e10 and sheet["C2"].value == "a; b" and sheet["D2"].value is None
    assert not str(sheet["B2"].value).startswith("=")  # neutralised, as in CSV


def test_json_commands_start_light(tmp_path):
    """`steppe --version` imports no pandas or Rich; `steppe kb members sco --format json` (on a
    store whose KB is loaded) no pandas, numpy, Rich or plotly, since it reads rows, not frames,
    and no Typer or pydantic, since the lean path parses its command line (steppe.cli.lean)."""
    env = {**os.environ, "STEPPE_DB": str(tmp_path / "s.duckdb"), "STEPPE_STARTER": "0"}
    code = (
        "import sys, io, contextlib\n"
        "from steppe.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    first = main(['--version'])\n"
        "    seen = 'pandas' in sys.modules or 'rich' in sys.modules\n"
        "    second = main(['kb', 'members', 'sco', '--format', 'json'])\n"
        "loaded = [m in sys.modules for m in ('rich', 'plotly', 'pandas', 'numpy', 'typer', 'pydantic')]\n"
        "print(first, second, seen, *loaded)\n"
        "print(len(__import__('json').loads(out.getvalue().split('\\n', 1)[1])))\n"
    )
    # the first run creates the store and loads the KB (which may use pandas); the second must not
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    flags, count = done.stdout.strip().splitlines()
    assert flags == "0 0 False False False False False False False", done.stderr
    assert int(count) >= 4
    assert Path(env["STEPPE_DB"]).exists()


def test_xlsx_from_any_table_command(capsysbinary, store):
    """A command that draws its own table (kb overlap) gives a workbook too, numbers as numbers."""
    from openpyxl import load_workbook

    from steppe.cli.main import main

    assert main(["kb", "overlap", "--as-of", "2016-01-01", "--format", "xlsx"]) == 0
    out = capsysbinary.readouterr().out
    assert out[:2] == b"PK"  # a zip: the xlsx container
    book = load_workbook(io.BytesIO(out))
    sheet = book.worksheets[0]
    assert sheet.title.startswith("Memberships as of 2016-01-01")
    assert [c.value for c in sheet["A"]][1:6] == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert main(["kb", "members", "sco", "--as-of", "2018-01-01", "--format", "xlsx"]) == 0
    rows = list(load_workbook(io.BytesIO(capsysbinary.readouterr().out)).worksheets[0].values)
    assert rows[0] == ("country", "role", "start", "end", "uncertain", "sources")
    assert {r[0] for r in rows[1:]} >= {"KAZ", "KGZ", "TJK", "UZB", "CHN", "RUS", "IND", "PAK"}
