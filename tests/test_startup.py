"""What a warm run imports: the JSON path needs neither pydantic, PyYAML nor Rich.

Speed itself is measured by benchmarks/startup.py, never by a timed test; this checks the
design the speed rests on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kzafrica.store import access

# The third-party packages, and the table of every country's names (kzafrica.answers.country_names).
HEAVY = ("pydantic", "yaml", "rich", "pycountry", "kzafrica.answers.country_names")
# Reported by an exit handler: main() ends the process itself, and runs exit handlers first.
PROBE = """
import atexit, sys
def report():
    loaded = sorted(m for m in HEAVY if m in sys.modules)
    sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
atexit.register(report)
from kzafrica.cli.app import main
sys.argv = ["kzafrica", *sys.argv[1:]]
main()
""".replace("HEAVY", repr(HEAVY))


def loaded(tmp_path: Path, *args: str) -> set[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True
    )
    assert "Traceback" not in done.stderr
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED")][-1]
    return set(line.split()[1:])


def test_a_json_query_imports_nothing_heavy_even_the_first(tmp_path: Path) -> None:
    # The shipped facts come validated: no run of them needs pydantic or PyYAML.
    assert loaded(tmp_path, "visits", "--country", "Rwanda", "--json") == set()
    assert loaded(tmp_path, "visits", "--country", "Rwanda", "--json") == set()


def test_a_data_file_validates_once(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(access.packaged_facts().read_bytes())
    first = loaded(tmp_path, "--data", str(facts), "visits", "--json")
    assert "pydantic" in first  # the first run validates and fills the cache
    assert "yaml" not in first  # with the fast reader: a file in the usual layout
    assert loaded(tmp_path, "--data", str(facts), "visits", "--json") == set()


def test_a_broken_file_is_read_with_pyyaml(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("article: [\n", "utf-8")
    assert {"pydantic", "yaml"} <= loaded(tmp_path, "--data", str(broken), "visits", "--json")


def test_a_warm_table_imports_rich_only(tmp_path: Path) -> None:
    loaded(tmp_path, "visits", "--json")
    assert loaded(tmp_path, "visits", "--country", "Rwanda") == {"rich"}


def test_the_name_table_only_for_a_country_outside_the_fact_base(tmp_path: Path) -> None:
    loaded(tmp_path, "visits", "--json")
    for fact_base in ("rwandan", "Congo", "Republic of Congo", "Guinea Bissau", "COG"):
        assert loaded(tmp_path, "visits", "--country", fact_base, "--json") == set()
    # Any other country needs the table (its display name too), never pycountry.
    assert loaded(tmp_path, "visits", "--country", "DR Congo", "--json") == {
        "kzafrica.answers.country_names"
    }


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    assert loaded(tmp_path, "--help") == set()


def test_start_up_annotations_are_objects_where_they_are_read(tmp_path: Path) -> None:
    # Typer reads the command line's annotations at every run, and a NamedTuple reads its
    # fields' when the class is made: as strings (`from __future__ import annotations`),
    # each costs an eval or a compile, a few ms of every run in all.
    probe = (
        "import atexit, sys, typing\n"
        "def report():\n"
        "    for name, module in sorted(sys.modules.items()):\n"
        "        if not name.startswith('kzafrica'):\n"
        "            continue\n"
        "        tuples = any(isinstance(v, type) and issubclass(v, tuple) and v.__module__ == name"
        " and hasattr(v, '_fields') for v in vars(module).values())\n"
        "        if name.startswith('kzafrica.cli.') or tuples:\n"
        "            print(name, 'annotations' in vars(module), file=sys.stderr)\n"
        "atexit.register(report)\n"
        "from kzafrica.cli.app import main\n"
        "sys.argv = ['kzafrica', 'visits', '--country', 'Rwanda', '--json']\n"
        "main()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    read = dict(line.split() for line in done.stderr.splitlines())
    commands = {"kzafrica.cli.app", "kzafrica.cli.filtered", "kzafrica.cli.whole"}  # Typer's
    assert commands | {"kzafrica.output.answer", "kzafrica.factfile.dataset"} <= set(read)
    assert "kzafrica.cli.registry" in read  # its NamedTuple
    assert [module for module, strings in read.items() if strings == "True"] == []
