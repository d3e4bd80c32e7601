"""Shell completion (Typer's) completes country names and record ids, each as one word."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KZAFRICA = Path(sys.executable).with_name("kzafrica")


def _run(env: dict[str, str], tmp_path: Path) -> str:
    done = subprocess.run(
        [str(KZAFRICA)],
        env={**os.environ, **env, "XDG_CACHE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    return done.stdout


def complete(words: str, tmp_path: Path, cword: int | None = None) -> list[str]:
    """What bash gets for word ``cword`` (the last) of ``words`` as typed: a completion a
    line."""
    env = {
        "_KZAFRICA_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(shlex.split(words)) - 1 if cword is None else cword),
    }
    return _run(env, tmp_path).splitlines()


def complete_zsh(words: str, tmp_path: Path) -> list[str]:
    """The words zsh gets for the last of ``words``: Typer prints a call of _arguments,
    "_arguments '*: :((ITEM ITEM))'", that zsh evaluates."""
    env = {"_KZAFRICA_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    call = shlex.split(_run(env, tmp_path))
    assert call[0] == "_arguments"
    spec = call[1]
    assert spec.startswith("*: :((")
    assert spec.endswith("))")
    return shlex.split(spec[len("*: :((") : -len("))")])


def test_country_names_complete(tmp_path: Path) -> None:
    assert complete("kzafrica visits --country Rw", tmp_path) == ["Rwanda"]
    assert "Togo" in complete("kzafrica people --country T", tmp_path)


@pytest.mark.parametrize("typed", ["rw", "RW", "rW", "Rw", "rwan"])
def test_country_names_complete_in_any_case(typed: str, tmp_path: Path) -> None:
    # bash inserts what it gets, whatever was typed
    assert complete(f"kzafrica visits --country {typed}", tmp_path) == ["Rwanda"]
    # zsh keeps only what starts with the typed text, so that text is kept
    assert complete_zsh(f"kzafrica visits --country {typed}", tmp_path) == [
        typed + "Rwanda"[len(typed) :]
    ]


def test_an_alias_completes(tmp_path: Path) -> None:
    assert complete("kzafrica visits --country con", tmp_path) == ["Congo"]
    assert complete("kzafrica visits --country king", tmp_path) == [r"Kingdom\ of\ Morocco"]


@pytest.mark.parametrize("typed", ["Burk", "burk", "Burkina", r"Burkina\ F"])
def test_a_name_with_a_space_completes_as_one_bash_word(typed: str, tmp_path: Path) -> None:
    offered = complete(f"kzafrica people --country {typed}", tmp_path, cword=3)
    assert offered == [r"Burkina\ Faso"]
    assert shlex.split(offered[0]) == ["Burkina Faso"]


@pytest.mark.parametrize("typed", ['"Burk', "'Burkina F"])
def test_in_an_open_quote_a_name_completes_as_it_stands(typed: str, tmp_path: Path) -> None:
    # Readline puts the completion inside the quote, and closes it: '"Burkina Faso"', not
    # '"Burkina\ Faso"' (a backslash inside the quotes).
    offered = complete(f"kzafrica people --country {typed}", tmp_path, cword=3)
    assert offered == ["Burkina Faso"]
    assert shlex.split(typed[0] + offered[0] + typed[0]) == ["Burkina Faso"]


@pytest.mark.parametrize("typed", ["Burk", "burk", r"Burkina\ F"])
def test_a_name_with_a_space_completes_as_one_zsh_word(typed: str, tmp_path: Path) -> None:
    (offered,) = complete_zsh(f"kzafrica people --country {typed}", tmp_path)
    assert offered.casefold() == "burkina faso"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_itself_reads_the_completion_as_one_word(tmp_path: Path) -> None:
    """The real thing: bash runs Typer's completion script, then parses what it offers."""
    script = _run({"_KZAFRICA_COMPLETE": "source_bash"}, tmp_path)
    check = (
        f"{script}\n"
        "COMP_WORDS=(kzafrica people --country Burk); COMP_CWORD=3\n"
        "_kzafrica_completion kzafrica\n"
        'eval "set -- ${COMPREPLY[0]}"\n'
        'printf "%s|" "$#" "$1"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", check],
        env={**os.environ, "PATH": f"{KZAFRICA.parent}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout == "1|Burkina Faso|"


def test_record_ids_complete(tmp_path: Path) -> None:
    assert complete("kzafrica show visit-kag", tmp_path) == [
        "visit-kagame-2015",
        "visit-kagame-2025",
    ]


@pytest.mark.parametrize("typed", ["VISIT-KAG", "Visit-kag"])
def test_record_ids_complete_in_any_case(typed: str, tmp_path: Path) -> None:
    # Ids are lowercase; bash replaces what was typed, zsh keeps the typed text.
    assert complete(f"kzafrica show {typed}", tmp_path) == [
        "visit-kagame-2015",
        "visit-kagame-2025",
    ]
    assert complete_zsh(f"kzafrica show {typed}", tmp_path) == [
        f"{typed}ame-2015",
        f"{typed}ame-2025",
    ]
