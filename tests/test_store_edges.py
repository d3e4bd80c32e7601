"""The store's last edges: a store is used only under the key of everything that made it
(the article and the code too), a file whose size lies is read no further than the limit,
a store that cannot be opened is set aside, and KZAFRICA_NO_CACHE says what it means."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from helpers import SHIPPED
from typer.testing import CliRunner, Result

from kzafrica.cli import app
from kzafrica.store import access, cache, shipped, stored_facts

ROOT = Path(__file__).resolve().parents[1]
RUNNER = CliRunner()
EDITED = "By 2021, it had surpassed $2 billion"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return RUNNER.invoke(app.app, list(args), env={"COLUMNS": "100", **(env or {})})


def package_copy(tmp_path: Path) -> Path:
    """A copy of the installed package (facts.yaml and facts.db as files), importable from
    the folder returned."""
    site = tmp_path / "site"
    shutil.copytree(
        access.packaged_facts().parent,
        site / "kzafrica",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return site


def edit_article(package: Path) -> None:
    article = package / "sources" / "article.txt"
    text = article.read_text(encoding="utf-8")
    old = "By 2022, it had surpassed $1 billion"
    assert text.count(old) == 1
    article.write_text("A sentence at the top. " + text.replace(old, EDITED), encoding="utf-8")


def kzafrica(site: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(home / "cache")}
    env.pop("KZAFRICA_NO_CACHE", None)
    return subprocess.run(
        [sys.executable, "-m", "kzafrica", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,
    )


# -- the shipped store's key ---------------------------------------------------------------


def test_an_edited_article_is_not_answered_from_the_shipped_store(tmp_path: Path) -> None:
    """The issue's case: the installed package's article edited, facts.db left as it was."""
    site = package_copy(tmp_path)
    edit_article(site / "kzafrica")
    done = kzafrica(site, tmp_path, "--verbose", "trade", "--json")
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert "trade-2022" in done.stderr  # its evidence is no longer in the article
    assert "the shipped store was made from another article" in done.stderr
    assert "Traceback" not in done.stderr
    validated = kzafrica(site, tmp_path, "validate")
    assert validated.returncode == 1


def test_the_shipped_store_is_used_while_everything_matches(tmp_path: Path) -> None:
    site = package_copy(tmp_path)
    done = kzafrica(site, tmp_path, "--verbose", "trade", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing to tell: the shipped store answered
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("part", "told"),
    [
        ("article", "another article"),
        ("code", "other code of kzafrica"),
    ],
)
def test_each_part_of_the_key_is_checked_and_named(
    monkeypatch: pytest.MonkeyPatch, part: str, told: str
) -> None:
    real = cache.context(False)
    monkeypatch.setattr(
        cache,
        "context",
        lambda libraries=True, facts_file=None: {**real, part: real[part] + "-changed"},
    )
    notes: list[str] = []
    facts = access.open_facts(None, notes)
    assert not (isinstance(facts, stored_facts.StoredFacts) and facts.entry is None)
    assert notes == [f"the shipped store was made from {told}; validating the facts"]


def test_the_key_covers_this_pythons_unicode(monkeypatch: pytest.MonkeyPatch) -> None:
    import unicodedata

    before = cache.context()["libraries"]
    assert f"unicode-{unicodedata.unidata_version}" in before
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    assert cache.context()["libraries"] != before


def test_the_shipped_key_leaves_the_library_versions_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped store serves any install whose facts, article and code are the build's:
    other library versions must not send every first run through validation."""
    import unicodedata

    before = shipped.key(b"x")
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    monkeypatch.setattr(cache, "_dependency_versions", lambda: "pydantic-9.9.9.dist-info")
    assert shipped.key(b"x") == before
    assert shipped.key(b"x") != shipped.key(b"y")


def test_the_show_context_follows_the_article_it_is_shown_in(tmp_path: Path) -> None:
    """With only a sentence added at the top, the facts still validate; the offsets must
    be the new article's, not the shipped store's."""
    site = package_copy(tmp_path)
    article = site / "kzafrica" / "sources" / "article.txt"
    article.write_text("A sentence at the top. " + article.read_text("utf-8"), "utf-8")
    done = kzafrica(site, tmp_path, "show", "trade-2022", "--context", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    text = article.read_text("utf-8")
    [span] = record["evidence_at"]
    assert text[span["start"] : span["end"]] == record["evidence"][0]


# -- a file whose size lies ------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/pagemap").exists(), reason="no /proc/self/pagemap")
def test_a_proc_file_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    """/proc/self/pagemap says it is empty and goes on for hundreds of gigabytes."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "kzafrica", "--data", "/proc/self/pagemap", "trade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == "/proc/self/pagemap: is larger than the 64 MiB limit"


class _Endless:
    """A raw file that reports size 0 and never ends (as a /proc file may)."""

    def __init__(self) -> None:
        self.given = 0

    def read(self, size: int) -> bytes:
        self.given += size
        if self.given > 4 * access.MAX_BYTES:  # fail, rather than hang, where unchecked
            raise AssertionError("read far past the limit")
        return b"#" * size


@pytest.mark.parametrize("cached", [True, False])
def test_the_limit_counts_the_bytes_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cached: bool
) -> None:
    """The cache key hashes no further than the limit, and neither does a plain read."""
    endless = _Endless()
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("buffering") != 0:  # not the facts file's reader
            return real_fdopen(fd, *args, **kwargs)
        return _Context(endless)

    monkeypatch.setattr(os, "fdopen", fdopen)
    if not cached:
        monkeypatch.setenv("KZAFRICA_NO_CACHE", "1")
    file = tmp_path / "facts.yaml"
    file.write_text("x", "utf-8")
    result = run("--data", str(file), "trade")
    assert result.exit_code == 1
    assert "is larger than the 64 MiB limit" in result.stderr
    assert endless.given <= access.MAX_BYTES + 2**20  # at most one read past it


class _Context:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def __enter__(self) -> Any:
        return self.raw

    def __exit__(self, *args: object) -> None:
        return None


@pytest.mark.parametrize("cached", [True, False])
def test_a_read_that_would_wait_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cached: bool
) -> None:
    """A non-blocking read with nothing to give returns None (/proc/kmsg, read as root,
    once drained: not tried for real, as reading it takes the kernel's messages away)."""

    class Waiting:
        def read(self, size: int) -> None:
            return None

    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("buffering") != 0:  # not the facts file's reader
            return real_fdopen(fd, *args, **kwargs)
        return _Context(Waiting())

    monkeypatch.setattr(os, "fdopen", fdopen)
    if not cached:
        monkeypatch.setenv("KZAFRICA_NO_CACHE", "1")
    file = tmp_path / "facts.yaml"
    file.write_text(SHIPPED, "utf-8")
    result = run("--data", str(file), "trade")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{file}: cannot read without waiting; name a regular file\n"


# -- a store that cannot be opened ---------------------------------------------------------


def refusing_connect(monkeypatch: pytest.MonkeyPatch, refused: Callable[[str], bool]) -> None:
    real = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if refused(str(database)):
            raise sqlite3.OperationalError("unable to open database file")
        return cast(sqlite3.Connection, real(database, *args, **kwargs))

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_cache_entry_that_cannot_be_opened_is_set_aside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file = tmp_path / "facts.yaml"
    file.write_text(SHIPPED, "utf-8")
    expected = run("--data", str(file), "trade", "--json")
    assert expected.exit_code == 0
    refusing_connect(monkeypatch, lambda name: "mode=ro" in name)
    result = run("--data", str(file), "--verbose", "trade", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    assert "ignored a damaged cache entry (cannot open: unable to open database file)" in (
        result.stderr
    )


def test_a_shipped_store_that_cannot_be_opened_is_set_aside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = run("trade", "--json")
    refusing_connect(monkeypatch, lambda name: "facts.db" in name and "mode=ro" in name)
    result = run("--verbose", "trade", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    assert "the shipped store cannot be used (cannot open:" in result.stderr


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root, to run kzafrica as a user without override rights (setpriv)",
)
def test_an_unreadable_entry_read_by_a_user_without_override_rights(
    request: pytest.FixtureRequest,
) -> None:
    """Mode 000 on an entry of the user's own: SQLite cannot open it, so it is set aside."""
    nobody = 65534
    probe = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    if subprocess.run([*probe, sys.executable, "-c", "pass"], capture_output=True).returncode:
        # e.g. an interpreter whose shared library lies in a folder only root may enter
        pytest.skip("this Python cannot run as the user nobody")
    # Not under pytest's own folder: nobody may not pass through it.
    shared = Path(tempfile.mkdtemp())
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    shared.chmod(0o755)
    site = package_copy(shared)
    home = shared / "home"
    home.mkdir()
    file = home / "facts.yaml"
    file.write_text(SHIPPED, "utf-8")
    for path in [*site.rglob("*"), site]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    os.chown(home, nobody, nobody)
    os.chown(file, nobody, nobody)

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "PYTHONPATH": str(site),
        }
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        return subprocess.run(
            [*command, sys.executable, "-m", "kzafrica", "--data", str(file), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=home,
        )

    first = as_nobody("trade", "--json")
    if first.returncode != 0 and "Permission denied" in first.stderr:
        pytest.skip(f"nobody cannot run this interpreter: {first.stderr.strip()}")
    assert first.returncode == 0, first.stderr
    [entry] = (home / "cache" / "kzafrica").glob("*.db")
    entry.chmod(0)
    again = as_nobody("--verbose", "trade", "--json")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert "Traceback" not in again.stderr
    assert "ignored a damaged cache entry" in again.stderr
    assert entry.stat().st_mode & 0o777 != 0  # set aside, and a good one written anew


# -- KZAFRICA_NO_CACHE -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cached", "told"),
    [
        ("", True, None),
        ("0", True, None),
        ("false", True, None),
        ("No", True, None),
        ("1", False, "no cache: KZAFRICA_NO_CACHE=1 turns it off"),
        ("true", False, "no cache: KZAFRICA_NO_CACHE=true turns it off"),
        ("YES", False, "no cache: KZAFRICA_NO_CACHE=YES turns it off"),
        ("maybe", False, "no cache: KZAFRICA_NO_CACHE='maybe' is not one of"),
    ],
)
def test_kzafrica_no_cache_says_what_it_means(
    tmp_path: Path, value: str, cached: bool, told: str | None
) -> None:
    file = tmp_path / "facts.yaml"
    file.write_text(SHIPPED, "utf-8")
    result = run(
        "--data", str(file), "--verbose", "trade", "--json", env={"KZAFRICA_NO_CACHE": value}
    )
    assert result.exit_code == 0, result.stderr
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "kzafrica"
    assert (folder.exists() and any(folder.glob("*.db"))) == cached
    if told is None:
        assert result.stderr == ""
    else:
        assert result.stderr.startswith(f"kzafrica: {told}")
        assert len(result.stderr.splitlines()) == 1
