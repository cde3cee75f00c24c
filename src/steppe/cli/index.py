"""`steppe index ...`: composite indices from a declared methodology, and their sensitivity."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, emit, emit_json, err_console

app = typer.Typer(help="Composite integration indices from a methodology YAML.", no_args_is_help=True)

METHOD_ARG = typer.Argument(..., help="Methodology YAML path, or a bundled name (central-asia).")


def _with_warnings(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run ``call``, print each methodology warning as one line on stderr, and return them."""
    from steppe.indicators.composite.methodology import MethodologyWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MethodologyWarning)
        result = call()
    notes = [str(w.message) for w in caught if issubclass(w.category, MethodologyWarning)]
    for note in notes:
        err_console.print(f"Warning: {note}", markup=False, highlight=False)
    return result, notes


def _empty(info: dict) -> str:
    fixes = "; ".join(f"run '{m['fetch']}'" for m in info["missing"]) or "check the methodology's years"
    return f"No country-year has a score: {fixes}."


@app.command()
def compute(methodology: str = METHOD_ARG, fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Scores (0-100), ranks and dimension sub-indices per country-year."""
    from steppe.cli.session import session
    from steppe.session.frames import records

    result, notes = _with_warnings(lambda: session().index.compute(methodology))
    info = result.info
    frame = result.scores.dropna(subset=["score"])
    if fmt is OutputFormat.json:
        emit_json(
            {
                "choices": result.choices,
                "weights": result.weights,
                "trade_dataset_id": info["trade_dataset_id"],
                "trade_view": info.get("trade_view"),
                "missing": info["missing"],
                "blank": info.get("blank", []),
                "warnings": notes,
                "scores": records(frame),
            }
        )
        return
    emit(records(frame), fmt, list(frame.columns), title="Composite index", empty=_empty(info))


@app.command()
def sensitivity(
    methodology: str = METHOD_ARG,
    draws: int = typer.Option(None, "--draws", min=1, help="Monte Carlo draws; default the methodology's."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed, 0 or more (same seed, same intervals)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Monte Carlo score and rank intervals (5th-95th percentile) and first-order sensitivity."""
    from steppe.cli.session import session
    from steppe.session.frames import records

    result, notes = _with_warnings(lambda: session().index.sensitivity(methodology, draws=draws, seed=seed))
    info = result.info
    frame = result.intervals.dropna(subset=["score"])
    if fmt is OutputFormat.json:
        emit_json(
            {
                "draws": result.draws,
                "seed": result.seed,
                "first_order": result.first_order,
                "trade_dataset_id": info["trade_dataset_id"],
                "trade_view": info.get("trade_view"),
                "missing": info["missing"],
                "blank": info.get("blank", []),
                "warnings": notes,
                "intervals": records(frame),
            }
        )
        return
    title = f"Monte Carlo ({result.draws} draws, seed {seed})"
    emit(records(frame), fmt, list(frame.columns), title=title, empty=_empty(info))


@app.command()
def show(methodology: str = METHOD_ARG) -> None:
    """Print the methodology as steppe reads it (JSON)."""
    from steppe.cli.session import session

    method, notes = _with_warnings(lambda: session().index.methodology(methodology))
    emit_json({**method.as_dict(), "not_covered": list(method.not_covered), "warnings": notes})
