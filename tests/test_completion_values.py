"""Tab completes every option that takes a known value (issue #18): countries, speakers,
record ids, kinds, statuses, formats, and --fields/--sort with dotted paths, lists and
`-` for descending; inside an open quote and in the `--option=value` form as well; and
never prints a traceback, not even over a damaged store (issue #17, item 4).

Most tests ask the completion class the way bash's script does (COMP_WORDS joined with
newlines, COMP_CWORD), in-process for speed; a few run the real process, and one a real
bash under tmux."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from helpers import SHIPPED
from typer._click.shell_completion import CompletionItem

from kzafrica.cli import app, completion

KZAFRICA = Path(sys.executable).with_name("kzafrica")
GROUP = typer.main.get_command(app.app)
COMMANDS = GROUP.commands  # type: ignore[attr-defined]

# Parameters that take free text, a number, a date or a file name: nothing to offer.
FREE = {"since", "until", "limit", "contains", "words", "path", "file", "data"}


def bash(*words: str, cword: int | None = None) -> list[str]:
    """What bash gets, a completion a line, for word ``cword`` (the last) of ``words``,
    each as bash splits the line (`--country=R` is `--country`, `=`, `R`)."""
    os.environ["_KZAFRICA_COMPLETE"] = "complete_bash"
    os.environ["COMP_WORDS"] = "\n".join(["kzafrica", *words])
    os.environ["COMP_CWORD"] = str(len(words) if cword is None else cword)
    try:
        shell = completion.BashCompletion(GROUP, {}, "kzafrica", "_KZAFRICA_COMPLETE")
        out = shell.complete()
    finally:
        for name in ("_KZAFRICA_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
            del os.environ[name]
    return out.splitlines()


def valued() -> list[tuple[str, str]]:
    """(command, option or argument) for every parameter that takes a known value."""
    return [
        (name, param.opts[0] if param.param_type_name == "option" else "")
        for name, command in COMMANDS.items()
        for param in command.params
        if not getattr(param, "is_flag", False) and param.name not in FREE
    ]


@pytest.mark.parametrize(("command", "option"), valued())
def test_every_option_with_known_values_completes(command: str, option: str) -> None:
    words = [command, option] if option else [command]
    offered = bash(*words, "")
    assert offered, f"{command} {option} offers nothing: bash falls back to file names"
    if not option:
        return
    # --option=value: bash splits it at the `=`, and the offers are the same
    assert bash(command, option, "=") == offered
    first = offered[0].replace("\\", "")
    assert first in [o.replace("\\", "") for o in bash(command, option, "=", first[:1])]
    # inside an open quote: the name as it stands (readline closes the quote)
    assert first in bash(command, option, '"' + first[:2])


def test_every_option_is_walked() -> None:
    walked = set(valued())
    assert {("visits", "--status"), ("quotes", "--speaker"), ("events", "--kind")} <= walked
    assert {
        ("visits", "--fields"),
        ("visits", "--sort"),
        ("show", ""),
        ("trade", "--format"),
    } <= walked


def test_a_name_with_a_space_in_an_open_quote_is_not_escaped() -> None:
    assert bash("visits", "--country", '"Burkina') == ["Burkina Faso"]
    assert bash("visits", "--country", "'Burkina F") == ["Burkina Faso"]
    assert bash("visits", "--country", "=", '"Burk') == ["Burkina Faso"]
    assert bash("visits", "--country", r"Burkina\ F") == [r"Burkina\ Faso"]


def test_the_option_equals_value_form_completes_values_not_files() -> None:
    assert bash("visits", "--country", "=", "Rw") == ["Rwanda"]
    assert bash("visits", "--status", "=", "pl") == ["planned"]
    assert bash("visits", "--sort", "=", "-da") == ["-date"]
    # and the options after it still read the line right
    assert bash("visits", "--country", "=", "Rwanda", "--from", "Kaz") == ["Kazakhstan"]


def test_fields_complete_with_dotted_paths_and_lists() -> None:
    offered = bash("visits", "--fields", "")
    assert {"id", "date", "place", "place.id", "place.name", "origin.name"} <= set(offered)
    assert offered.index("place") < offered.index("place.name")
    assert bash("visits", "--fields", "id,dest") == [
        "id,destination",
        "id,destination.id",
        "id,destination.name",
        "id,destination.code",
    ]
    assert "in_window" in offered  # the command's own fields too
    assert "matched" in bash("search", "kagame", "--fields", "")


def test_sort_completes_each_field_both_ways() -> None:
    offered = bash("trade", "--sort", "")
    assert {"date", "-date", "amount.value", "-amount.value"} <= set(offered)
    assert bash("visits", "--sort", "-da") == ["-date"]
    assert bash("visits", "--sort", "status,-da") == ["status,-date"]


def test_speakers_complete_as_ids_that_speaker_takes() -> None:
    assert bash("quotes", "--speaker", "") == ["paul-kagame", "aibek-smadiyarov"]
    assert bash("quotes", "--speaker", "kag") == ["paul-kagame"]
    assert bash("statements", "--speaker", "") == ["aibek-smadiyarov"]


def test_kinds_statuses_and_country_ids_complete() -> None:
    assert bash("events", "--kind", "vi") == ["visit"]
    assert bash("visits", "--status", "") == ["held", "planned"]
    assert bash("visits", "--country", "burkina-") == [r"Burkina\ Faso"]


def test_the_data_given_on_the_line_is_the_one_completed_from(tmp_path: Path) -> None:
    mine = tmp_path / "facts.yaml"
    mine.write_text(SHIPPED.replace("name: Rwanda", "name: Rwandaland", 1), "utf-8")
    assert bash("--data", str(mine), "visits", "--country", "Rw") == ["Rwandaland"]


def test_a_failure_inside_completion_offers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[CompletionItem]:
        raise RuntimeError("anything at all")

    monkeypatch.setattr(completion.Completing, "shell_complete", broken)
    assert bash("visits", "--country", "R") == []


# -- the real process ----------------------------------------------------------------------


def run(tmp_path: Path, words: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KZAFRICA)],
        env={
            **os.environ,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "_KZAFRICA_COMPLETE": "complete_bash",
            "COMP_WORDS": "\n".join(["kzafrica", *words]),
            "COMP_CWORD": str(len(words)),
            **env,
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "damage",
    [
        "DELETE FROM kz_records WHERE id = 'rwanda'",
        "UPDATE kz_records SET body = CAST(X'7bdf22' AS TEXT) WHERE id = 'rwanda'",
    ],
)
def test_a_damaged_store_never_shows_a_traceback(tmp_path: Path, damage: str) -> None:
    data = tmp_path / "facts.yaml"
    data.write_text(SHIPPED, "utf-8")
    env = {"KZAFRICA_DATA": str(data)}
    # The first run writes the store entry, which is then damaged.
    assert run(tmp_path, ["visits", "--country", "Rw"], **env).stdout.split() == ["Rwanda"]
    [entry] = (tmp_path / "cache" / "kzafrica").glob("*.db")
    with sqlite3.connect(entry) as conn:
        conn.execute(damage)
    conn.close()
    done = run(tmp_path, ["visits", "--country", "Rw"], **env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == ["Rwanda"]  # the facts validated again, as a query does


def test_unreadable_data_offers_nothing_quietly(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("countries: [", "utf-8")
    done = run(tmp_path, ["--data", "bad.yaml", "visits", "--country", "R"])
    assert (done.returncode, done.stderr, done.stdout.strip()) == (0, "", "")


@pytest.mark.skipif(not (shutil.which("tmux") and shutil.which("bash")), reason="needs tmux")
def test_bash_itself_completes_in_an_open_quote_and_after_an_equals(tmp_path: Path) -> None:
    """The real thing: bash and readline at a terminal, with Typer's script sourced."""
    script = tmp_path / "kzafrica.sh"
    script.write_text(run(tmp_path, [], _KZAFRICA_COMPLETE="source_bash").stdout, "utf-8")
    tmux = ["tmux", "-S", str(tmp_path / "tmux.socket")]
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "200", "-y", "20", "bash --norc --noprofile"],
        check=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    try:
        setup = f"PATH={KZAFRICA.parent}:$PATH; source {script}; cd {tmp_path}; clear"
        subprocess.run([*tmux, "send-keys", setup, "Enter"], check=True)
        for typed, shown in [
            ('kzafrica people --country "Burkina', 'kzafrica people --country "Burkina Faso" '),
            ("kzafrica visits --country=Rw", "kzafrica visits --country=Rwanda "),
            ("kzafrica visits --sort -da", "kzafrica visits --sort -date "),
        ]:
            subprocess.run([*tmux, "send-keys", "-l", typed], check=True)
            subprocess.run([*tmux, "send-keys", "Tab"], check=True)
            screen = ""
            for _ in range(100):  # up to 20 s on a busy machine
                pane = [*tmux, "capture-pane", "-p"]
                screen = subprocess.run(pane, capture_output=True, text=True).stdout
                if shown.rstrip() in screen:
                    break
                time.sleep(0.2)
            assert shown.rstrip() in screen, screen
            subprocess.run([*tmux, "send-keys", "C-u"], check=True)
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
