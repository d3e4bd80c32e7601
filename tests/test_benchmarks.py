"""The benchmark's synthetic fact files validate under the real model, every kind included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kzafrica.factfile.models import COLLECTIONS
from kzafrica.store import access

ROOT = Path(__file__).resolve().parents[1]


def test_generated_facts_validate_with_every_kind(tmp_path: Path) -> None:
    out = tmp_path / "facts.yaml"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "make_facts.py"),
            "--records",
            "400",
            "-o",
            str(out),
        ],
        check=True,
    )
    dataset = access.validate(str(out), out.read_bytes())
    counts = {key: len(dataset.facts[key]) for key in COLLECTIONS}
    assert all(counts.values()), counts
    assert 300 <= sum(counts.values()) <= 500


def test_the_module_benchmark_patches_what_exists() -> None:
    """benchmarks/modules.py switches modules off by name: every name must still exist, or
    its figures would silently compare a command with itself."""
    import importlib
    import re
    import runpy

    patches = runpy.run_path(str(ROOT / "benchmarks" / "modules.py"))["PATCHES"]
    assert len(patches) == 4
    for patch in patches.values():
        for name, attribute in re.findall(r"(\w+)\.(\w+) = ", patch):
            module = importlib.import_module(f"kzafrica.store.{name}")
            assert callable(getattr(module, attribute)), (name, attribute)
