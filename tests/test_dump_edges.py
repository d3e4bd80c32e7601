"""`kzafrica dump` at its edges: the database and its metadata replaced together or not at
all, a failed write is exit 74 (a name that cannot be written stays a usage error), a
trailing slash names a folder, and the Datasette hint can be pasted into a shell (and gives a
big dump's facets the time they take)."""

from __future__ import annotations

import errno
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from clirun import one_line_error, run
from typer.testing import CliRunner

from kzafrica.store import dump

RUNNER = CliRunner()
OLD_DB, OLD_META = b"the old database", b'{"old": true}'


@pytest.fixture
def old_pair(tmp_path: Path) -> Path:
    """A folder holding an earlier dump, x.db and x.metadata.json."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "x.db").write_bytes(OLD_DB)
    (folder / "x.metadata.json").write_bytes(OLD_META)
    return folder


def untouched(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["x.db", "x.metadata.json"]
    assert (folder / "x.db").read_bytes() == OLD_DB
    assert (folder / "x.metadata.json").read_bytes() == OLD_META


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


def test_an_immutable_database_leaves_its_metadata_as_it_was(old_pair: Path) -> None:
    """The issue's case: `chattr +i x.db`, then `dump x.db --force`."""
    target = old_pair / "x.db"
    if not _chattr("+i", target):
        pytest.skip("chattr +i is not allowed here (needs root and a file system with it)")
    try:
        line = one_line_error(run("dump", str(target), "--force"), 74)
    finally:
        _chattr("-i", target)
    assert f"cannot write {target}" in line
    untouched(old_pair)


@pytest.mark.parametrize("failing", ["x.db", "x.metadata.json"])
def test_the_pair_is_replaced_together_or_not_at_all(
    old_pair: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    real = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(target).name == failing and Path(source).suffix == ".tmp":
            raise PermissionError(errno.EPERM, "Operation not permitted")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    line = one_line_error(run("dump", str(old_pair / "x.db"), "--force"), 74)
    assert line.endswith("Operation not permitted")
    untouched(old_pair)


def test_a_new_pair_that_fails_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace, real_link = os.replace, os.link

    def replace(source: Any, target: Any) -> None:
        if Path(target).name == "x.metadata.json":
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)

    def link(source: Any, target: Any, **options: Any) -> None:
        if Path(target).name == "x.metadata.json":
            raise OSError(errno.EIO, "Input/output error")
        real_link(source, target, **options)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", link)  # a new pair is placed with links (no --force)
    one_line_error(run("dump", str(tmp_path / "x.db")), 74)
    assert not (tmp_path / "x.db").exists()
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
@pytest.mark.parametrize("name", ["x.json", "x.db"])
def test_a_failed_write_is_exit_74(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, told: str, name: str
) -> None:
    def fail(path: Path, data: Any) -> None:
        raise error

    monkeypatch.setattr(dump, "_write_json", fail)
    out = tmp_path / "out"
    out.mkdir()
    line = one_line_error(run("dump", str(out / name)), 74)
    assert line == f"kzafrica: cannot write {out / name}: {told}"
    assert list(out.iterdir()) == []


def test_a_missing_folder_stays_a_usage_error(tmp_path: Path) -> None:
    line = one_line_error(run("dump", str(tmp_path / "no" / "x.db")), 2)
    assert "no folder" in line


@pytest.mark.parametrize("name", ["x.db/", "x.json/", "x.sqlite/"])
def test_a_trailing_slash_names_a_folder(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    line = one_line_error(run("dump", f"{out}/{name}"), 2)
    assert "names a folder" in line
    assert list(out.iterdir()) == []


def test_the_datasette_hint_is_shell_quoted(tmp_path: Path) -> None:
    folder = tmp_path / "my dumps; $(echo no)"
    folder.mkdir()
    target = folder / "it's.db"
    result = run("dump", str(target))
    assert result.exit_code == 0, result.stderr
    hint = result.stderr.strip().split("; browse with: ", 1)[1]
    assert shlex.split(hint) == [
        "datasette",
        str(target),
        "--metadata",
        str(folder / "it's.metadata.json"),
    ]


@pytest.mark.parametrize("name", ["x.json", "x.db", "x.metadata.json"])
def test_a_file_made_while_the_dump_is_written_is_never_replaced_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # The check for an existing file came before the writing, and a rename after it: a
    # file made meanwhile (by hand, or by a second dump) was replaced without --force.
    target = "x.json" if name == "x.json" else "x.db"
    real = dump._write_json

    def made_meanwhile(path: Path, data: Any) -> None:
        (tmp_path / name).write_text("my precious data")
        real(path, data)

    monkeypatch.setattr(dump, "_write_json", made_meanwhile)
    result = run("dump", str(tmp_path / target))
    one_line_error(result, 2)
    assert f"{tmp_path / name} exists; add --force to replace it" in result.stderr
    assert (tmp_path / name).read_text() == "my precious data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_big_dump_gives_datasette_the_time_its_facets_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The facet by article reads every row's array: at 100,000 records it takes longer
    # than Datasette's 200 ms for a facet, and would be left out.
    monkeypatch.setattr(dump, "count", lambda dataset: 100_000)
    result = run("dump", str(tmp_path / "x.db"))
    assert result.exit_code == 0, result.stderr
    hint = shlex.split(result.stderr.strip().split("; browse with: ", 1)[1])
    assert hint[-3:] == ["--setting", "facet_time_limit_ms", "2000"]
