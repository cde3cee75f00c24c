"""`steppe gravity ...` in-process: JSON contract, missing mirror, storing a run."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pyfixest")


def test_examples_lists_the_guide_specs(cli):
    out = cli("gravity", "examples", "--format", "json")
    assert out.returncode == 0, out.stderr
    names = {row["name"] for row in json.loads(out.stdout)}
    assert {"yotov-2016-table1-ppml", "yotov-2016-ch2-trade-without-borders"} <= names


def test_estimate_json_contract_and_store(cli, shared_data, isolated_env):
    out = cli(
        "gravity",
        "estimate",
        "yotov-2016-table1-ppml",
        "--mirror",
        str(shared_data),
        "--format",
        "json",
        "--store",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["nobs"] == 28152
    assert round(data["coefficients"]["log_dist"]["estimate"], 3) == -0.841
    assert round(data["coefficients"]["log_dist"]["se"], 3) == 0.032
    assert data["dropped"] == {
        "missing": 0,
        "separated": 0,
        "singletons": 0,
        "by_pyfixest": 0,
        "collinear": [],
    }

    from steppe.store import open_store
    from steppe.store.gravity_runs import latest_runs

    with open_store(isolated_env) as store:
        runs = latest_runs(store)
    assert runs[0]["spec_name"] == "yotov-2016-table1-ppml" and runs[0]["nobs"] == 28152
    assert runs[0]["provenance"]["file"] == "Chapter1Application1.dta"
    assert {c["term"] for c in runs[0]["coefficients"]} == {"log_dist", "cntg", "lang", "clny"}


def test_missing_mirror_names_the_file_and_where_to_get_it(cli):
    out = cli("gravity", "estimate", "yotov-2016-table1-ppml")
    assert out.returncode == 2
    assert "Chapter1Application1.dta" in out.stderr and "AdvancedGuideFiles.zip" in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_spec_is_one_sentence(cli):
    out = cli("gravity", "estimate", "nope")
    assert out.returncode == 2 and out.stderr.startswith("Error: No example spec")


def test_counterfactual_csv(cli, shared_data, isolated_env):
    out = cli(
        "gravity",
        "counterfactual",
        "yotov-2016-ch2-trade-without-borders",
        "--mirror",
        str(shared_data),
        "--format",
        "csv",
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("country,change_exports_conditional")
    assert len(lines) == 70
    arg = next(line for line in lines if line.startswith("ARG,"))
    assert arg.split(",")[1].startswith("65.52")  # Stata: change_Xi_CDL 65.524279
    # stdout is the table alone; one line on stderr says where the result went
    (note,) = [line for line in out.stderr.splitlines() if line.startswith("Stored counterfactual")]
    assert "'yotov-2016-ch2-trade-without-borders'" in note and "gravity page" in note

    from steppe.store import open_store
    from steppe.store.gravity_runs import latest_counterfactuals, latest_runs

    with open_store(isolated_env) as store:
        (cf,) = latest_counterfactuals(store)
        (run,) = latest_runs(store)
    assert cf["cf_id"] in note and cf["run_id"] == run["run_id"] and run["run_id"] in note
    assert cf["year"] == 2006 and cf["reference_country"] == "DEU"
    assert cf["scenario"]["set"] == {"intl_brdr": 0}
    stored = {c["country"]: c for c in cf["countries"]}
    assert len(stored) == 69 and f"{stored['ARG']['change_exports_conditional']:.2f}" == "65.52"


@pytest.mark.parametrize(
    ("terms", "regressors", "fixed", "expected"),
    [
        ({"x": {"both_members": "nosuchorg"}}, ["x"], ["exporter"], "nosuchorg"),
        ({}, ["gdp"], ["exporter"], "Unknown variable 'gdp'"),
        ({"log_dist": {"log": "dist"}}, ["log_dist"], ["pair"], "fixed effect 'pair' absorbs 'log_dist'"),
    ],
)
def test_bad_specs_are_one_sentence_on_the_command_line(cli, tmp_path, terms, regressors, fixed, expected):
    import yaml

    rows = ["exporter,importer,year,trade,dist"]
    for i in ("KAZ", "KGZ", "UZB"):
        for j in ("KAZ", "KGZ", "UZB"):
            for y in (2015, 2016):
                rows.append(f"{i},{j},{y},{10 + len(rows)},{100 if i == j else 900}")
    (tmp_path / "flows.csv").write_text("\n".join(rows) + "\n")
    spec = {
        "name": "bad",
        "data": {"source": "csv", "path": "flows.csv"},
        "terms": terms,
        "model": {
            "estimator": "ppml",
            "dependent": "trade",
            "regressors": regressors,
            "fixed_effects": fixed,
        },
    }
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(spec))
    out = cli("gravity", "estimate", str(tmp_path / "bad.yaml"))
    assert out.returncode in (1, 2)
    assert out.stderr.startswith("Error: ") and expected in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) <= 3


def test_report_gains_a_gravity_section_once_a_run_is_stored(cli, shared_data, tmp_path):
    out = tmp_path / "report.html"
    before = json.loads(
        cli("report", "central-asia", "--out", str(out), "--draws", "5", "--format", "json").stdout
    )
    assert "gravity" not in before["sections"]
    stored = cli("gravity", "estimate", "yotov-2016-table1-ppml", "--mirror", str(shared_data), "--store")
    assert stored.returncode == 0, stored.stderr
    after = cli("report", "central-asia", "--out", str(out), "--draws", "5", "--format", "json")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["sections"][-2:] == ["gravity", "appendix"]
    html = out.read_text("utf-8")
    section = html[html.index('<section id="gravity"') :]
    section = section[: section.index("</section>")]
    assert "yotov-2016-table1-ppml" in section and "log_dist" in section and "28,152 observations" in section
    assert "Chapter1Application1.dta" in section
