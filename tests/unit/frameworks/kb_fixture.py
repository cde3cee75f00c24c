"""A small declared KB, written as KB files and loaded into a store, for the frameworks' hand-computed tests.

Region "r" = AAA, BBB, CCC. Formats (founded 2000):
- ``trio`` (economic): AAA BBB CCC members; secretariat from 2005; decision rule consensus;
- ``duo`` (environmental): AAA BBB;
- ``guard`` (security): AAA BBB and the outsider OUT;
- ``club`` (political): AAA, CHN and RUS members, BBB member until 2008 then suspended,
  CCC observer; partners and observers yes, accession regional, exclusivity clause yes.
Events: a clash AAA-BBB in 2003; trio summits in 2006 and 2010; club summits in 2010 (AAA CHN
RUS BBB) and 2010 (BBB CHN RUS).

The KB goes through the real loader into a DuckDB store (one per test process), so that every
as-of answer the frameworks read is the store's (the SQL macro ``kb_status``), as in use.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from steppe import __version__
from steppe.frameworks.institutions import KBFacts
from steppe.kb.loader import load_kb
from steppe.kb.sync import bind_kb, store_frame
from steppe.store import Store, open_store
from steppe.store import kb as store_kb

FILES = {
    "sources.csv": """id,title,author,publisher,date,url,kind,accessed,note
src-test,A declared test source,,Publisher,,https://example.org/test,reference_work,,
""",
    "countries.csv": """iso3,name,aliases,kind,region,sources
AAA,Aland,,state,central_asia,src-test
BBB,Bland,,state,central_asia,src-test
CCC,Cland,,state,central_asia,src-test
OUT,Outland,,state,eastern_europe,src-test
CHN,China,,state,east_asia,src-test
RUS,Russia,,state,eastern_europe,src-test
""",
    "organisations.csv": "slug,name,aliases,kind,founded,dissolved,initiators,secretariat,"
    "secretariat_host,predecessor,confidence,sources,note\n"
    """trio,Trio,,economic,2000-01-01,,,,,,high,src-test,
duo,Duo,,environmental,2000-01-01,,,,,,high,src-test,
guard,Guard,,security,2000-01-01,,,,,,high,src-test,
club,Club,,political,2000-01-01,,,,,,high,src-test,
""",
    "memberships.csv": """org,country,role,start,end,confidence,sources,note
trio,AAA,founding_member,2000-01-01,,high,src-test,
trio,BBB,founding_member,2000-01-01,,high,src-test,
trio,CCC,member,2000-01-01,,high,src-test,
duo,AAA,member,2000-01-01,,high,src-test,
duo,BBB,member,2000-01-01,,high,src-test,
guard,AAA,member,2000-01-01,,high,src-test,
guard,BBB,member,2000-01-01,,high,src-test,
guard,OUT,member,2000-01-01,,high,src-test,
club,AAA,member,2000-01-01,,high,src-test,
club,CHN,founding_member,2000-01-01,,high,src-test,
club,RUS,founding_member,2000-01-01,,high,src-test,
club,BBB,member,2000-01-01,2008-05-01,high,src-test,
club,BBB,suspended,2008-05-01,,high,src-test,
club,CCC,observer,2000-01-01,,high,src-test,
""",
    "org_attributes.csv": """org,attribute,value,start,end,confidence,sources,note
trio,secretariat,yes,2005-01-01,,high,src-test,
trio,type,organisation,2000-01-01,,high,src-test,
trio,decision_rule,consensus,2000-01-01,,high,src-test,
club,partners_and_observers,yes,2000-01-01,,high,src-test,
club,accession_openness,regional,,,high,src-test,
club,exclusivity_clause,yes,2000-01-01,,high,src-test,
""",
    "events.csv": """id,start,end,type,title,place,participants,orgs,confidence,sources,note
clash-2003,2003-04-01,,clash,clash clash-2003,,AAA; BBB,,high,src-test,
trio-2006,2006-05-01,,summit,summit trio-2006,,AAA; BBB; CCC,trio,high,src-test,
trio-2010,2010-05-01,,summit,summit trio-2010,,AAA; BBB; CCC,trio,high,src-test,
club-2010a,2010-03-01,,summit,summit club-2010a,,AAA; BBB; CHN; RUS,club,high,src-test,
club-2010b,2010-09-01,,summit,summit club-2010b,,BBB; CHN; RUS,club,high,src-test,
""",
}


@functools.cache
def small_store() -> Store:
    """The small KB loaded into a fresh store (once per test process; removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="steppe-small-kb-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    kb_dir = folder / "kb"
    kb_dir.mkdir()
    for name, text in FILES.items():
        (kb_dir / name).write_text(text, encoding="utf-8")
    kb = load_kb(kb_dir)
    store = open_store(folder / "small.duckdb")
    atexit.register(store.close)
    tables = {name: store_frame(kb, name) for name in store_kb.KB_TABLES}
    store_kb.replace_kb(store, tables, kb.fingerprint, str(kb_dir), __version__)
    bind_kb(store, kb_dir)
    return store


def small_kb() -> KBFacts:
    """The frameworks' view of the small KB (a fresh one each call; the store is shared)."""
    return KBFacts.load(small_store())
