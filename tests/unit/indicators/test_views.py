"""Trade views: which party's report of a flow is used."""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.errors import UsageError
from steppe.indicators.views import directed_flows


@pytest.fixture
def reports() -> pd.DataFrame:
    rows = [
        (2000, "KAZ", "CHN", "exporter", 100.0),
        (2000, "KAZ", "CHN", "importer", 110.0),  # China's report of the same flow (CIF)
        (2000, "TKM", "CHN", "importer", 50.0),  # TKM does not report: only the mirror exists
        (2000, "KAZ", "KAZ", "exporter", 5.0),  # self flow, dropped
        (2000, "UZB", "KAZ", "reconciled", 7.0),
        (2000, "KAZ", "WLD", "exporter", 900.0),  # a world total, not a partner: dropped
    ]
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "reporter", "value_usd"])


def value(frame, e, i):
    sel = frame[(frame["exporter"] == e) & (frame["importer"] == i)]
    return None if sel.empty else float(sel["value"].iloc[0])


def test_views(reports):
    ex = directed_flows(reports, "exports")
    assert value(ex, "KAZ", "CHN") == 100 and value(ex, "TKM", "CHN") is None and len(ex) == 1
    im = directed_flows(reports, "imports")
    assert value(im, "KAZ", "CHN") == 110 and value(im, "TKM", "CHN") == 50
    mirror = directed_flows(reports, "mirror")
    assert value(mirror, "KAZ", "CHN") == 100 and value(mirror, "TKM", "CHN") == 50
    assert value(mirror, "UZB", "KAZ") == 7 and len(mirror) == 3  # reconciled as the last fallback
    rec = directed_flows(reports, "reconciled")
    assert value(rec, "UZB", "KAZ") == 7 and len(rec) == 1


def test_unknown_view(reports):
    with pytest.raises(UsageError, match="Unknown trade view"):
        directed_flows(reports, "best")
