"""The delegated-institutionalisation measure on a tiny KB with hand-computed answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.kb.delegation import classify_initiative, delegation_by_year
from steppe.kb.loader import load_kb
from steppe.kb.queries import C5, delegation
from steppe.kb.sync import kb_store
from steppe.store import open_store


def frames(kb_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    kb = load_kb(kb_dir)
    return kb.frame("organisations"), kb.frame("memberships")


def test_classify_initiative() -> None:
    assert classify_initiative(["KAZ"], C5) == "c5"
    assert classify_initiative(["KGZ", "RUS"], C5) == "c5"  # a C5 state among several
    assert classify_initiative(["USA"], C5) == "external"
    assert classify_initiative(["adb"], C5) == "external"  # a bank or organisation is external
    assert classify_initiative([], C5) == "unknown"
    assert classify_initiative(None, C5) == "unknown"


def test_hand_computed_years(tiny_kb: Path) -> None:
    orgs, mems = frames(tiny_kb)
    out = delegation_by_year(orgs, mems, (2000, 2003), C5).set_index("year")
    # Reference day 1 July. By hand:
    # 2000: home (KAZ init), ext (USA; KAZ member from 1 July: counts), gone (KAZ), mixed (KGZ+RUS),
    #       nobody (unknown). bank_fmt (KGZ from 2001-07-02) not yet; outsiders has no C5 member.
    #       active 5, external 1 (ext), c5 3 (home, gone, mixed), unknown 1 -> share 1/4.
    # 2001: bank_fmt starts 2 July: not yet on 1 July. Same as 2000.
    # 2002: gone dissolved 1 June; ext: KAZ member ends 1 July, suspended from 1 July -> not active.
    #       bank_fmt active (external: initiated by the bank). active 4: home, mixed, nobody,
    #       bank_fmt -> external 1, c5 2, unknown 1 -> 1/3.
    # 2003: late (CHN init, KGZ observer) joins: active 5, external 2, c5 2, unknown 1 -> 1/2.
    assert out.loc[2000, ["active", "external", "c5_initiated", "unknown"]].tolist() == [5, 1, 3, 1]
    assert out.loc[2000, "share_external"] == pytest.approx(0.25)
    assert out.loc[2001, "active"] == 5
    assert out.loc[2002, ["active", "external", "c5_initiated", "unknown"]].tolist() == [4, 1, 2, 1]
    assert out.loc[2002, "share_external"] == pytest.approx(1 / 3, abs=1e-6)
    assert out.loc[2002, "external_formats"] == ["bank_fmt"]
    assert out.loc[2003, ["active", "external", "share_external"]].tolist() == [5, 2, 0.5]
    assert out.loc[2003, "formats"] == ["bank_fmt", "home", "late", "mixed", "nobody"]


def test_restrict_to_formats(tiny_kb: Path) -> None:
    orgs, mems = frames(tiny_kb)
    out = delegation_by_year(orgs, mems, (2003, 2003), C5, slugs=["late", "home"])
    assert out.iloc[0][["active", "external", "share_external"]].tolist() == [2, 1, 0.5]


def test_query_through_the_store(tiny_kb: Path, isolated_env: Path, monkeypatch) -> None:
    monkeypatch.setenv("STEPPE_KB", str(tiny_kb))
    with open_store(isolated_env) as store:
        kb_store(store)
        rows = delegation("2002:2003", store=store)
    assert [(r["year"], r["active"], r["external"]) for r in rows] == [(2002, 4, 1), (2003, 5, 2)]


def test_no_active_format_gives_no_share(tiny_kb: Path) -> None:
    orgs, mems = frames(tiny_kb)
    out = delegation_by_year(orgs, mems, (1990, 1990), C5)
    assert out.iloc[0]["active"] == 0 and out.iloc[0]["share_external"] is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["KAZ", "KGZ", "USA", "CHN", "adb"]),
            st.integers(2000, 2010),
            st.integers(0, 5),
            st.sampled_from(["KAZ", "TJK", "RUS"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_share_is_a_proportion(spec) -> None:
    orgs = pd.DataFrame(
        [
            {"slug": f"o{i}", "founded": None, "dissolved": None, "initiators": [ini]}
            for i, (ini, _, _, _) in enumerate(spec)
        ]
    )
    mems = pd.DataFrame(
        [
            {
                "org": f"o{i}",
                "country": who,
                "role": "member",
                "start": date(start, 1, 1),
                "end": date(start + length, 1, 1) if length else None,
            }
            for i, (_, start, length, who) in enumerate(spec)
        ]
    )
    out = delegation_by_year(orgs, mems, (1999, 2016), C5)
    assert (out["external"] + out["c5_initiated"] + out["unknown"] == out["active"]).all()
    shares = out["share_external"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
