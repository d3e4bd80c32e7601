"""The command line's last edges, through Typer's CliRunner: a Ctrl-C that a library
wrapped in an exception of its own."""

from __future__ import annotations

import signal

import pytest
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
