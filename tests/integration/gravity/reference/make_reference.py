"""Regenerate yotov2016_estimates.csv from the published tables quoted in the mirror.

Reads ``yotov_agtpa/EXPECTED_ESTIMATES.md`` (Tables 1-3 of the Guide as printed by the R
replication, and the Stata logs' chapter 2 numbers) and
``yotov_agtpa/results/ch1_ex2_unilateral_policy/UnilateralPolicyImpact.txt`` (esttab output
of chapter 1, exercise 2) and writes one row per (spec, term) with the printed number of
decimals, so that the replication tests compare to the precision the sources print.

Usage: python make_reference.py ../shared/data  (writes yotov2016_estimates.csv beside it)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
CELL = re.compile(r"^\s*(-?\d+\.\d+)\S*\s*\((\d+\.\d+)\)\s*$")

#: Section heading in EXPECTED_ESTIMATES.md -> (table column label -> example spec name).
TABLES = {
    "Chapter 1, Application 1": {
        "(1) OLS": "yotov-2016-table1-ols",
        "(2) OLS + remoteness": "yotov-2016-table1-ols-remoteness",
        "(3) OLS + FE": "yotov-2016-table1-ols-fe",
        "(4) PPML + FE": "yotov-2016-table1-ppml",
    },
    "Chapter 1, Application 2": {
        "(1)": "yotov-2016-table2-ols",
        "(2)": "yotov-2016-table2-ppml",
        "(3)": "yotov-2016-table2-ppml-intra",
        "(4)": "yotov-2016-table2-ppml-home-bias",
        "(5)": "yotov-2016-table2-ppml-intra-dummies",
    },
    "Chapter 1, Application 3": {
        "(1)": "yotov-2016-table3-ols",
        "(2)": "yotov-2016-table3-ppml",
        "(3)": "yotov-2016-table3-ppml-intra",
        "(4)": "yotov-2016-table3-ppml-pair",
        "(5)": "yotov-2016-table3-ppml-lead",
        "(6)": "yotov-2016-table3-ppml-lags",
        "(7)": "yotov-2016-table3-ppml-globalization",
    },
}
#: Row labels in the tables -> coefficient names in steppe's specs.
TERMS = {
    "log_y (exporter output)": "log_y",
    "log_e (importer expenditure)": "log_e",
    "(Intercept)": "Intercept",
}
EX2 = {"(1) RTAs": "yotov-2016-ch1-ex2-rtas", "(2) TRFFS": "yotov-2016-ch1-ex2-trffs"}
EX2_TERMS = {
    "RTA": "rta",
    "RTA_LAG3": "rta_lag3",
    "RTA_LAG6": "rta_lag6",
    "RTA_LAG9": "rta_lag9",
    "ln_MFN": "ln_mfn",
}


def _decimals(text: str) -> int:
    return len(text.split(".")[1])


def _rows_from_markdown(text: str) -> list[dict]:
    rows = []
    sections = re.split(r"^## ", text, flags=re.M)
    for section in sections:
        title = section.splitlines()[0] if section else ""
        columns = next((cols for key, cols in TABLES.items() if title.startswith(key)), None)
        if columns is None:
            continue
        lines = [ln for ln in section.splitlines() if ln.startswith("|")]
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            label = cells[0]
            for head, cell in zip(header[1:], cells[1:], strict=True):
                match = CELL.match(cell)
                spec = columns.get(head)
                if not match or spec is None:
                    continue
                est, se = match.groups()
                rows.append(
                    {
                        "spec": spec,
                        "term": TERMS.get(label, label),
                        "estimate": est,
                        "se": se,
                        "decimals": _decimals(est),
                        "source": "EXPECTED_ESTIMATES.md: " + title.strip(),
                    }
                )
    return rows


def _rows_from_esttab(text: str) -> list[dict]:
    lines = text.splitlines()
    header = next(ln for ln in lines if "RTAs" in ln)
    numbers = next(ln for ln in lines if re.match(r"^\s+\(1\)", ln))
    names = [f"{a} {b}" for a, b in zip(numbers.split(), header.split(), strict=True)]
    rows = []
    for i, line in enumerate(lines):
        parts = line.split()
        if parts and parts[0] in EX2_TERMS and i + 1 < len(lines):
            estimates = parts[1:]
            ses = re.findall(r"\((\d+\.\d+)\)", lines[i + 1])
            # a blank estimate column shifts the numbers right: align from the right
            offset = len(names) - len(estimates)
            for j, (est, se) in enumerate(zip(estimates, ses, strict=True)):
                rows.append(
                    {
                        "spec": EX2[names[offset + j]],
                        "term": EX2_TERMS[parts[0]],
                        "estimate": est,
                        "se": se,
                        "decimals": _decimals(est),
                        "source": "UnilateralPolicyImpact.txt (Stata esttab, 2016-10-20)",
                    }
                )
    return rows


def _rows_from_stata_sections(text: str) -> list[dict]:
    """Chapter 2: the border application's one-row table and stage 1 of the RTA application."""
    rows = []
    section = text.split("## Chapter 2, Application 1", 1)[1].split("## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    for name, cell in zip(header, cells, strict=True):
        est, se = CELL.match(cell).groups()
        rows.append(
            {
                "spec": "yotov-2016-ch2-trade-without-borders",
                "term": name.lower(),
                "estimate": est,
                "se": se,
                "decimals": _decimals(est),
                "source": "EXPECTED_ESTIMATES.md: Chapter 2, Application 1 (TradeWithoutBorder.log)",
            }
        )
    match = re.search(r"RTA = (-?\d+\.\d+) \(SE (\d+\.\d+)\)", text)
    rows.append(
        {
            "spec": "yotov-2016-ch2-rta-stage1",
            "term": "rta",
            "estimate": match.group(1),
            "se": match.group(2),
            "decimals": _decimals(match.group(1)),
            "source": "EXPECTED_ESTIMATES.md: Chapter 2, Application 2 stage 1 (RTAsEffects.log)",
        }
    )
    return rows


def main(shared: Path) -> Path:
    folder = shared / "yotov_agtpa"
    expected = (folder / "EXPECTED_ESTIMATES.md").read_text("utf-8")
    rows = _rows_from_markdown(expected) + _rows_from_stata_sections(expected)
    rows += _rows_from_esttab(
        (folder / "results" / "ch1_ex2_unilateral_policy" / "UnilateralPolicyImpact.txt").read_text("utf-8")
    )
    out = HERE / "yotov2016_estimates.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, ["spec", "term", "estimate", "se", "decimals", "source"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return out


if __name__ == "__main__":
    print(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")))
