"""The command line's last edges, through Typer's CliRunner: an option of kzafrica itself
given after the command, a --sort value that is an option, a huge name echoed back, and a
Ctrl-C that a library wrapped in an exception of its own."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from helpers import SHIPPED
from typer.testing import CliRunner, Result

from kzafrica.cli import app, streams
from kzafrica.store import access

RUNNER = CliRunner()


def run(*args: str) -> Result:
    return RUNNER.invoke(app.app, list(args), env={"COLUMNS": "100"})


def said(code: int, *args: str) -> str:
    """Run; expect exit ``code``, nothing on stdout, one plain line on stderr (given)."""
    result = run(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- an option of kzafrica itself after the command ----------------------------------------


@pytest.mark.parametrize(
    ("args", "option", "example"),
    [
        (["trade", "--data", "f.yaml"], "--data", "kzafrica --data FILE trade ..."),
        (["visits", "-c", "Rwanda", "--data=f.yaml"], "--data", "kzafrica --data FILE visits ..."),
        (["people", "--json", "--verbose"], "--verbose", "kzafrica --verbose people ..."),
        (["summary", "--version"], "--version", "kzafrica --version summary ..."),
    ],
)
def test_an_option_of_kzafrica_after_the_command_says_where_it_goes(
    args: list[str], option: str, example: str
) -> None:
    # Click said only "No such option: --data".
    line = said(2, *args)
    assert line == (
        f"kzafrica: {option} is an option of kzafrica itself: put it before the command ({example})"
    )


def test_an_unknown_option_is_still_unknown() -> None:
    assert "No such option: --dta" in said(2, "trade", "--dta", "f.yaml")


# -- --sort ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("--amount", "--amount"), ("---amount", "---amount"), ("date,--amount", "--amount")],
)
def test_a_sort_field_that_looks_like_an_option_is_refused(value: str, shown: str) -> None:
    # `--sort --amount` and `--sort ---amount` sorted by amount, descending.
    for args in (["trade", "--sort", value], [f"--sort={value}", "trade"][::-1]):
        line = said(2, *args)
        assert f"--sort got '{shown}', which looks like an option" in line
        assert "-FIELD for descending" in line


def test_a_descending_sort_is_still_one_dash() -> None:
    result = run("trade", "--sort", "-amount", "--json")
    assert result.exit_code == 0, result.stderr
    assert '"trade-2022"' in result.stdout


# -- names echoed back -------------------------------------------------------------------------

LONG = "a" * 130_000


@pytest.mark.parametrize(
    ("args", "end"),
    [
        (["--data", LONG, "trade"], ": cannot open: File name too long"),
        (["validate", LONG + ".yaml"], ".yaml: cannot open: File name too long"),
        (["dump", LONG], ": name the file .db or .sqlite (SQLite) or .json"),
        (["dump", LONG + ".db"], ".db: File name too long"),
    ],
)
def test_a_huge_name_is_not_echoed_whole(args: list[str], end: str) -> None:
    # A 130,000-character --data or dump name came back whole on stderr.
    result = run(*args)
    assert result.exit_code in (1, 2, 74), result.stderr  # 74: a dump that cannot be written
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert len(line) == streams.LINE
    assert line.endswith(end), line[-100:]
    assert "a" * 100 + "…" + "a" * 100 in line  # the name's start and end


def test_shortened_keeps_the_start_and_the_end() -> None:
    assert streams.shortened("abcdefghij", 7) == "abc…hij"
    assert streams.shortened("abcdefghij", 8) == "abc…ghij"
    assert streams.shortened("abcdefghij", 10) == "abcdefghij"


# -- a Ctrl-C wrapped by a library ---------------------------------------------------------


def test_a_wrapped_ctrl_c_is_an_interruption(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C while pydantic built its models surfaced as its own error, with a traceback.
    def wrapped(*args: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("Error calling __set_name__ on 'PydanticDescriptorProxy'")  # noqa: B904

    monkeypatch.setattr(access, "validate", wrapped)
    assert said(130, "validate") == "kzafrica: interrupted"


class _Panic(BaseException):
    """What pydantic-core raises when a Ctrl-C stops its own import of datetime."""


def test_anything_raised_after_a_signal_is_the_interruption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def panics(*args: object) -> None:
        streams.interruption.signum = signal.SIGTERM  # as the handler notes it
        raise _Panic("failed to import `datetime` C API")

    monkeypatch.setattr(access, "validate", panics)
    assert said(143, "validate") == "kzafrica: terminated"


def test_any_other_failure_is_not_taken_for_one(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object) -> None:
        raise RuntimeError("a real bug")

    monkeypatch.setattr(access, "validate", fails)
    with pytest.raises(RuntimeError, match="a real bug"):
        RUNNER.invoke(app.app, ["validate"], catch_exceptions=False)


def test_an_id_typed_in_another_encoding_is_unknown_and_the_store_kept(tmp_path: Path) -> None:
    # `show $'caf\xe9'` (Latin-1 bytes, read as a lone surrogate) was a StoreCorrupt
    # traceback, and with --data the healthy cache entry was thrown away first.
    data = tmp_path / "facts.yaml"
    data.write_text(SHIPPED, encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert CliRunner().invoke(app.app, ["--data", str(data), "trade"], env=env).exit_code == 0
    for args in (["show", "caf\udce9"], ["show", "caf\udce9", "--json"]):
        result = CliRunner().invoke(app.app, ["--verbose", "--data", str(data), *args], env=env)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr == "kzafrica: unknown id 'caf\\udce9'; list ids with kzafrica search\n"


def test_a_dump_name_in_another_encoding_is_a_usage_error(tmp_path: Path) -> None:
    # `dump $'\xff.db'` ended in a UnicodeEncodeError traceback writing the metadata.
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(app.app, ["dump", str(out / "\udcff.db")])
    assert result.exit_code == 2, result.output
    assert result.stderr == "kzafrica: the file name is not UTF-8; name the file in UTF-8\n"
    assert list(out.iterdir()) == []


def test_an_id_in_capitals_gets_the_suggestions_its_lower_case_gets() -> None:
    # `show KAGAME` suggested nothing where `show kagame` suggested paul-kagame.
    upper = CliRunner().invoke(app.app, ["show", "KAGAME"])
    lower = CliRunner().invoke(app.app, ["show", "kagame"])
    assert upper.exit_code == lower.exit_code == 2
    assert "did you mean" in lower.stderr
    assert upper.stderr == lower.stderr.replace("'kagame'", "'KAGAME'")
