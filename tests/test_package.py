"""The wheel carries the facts and the article, and runs from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("kzafrica-*.whl")
    return found


def test_wheel_contains_the_facts_the_article_and_the_type_marker(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"kzafrica/facts.yaml", "kzafrica/sources/article.txt", "kzafrica/py.typed"} <= names
        assert archive.read("kzafrica/facts.yaml") == (ROOT / "facts.yaml").read_bytes()
        # The prevalidated access, so that a first run needs neither pydantic nor PyYAML.
        assert archive.read("kzafrica/facts.db") == (ROOT / "kzafrica" / "facts.db").read_bytes()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "kzafrica = kzafrica.cli.entry:run" in archive.read(entry_points).decode()


def test_unpacked_wheel_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kzafrica", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    checked = run("validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: ")
    visits = run("visits", "--country", "Rwanda", "--json")
    assert visits.returncode == 0, visits.stderr
    assert {v["id"] for v in json.loads(visits.stdout)} >= {"visit-kagame-2025"}
    located = run("--version")
    assert located.stdout.strip().startswith("kzafrica ")


def test_the_maintainers_editable_install_reads_the_repository_facts() -> None:
    """After the README's set-up (an editable install), kzafrica reads the repository's own
    facts.yaml, so a maintainer's edit shows at once (the shipped store is then not used:
    tests/test_cache.py shows that an edited facts.yaml is validated instead)."""
    from kzafrica.store import access

    packaged = access.packaged_facts().resolve()
    if packaged.parent.parent != ROOT:
        pytest.skip("kzafrica is not installed from this clone in editable mode")
    assert packaged == (ROOT / "facts.yaml").resolve()
