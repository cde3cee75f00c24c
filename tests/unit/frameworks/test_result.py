"""The shared result shape and the framework registry."""

from __future__ import annotations

import pytest

from steppe.errors import NotFoundError
from steppe.frameworks import FRAMEWORKS, Evidence, Measure, framework
from steppe.frameworks.result import to_frame


def test_measure_rows_are_flat_with_evidence_last() -> None:
    m = Measure(
        "tone",
        {"actor": "CHN", "doc_id": "d"},
        0.25,
        "positive",
        2,
        "tone:vader:sentences@1",
        (Evidence("segment", "d:0", "", 0.5), Evidence("segment", "d:3", "x", 0.0)),
        {"net": 0.5},
    )
    row = m.to_dict()
    assert list(row) == ["actor", "doc_id", "score", "label", "n", "net", "method", "evidence"]
    assert row["evidence"][1] == {"kind": "segment", "ref": "d:3", "detail": "x", "value": 0.0}
    assert "evidence" not in m.to_dict(evidence=False)
    frame = to_frame([m, m])
    assert frame.shape == (2, 8) and frame.score.tolist() == [0.25, 0.25]


def test_every_registered_framework_has_the_module_contract() -> None:
    for name in FRAMEWORKS:
        module = framework(name)
        assert name == module.NAME and module.TITLE and module.METHOD_VERSION
        assert callable(module.report_section)
    with pytest.raises(
        NotFoundError,
        match="Unknown framework 'hettne'; use one of: ecdpm, li, openness-commitment, regionness, tone",
    ):
        framework("hettne")
