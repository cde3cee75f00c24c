"""``steppe.texts`` is a package with its public names, imported on first use."""

from __future__ import annotations

import subprocess
import sys

import steppe.texts


def test_every_public_name_resolves_to_its_module() -> None:
    for name in steppe.texts.__all__:
        value = getattr(steppe.texts, name)
        assert value.__module__.startswith("steppe.texts."), name


def test_importing_the_package_loads_no_submodule() -> None:
    code = "import sys, steppe.texts; print(sorted(m for m in sys.modules if m.startswith('steppe.texts.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
