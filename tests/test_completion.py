"""Shell completion (Typer's) completes country names and record ids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KZAFRICA = Path(sys.executable).with_name("kzafrica")


def complete(words: str, tmp_path: Path) -> list[str]:
    env = {
        **os.environ,
        "_KZAFRICA_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "XDG_CACHE_HOME": str(tmp_path),
    }
    done = subprocess.run(
        [str(KZAFRICA)], env=env, capture_output=True, text=True, check=True, cwd=tmp_path
    )
    return done.stdout.split()


def test_country_names_complete(tmp_path: Path) -> None:
    assert complete("kzafrica visits --country Rw", tmp_path) == ["Rwanda"]
    assert "Togo" in complete("kzafrica people --country T", tmp_path)


def test_record_ids_complete(tmp_path: Path) -> None:
    assert complete("kzafrica show visit-kag", tmp_path) == [
        "visit-kagame-2015",
        "visit-kagame-2025",
    ]
