"""The indexed store as cache and as shipped data: same answers as validation, and never
trusted. Every tampering case ends with the correct answer."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import LIST_COMMANDS, SHIPPED
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile.errors import DataError
from kzafrica.store import access, sqlite_store, stored_facts

ROOT = Path(__file__).resolve().parents[1]
RUNNER = CliRunner()
TRADE_2024 = 783_000_000

# Every query command, with arguments that exercise its filters and the store's indexes.
# Every list command with its registry sample, then questions that narrow the answers.
QUESTIONS: list[list[str]] = [[name, *args] for name, args in LIST_COMMANDS.items()] + [
    ["articles"],
    ["visits", "--country", "Rwanda"],
    ["visits", "--country", "Kazakhstan", "--since", "2025"],
    ["visits", "--country", "Kenya"],
    ["exports", "--country", "Morocco"],
    ["people", "--country", "Burkina Faso"],
    ["quotes", "--speaker", "kagame"],
    ["events", "--country", "Rwanda"],
    ["events", "--kind", "quote", "--since", "2025-05"],
    ["visits", "--from", "Kazakhstan"],
    ["visits", "--to", "Kazakhstan", "--since", "2025", "--certain"],
    ["visits", "--sort", "-date", "--limit", "3"],
    ["show", "paul-kagame"],
    ["show", "rwanda"],
    ["summary"],
]
NOT_QUERIES = {"validate", "schema", "dump", "article"}


def ask(args: list[str], data: str | None = None, env: dict[str, str] | None = None) -> str:
    """One command's JSON output; it must succeed."""
    argv = (["--data", data] if data else []) + [*args, "--json"]
    result = RUNNER.invoke(app.app, argv, env=env or {})
    assert result.exit_code == 0, (argv, result.output)
    return result.stdout


def entries(root: Path) -> list[Path]:
    folder = root / "kzafrica"
    found = folder.glob("*.db") if folder.is_dir() else []
    return sorted(p for p in found if not p.name.startswith("."))


@pytest.fixture
def root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    where = tmp_path / "cache-root"
    monkeypatch.setenv("XDG_CACHE_HOME", str(where))
    return where


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(SHIPPED, "utf-8")
    return path


def trade_2024(path: Path) -> int:
    rows = json.loads(ask(["trade"], str(path)))
    [row] = [r for r in rows if r["id"] == "trade-2024"]
    value: int = row["amount"]["value"]
    return value


def edit(entry: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(entry)
    with conn:
        conn.execute(sql, args)
    conn.close()


# -- the same answers ------------------------------------------------------------------


def test_every_query_command_is_compared() -> None:
    names = {
        c.name or (c.callback.__name__ if c.callback else "") for c in app.app.registered_commands
    }
    assert names - NOT_QUERIES <= {q[0] for q in QUESTIONS}


@pytest.mark.parametrize("args", QUESTIONS, ids=" ".join)
def test_stored_answers_are_byte_identical_to_validated_ones(
    root: Path, copy: Path, args: list[str]
) -> None:
    from_shipped_store = ask(args)
    validated = ask(args, str(copy), env={"KZAFRICA_NO_CACHE": "1"})
    first_run = ask(args, str(copy))  # validates, writes the cache
    assert len(entries(root)) == 1
    from_cache = ask(args, str(copy))
    assert from_shipped_store == validated == first_run == from_cache


def test_a_generated_file_answers_the_same_from_the_store(root: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "--records=600", f"-o{big}"],
        check=True,
    )
    ids = [r["id"] for r in json.loads(ask(["visits"], str(big)))]
    for args in [*(q for q in QUESTIONS if q[0] != "show"), ["show", ids[0]], ["show", "rwanda"]]:
        validated = ask(args, str(big), env={"KZAFRICA_NO_CACHE": "1"})
        assert ask(args, str(big)) == validated, args


def test_the_warm_path_never_validates(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(["visits"], str(copy))

    def no_validation(file: str, data: bytes) -> None:
        raise AssertionError("validated again instead of using the store")

    monkeypatch.setattr(access, "validate", no_validation)
    ask(["visits", "--country", "Rwanda"], str(copy))
    ask(["visits"])  # the shipped store


# -- the shipped store -------------------------------------------------------------------


def test_an_edited_facts_yaml_is_validated_not_served_stale(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root: Path
) -> None:
    # An editable install, where a maintainer changed facts.yaml but not facts.db.
    package = tmp_path / "package"
    package.mkdir()
    edited = package / "facts.yaml"
    edited.write_text(SHIPPED + "\n# an edit\n", "utf-8")
    monkeypatch.setattr(access, "packaged_facts", lambda: edited)
    notes: list[str] = []
    facts = access.open_facts(None, notes)
    assert not isinstance(facts, stored_facts.StoredFacts) or facts.entry is not None
    assert "the shipped store was made from another facts.yaml; validating the facts" in notes
    assert len(entries(root)) == 1  # validated once, then served from the cache
    # and the change itself shows
    edited.write_text(SHIPPED.replace("dateline: Astana", "dateline: Almaty"), "utf-8")
    assert access.open_facts(None).article()["dateline"] == "Almaty"


# -- tampering ---------------------------------------------------------------------------


def test_an_edited_record_is_not_served(root: Path, copy: Path) -> None:
    assert trade_2024(copy) == TRADE_2024
    [entry] = entries(root)
    edit(
        entry,
        "UPDATE kz_records SET body = replace(body, ?, ?) WHERE id = 'trade-2024'",
        str(TRADE_2024),
        "999",
    )
    assert trade_2024(copy) == TRADE_2024
    assert trade_2024(copy) == TRADE_2024  # and the entry was replaced by a good one


def test_terminal_sequences_written_into_an_entry_never_reach_the_output(
    root: Path, copy: Path
) -> None:
    ask(["people"], str(copy))
    [entry] = entries(root)
    edit(
        entry,
        "UPDATE kz_records SET body = replace(body, 'Paul Kagame', ?) WHERE id = 'paul-kagame'",
        "\x1b]0;owned\x07\x1b[31mPaul\u202eKagame",
    )
    for fmt in ("table", "csv", "json"):
        result = RUNNER.invoke(app.app, ["--data", str(copy), "people", "--format", fmt])
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout
        assert "\u202e" not in result.stdout
        assert "Paul Kagame" in result.stdout


@pytest.mark.parametrize(
    "damage",
    [
        "DELETE FROM kz_records WHERE id = 'trade-2024'",
        "DELETE FROM kz_collections WHERE collection = 'trade'",
        "DELETE FROM kz_meta",
        "UPDATE kz_collections SET ids = '[]' WHERE collection = 'trade'",
        "UPDATE kz_links SET referrers = '{}' WHERE id = 'rwanda'",
        "DELETE FROM kz_links WHERE id = 'rwanda'",
        "UPDATE kz_records SET linked = '0' WHERE id = 'rwanda'",
        "UPDATE kz_links SET mentions = '{\"visits\": []}' WHERE id = 'rwanda'",
        "UPDATE kz_records SET body = '[]' WHERE id = 'trade-2024'",
        "UPDATE kz_meta SET body = '{}'",
        "DROP TABLE kz_records",
        # Text that is not UTF-8 (found by the property below): Python cannot decode it.
        "UPDATE kz_records SET body = CAST(X'7bdf22' AS TEXT) WHERE id = 'trade-2024'",
        "CREATE VIEW kz_extra AS SELECT 1",
        "CREATE TRIGGER kz_t AFTER INSERT ON kz_meta BEGIN SELECT 1; END",
    ],
)
def test_a_damaged_entry_is_never_believed(root: Path, copy: Path, damage: str) -> None:
    expected = ask(["visits", "--country", "Rwanda"], str(copy))
    expected_trade = ask(["trade"], str(copy))
    [entry] = entries(root)
    edit(entry, damage)
    assert ask(["visits", "--country", "Rwanda"], str(copy)) == expected
    assert ask(["trade"], str(copy)) == expected_trade


def test_a_damaged_entry_found_by_a_dump_is_set_aside(root: Path, copy: Path) -> None:
    # access.load (dump, article) takes the same road as the queries: the damaged entry is
    # discarded and the facts validated again, and a good entry takes its place.
    expected = access.load(str(copy))
    [entry] = entries(root)
    damage = "DELETE FROM kz_records WHERE id = 'trade-2024'"
    edit(entry, damage)
    assert access.load(str(copy)) == expected
    with contextlib.closing(sqlite3.connect(entry)) as conn:
        assert conn.execute("SELECT 1 FROM kz_records WHERE id = 'trade-2024'").fetchall()
    edit(entry, damage)  # and the command itself
    out = copy.parent / "out.db"
    result = RUNNER.invoke(app.app, ["--data", str(copy), "dump", str(out)])
    assert result.exit_code == 0, result.stderr
    with contextlib.closing(sqlite3.connect(out)) as conn:
        assert conn.execute("SELECT 1 FROM kz_records WHERE id = 'trade-2024'").fetchall()


@pytest.mark.parametrize("cut", [0, 1, 100, 4096, -1])
def test_a_truncated_entry_is_ignored(root: Path, copy: Path, cut: int) -> None:
    expected = ask(["visits"], str(copy))
    [entry] = entries(root)
    data = entry.read_bytes()
    entry.write_bytes(data[: cut if cut >= 0 else len(data) // 2])
    assert ask(["visits"], str(copy)) == expected


def run_with_timeout(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzafrica", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "link-to-good-entry", "directory"])
def test_an_entry_that_is_no_regular_file_neither_hangs_nor_is_read(
    root: Path, copy: Path, tmp_path: Path, kind: str
) -> None:
    expected = ask(["trade"], str(copy))
    [entry] = entries(root)
    good = tmp_path / "elsewhere.db"
    entry.rename(good)
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "dev-zero":
        entry.symlink_to("/dev/zero")
    elif kind == "link-to-good-entry":
        entry.symlink_to(good)
    else:
        entry.mkdir()
    done = run_with_timeout(["--data", str(copy), "trade", "--json"], {"XDG_CACHE_HOME": str(root)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert "Traceback" not in done.stderr
    assert good.read_bytes()  # a link's target is never touched
    if kind != "directory":
        assert not entry.is_symlink()


@pytest.mark.skipif(os.getuid() != 0, reason="changing a file's owner needs root")
def test_an_entry_owned_by_another_user_is_ignored(root: Path, copy: Path) -> None:
    expected = ask(["trade"], str(copy))
    [entry] = entries(root)
    edit(entry, "UPDATE kz_records SET body = replace(body, '783000000', '999')")
    os.chown(entry, 65534, 65534)
    assert ask(["trade"], str(copy)) == expected


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o722])
def test_a_shared_cache_directory_is_not_used(root: Path, copy: Path, mode: int) -> None:
    folder = root / "kzafrica"
    folder.mkdir(parents=True)
    folder.chmod(mode)
    expected = ask(["trade"], str(copy), env={"KZAFRICA_NO_CACHE": "1"})
    quiet = RUNNER.invoke(app.app, ["--data", str(copy), "trade", "--json"])
    assert quiet.stdout == expected
    assert quiet.stderr == ""
    told = RUNNER.invoke(app.app, ["--verbose", "--data", str(copy), "trade", "--json"])
    assert told.stdout == expected
    assert told.stderr.count("\n") == 1
    assert "not private" in told.stderr
    assert list(folder.iterdir()) == []


def test_a_symlinked_cache_directory_is_not_used(root: Path, copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "somewhere"
    target.mkdir(mode=0o700)
    root.mkdir()
    (root / "kzafrica").symlink_to(target)
    ask(["trade"], str(copy))
    assert list(target.iterdir()) == []


@pytest.mark.skipif(os.getuid() != 0, reason="changing a directory's owner needs root")
def test_a_cache_directory_of_another_user_is_not_used(root: Path, copy: Path) -> None:
    folder = root / "kzafrica"
    folder.mkdir(parents=True, mode=0o700)
    os.chown(folder, 65534, 65534)
    ask(["trade"], str(copy))
    assert list(folder.iterdir()) == []


def test_a_new_cache_directory_is_private(root: Path, copy: Path) -> None:
    ask(["trade"], str(copy))
    assert (root / "kzafrica").stat().st_mode & 0o777 == 0o700
    [entry] = entries(root)
    assert entry.stat().st_mode & 0o777 == 0o600


def test_a_planted_temporary_file_link_is_never_followed(
    root: Path, copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", "utf-8")
    folder = root / "kzafrica"
    folder.mkdir(parents=True, mode=0o700)
    (folder / ".tmp-planted.db").symlink_to(outside)
    names = iter(["planted", "planted", "fresh"])
    monkeypatch.setattr("tempfile._get_candidate_names", lambda: names)
    ask(["trade"], str(copy))
    assert outside.read_text("utf-8") == "keep me"
    assert len(entries(root)) == 1


def test_an_interrupted_write_leaves_nothing(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sqlite_store.write

    def interrupted(conn: sqlite3.Connection, *args: object, **kwargs: object) -> None:
        real(conn, *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(sqlite_store, "write", interrupted)
    result = RUNNER.invoke(app.app, ["--data", str(copy), "trade", "--json"])
    assert result.exit_code == 130
    assert result.stdout == ""
    assert list((root / "kzafrica").iterdir()) == []


def test_a_failed_write_still_answers(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refused)
    assert trade_2024(copy) == TRADE_2024
    assert entries(root) == []


def test_the_first_run_answers_from_the_store_it_writes(root: Path, copy: Path) -> None:
    """The records are never built as objects for the whole file: the rows go to the
    access, and the answer comes from it, as on every later run."""
    notes: list[str] = []
    facts = access.open_facts(str(copy), notes)
    assert isinstance(facts, stored_facts.StoredFacts)
    assert facts.entry is not None
    assert entries(root) == [facts.entry]
    assert notes == []


def test_a_store_unreadable_once_written_still_answers(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(*args: object) -> None:
        raise stored_facts.StoreCorrupt("unreadable")

    monkeypatch.setattr(access, "_open", damaged)
    notes: list[str] = []
    facts = access.open_facts(str(copy), notes)
    assert not isinstance(facts, stored_facts.StoredFacts)
    assert trade_2024(copy) == TRADE_2024
    assert notes == ["could not write the cache: unreadable"]


def test_a_broken_file_takes_the_fast_path_once(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cache on, a file the fast path refuses goes straight the reference way."""
    from kzafrica.store import firstrun

    copy.write_text(SHIPPED.replace("  dateline: Astana", "  dateline: 7"), "utf-8")
    tries: list[str] = []

    def spy(name: str) -> Any:
        real = getattr(firstrun, name)

        def tried(*args: Any) -> Any:
            tries.append(name)
            return real(*args)

        return tried

    for name in ("rows", "check"):
        monkeypatch.setattr(firstrun, name, spy(name))
    with pytest.raises(DataError, match="valid string"):
        access.open_facts(str(copy))
    assert tries == ["rows"]
    assert entries(root) == []


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_no_cache_without_an_absolute_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, copy: Path, home: str
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", home)
    monkeypatch.chdir(tmp_path)
    assert trade_2024(copy) == TRADE_2024
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml"]


def test_a_relative_xdg_cache_home_falls_back_to_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, copy: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "rel")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    ask(["trade"], str(copy))
    assert not (tmp_path / "rel").exists()
    assert len(entries(tmp_path / "home" / ".cache")) == 1


def test_no_cache_writes_nothing(root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KZAFRICA_NO_CACHE", "1")
    ask(["trade"], str(copy))
    assert not root.exists()


def test_an_invalid_file_is_never_cached(root: Path, copy: Path) -> None:
    copy.write_text(SHIPPED.replace("dateline: Astana", "dateline: 7"), "utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            access.open_facts(str(copy))
    assert entries(root) == []


def test_an_edited_file_gets_a_new_entry(root: Path, copy: Path) -> None:
    assert access.open_facts(str(copy)).article()["dateline"] == "Astana"
    copy.write_text(SHIPPED.replace("dateline: Astana", "dateline: Almaty"), "utf-8")
    assert access.open_facts(str(copy)).article()["dateline"] == "Almaty"
    assert len(entries(root)) == 2


def test_store_corruption_is_never_a_traceback(
    root: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(["visits"], str(copy))
    [entry] = entries(root)
    entry.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = RUNNER.invoke(app.app, ["--data", str(copy), "visits", "--country", "Rwanda"])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
