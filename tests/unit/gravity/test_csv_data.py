"""A spec's CSV data file with a cell that is not a number: one sentence, file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("pyfixest")

from steppe.cli.main import main
from steppe.errors import DataError
from steppe.gravity.run import run_spec
from steppe.gravity.spec import load_spec
from tests.unit.gravity.test_spec_payloads import _frame, _spec


def _case(tmp_path: Path, column: str, row: int, value: str) -> Path:
    frame = _frame().astype({column: object})
    frame.loc[row, column] = value
    frame.to_csv(tmp_path / "flows.csv", index=False)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(_spec()), "utf-8")
    return path


@pytest.mark.parametrize(("column", "row", "value"), [("trade", 5, "12x"), ("dist", 7, "abc")])
def test_non_numeric_cell_in_a_gravity_csv(tmp_path: Path, column: str, row: int, value: str) -> None:
    path = _case(tmp_path, column, row, value)
    with pytest.raises(DataError) as err:
        run_spec(load_spec(path))
    assert str(err.value) == (
        f"Spec 'payload': {tmp_path / 'flows.csv'} line {row + 2} field '{column}': {value!r} is not a "
        "number; fix the file (rule number)."
    )


def test_non_numeric_cell_through_the_cli(tmp_path: Path, capsys) -> None:
    path = _case(tmp_path, "trade", 3, "lots")
    assert main(["gravity", "estimate", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: Spec 'payload': ") and "line 5 field 'trade': 'lots'" in err
    assert len(err.splitlines()) == 1
