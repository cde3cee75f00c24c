"""A tiny hand-made KB folder, small enough to compute every answer by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = {
    "sources.csv": """id,title,author,publisher,date,url,kind,accessed,note
ref,A reference work,,Publisher,,https://example.org/ref,reference_work,,
cow,COW IGO v3,,COW,2020,https://correlatesofwar.org/data-sets/IGOs,dataset,,
""",
    "countries.csv": """iso3,name,aliases,kind,region,sources
CHN,China,,state,east_asia,ref
KAZ,Kazakhstan,,state,central_asia,ref
KGZ,Kyrgyzstan,,state,central_asia,ref
RUS,Russia,,state,eastern_europe,ref
USA,United States,,state,north_america,ref
""",
    # home: initiated by a C5 state. ext: initiated by a power. bank_fmt: initiated by an
    # organisation (a bank). mixed: a C5 state among the initiators. nobody: none recorded.
    # late: founded in 2003. gone: dissolved on 2002-06-01. outsiders: no C5 member at all.
    "organisations.csv": "slug,name,aliases,kind,founded,dissolved,initiators,secretariat,"
    "secretariat_host,predecessor,confidence,sources,note\n"
    """bank,Bank,,financial,1990-01-01,,USA,,USA,,high,ref,
bank_fmt,Bank format,,economic,,,bank,,bank,,high,ref,
ext,External format,,dialogue_format,2000-01-01,,USA,,,,high,ref,
gone,Gone,,economic,1995-01-01,2002-06-01,KAZ,,,,high,ref,
home,Home format,,dialogue_format,2000-01-01,,KAZ,,,,high,ref,
late,Late format,,dialogue_format,2003-01-01,,CHN,,,,high,ref,
mixed,Mixed format,,economic,2000-01-01,,KGZ; RUS,,,,high,ref,
nobody,No initiator,,economic,2000-01-01,,,,,,high,ref,
outsiders,Outsiders,,economic,2000-01-01,,USA,,,,high,ref,
""",
    "memberships.csv": """org,country,role,start,end,confidence,sources,note
bank_fmt,KGZ,member,2001-07-02,,high,ref,
ext,KAZ,member,2000-07-01,2002-07-01,high,ref,
ext,KAZ,suspended,2002-07-01,,high,ref,
gone,KAZ,member,1995-01-01,2002-06-01,high,ref,
home,KAZ,founding_member,2000-01-01,,high,ref,
late,KGZ,observer,2003-01-01,,high,ref,
mixed,KGZ,founding_member,2000-01-01,,high,ref,
nobody,KAZ,member,2000-01-01,,high,ref,
outsiders,RUS,member,2000-01-01,,high,ref,
outsiders,USA,member,2000-01-01,,high,ref,
""",
    "events.csv": """id,start,end,type,title,place,participants,orgs,confidence,sources,note
home-founding,2000-01-01,,founding,Home format founded,,KAZ,home,high,ref,
""",
    "contested.csv": """id,subject,claim,claim_sources,adopted,adopted_sources,reason
home-start,org:home:founded,Founded 1999.,ref,Founded 2000-01-01.,ref,A hand-made example.
""",
}


@pytest.fixture
def tiny_kb(tmp_path: Path) -> Path:
    """Write the tiny KB into a fresh folder and return it."""
    folder = tmp_path / "tiny_kb"
    folder.mkdir()
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
