"""The delegated-institutionalisation measure on a tiny KB with hand-computed answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.kb.delegation import classify_initiative, delegation_by_year, reference_days
from steppe.kb.queries import C5, delegation
from steppe.kb.sync import kb_store
from steppe.store import open_store


def by_year(tiny_kb: Path, store_path: Path, years: str, orgs: list[str] | None = None) -> pd.DataFrame:
    """The delegation rows of the tiny KB, asked of a store (the as-of answers are the store's)."""
    with open_store(store_path) as store:
        kb_store(store)
        return pd.DataFrame(delegation(years, orgs, store=store)).set_index("year")


@pytest.fixture
def tiny_env(tiny_kb: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STEPPE_KB", str(tiny_kb))
    return isolated_env


def test_classify_initiative() -> None:
    assert classify_initiative(["KAZ"], C5) == "c5"
    assert classify_initiative(["KGZ", "RUS"], C5) == "c5"  # a C5 state among several
    assert classify_initiative(["USA"], C5) == "external"
    assert classify_initiative(["adb"], C5) == "external"  # a bank or organisation is external
    assert classify_initiative([], C5) == "unknown"
    assert classify_initiative(None, C5) == "unknown"


def test_hand_computed_years(tiny_kb: Path, tiny_env: Path) -> None:
    out = by_year(tiny_kb, tiny_env, "2000:2003")
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


def test_restrict_to_formats(tiny_kb: Path, tiny_env: Path) -> None:
    out = by_year(tiny_kb, tiny_env, "2003:2003", ["late", "home"])
    assert out.iloc[0][["active", "external", "share_external"]].tolist() == [2, 1, 0.5]


def test_query_through_the_store(tiny_kb: Path, tiny_env: Path) -> None:
    with open_store(tiny_env) as store:
        kb_store(store)
        rows = delegation("2002:2003", store=store)
    assert [(r["year"], r["active"], r["external"]) for r in rows] == [(2002, 4, 1), (2003, 5, 2)]


def test_no_active_format_gives_no_share(tiny_kb: Path, tiny_env: Path) -> None:
    out = by_year(tiny_kb, tiny_env, "1990:1990")
    assert out.iloc[0]["active"] == 0 and pd.isna(out.iloc[0]["share_external"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["KAZ", "KGZ", "USA", "CHN", "adb"]),
            st.integers(2000, 2010),
            st.integers(0, 5),
            st.sampled_from(["KAZ", "TJK", "RUS"]),
            st.sampled_from(["yes", "uncertain"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_share_is_a_proportion(spec) -> None:
    """Whatever the store answers, the counts add up and the share is a proportion."""
    orgs = pd.DataFrame([{"slug": f"o{i}", "initiators": [ini]} for i, (ini, *_) in enumerate(spec)])
    days = reference_days((1999, 2016))
    existing = pd.DataFrame(
        [{"day": d, "org": f"o{i}", "status": "yes"} for i in range(len(spec)) for d in days]
    )
    held = pd.DataFrame(
        [
            {"day": d, "org": f"o{i}", "country": who, "role": "member", "status": state}
            for i, (_, start, length, who, state) in enumerate(spec)
            for d in days
            if start <= d.year and (not length or d.year < start + length)
        ],
        columns=["day", "org", "country", "role", "status"],
    )
    out = delegation_by_year(orgs, existing, held, (1999, 2016), C5)
    assert (out["external"] + out["c5_initiated"] + out["unknown"] == out["active"]).all()
    shares = out["share_external"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
