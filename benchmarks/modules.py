"""What each module that exists for speed saves: the command with it, and without it.

    python benchmarks/modules.py                  # 100,000 records, 3 rounds
    python benchmarks/modules.py --records 20000 --rounds 5

Each pair runs the same `kzafrica ... visits --country Rwanda --json` as a whole process,
interleaved round by round so that load hits both alike, with the module switched off by
a patch made before the command starts (the code under test is otherwise the same):

- the block-layout reader (factfile/blockyaml.py, store/firstrun.py) against the PyYAML
  reference path, first run of a generated file (an empty cache);
- the second core (store/twocores.py) against the same first run on one core;
- the shipped store (kzafrica/facts.db) against validating the shipped facts.yaml on a
  first run (an empty cache);
- the row digests (store/sqlite_store.py): a warm run, which checks only the rows it reads,
  against what checking the whole store file would add to it (BLAKE2b over its bytes),
  and what making every row's digest costs the first run.

Reports medians (wall ms) and the peak resident memory of the largest process (MiB).
Standard library only, besides the kzafrica installed next to this Python.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = ["visits", "--country", "Rwanda", "--json"]
RUN = "import sys; sys.argv[0] = 'kzafrica'\n{patch}\nfrom kzafrica.cli.entry import run\nrun()"
Run = tuple[float, float]  # wall ms, peak MiB
PATCHES = {
    "as shipped": "",
    "one core": "from kzafrica.store import twocores\ntwocores.usable = lambda: False",
    "reference path": (
        "from kzafrica.store import firstrun\n"
        "firstrun.rows = firstrun.check = lambda file, data: None"
    ),
    "shipped store ignored": (
        "from kzafrica.store import access\naccess._shipped = lambda file, notes: None"
    ),
}


def measure(variant: str, args: list[str], cache: str) -> Run:
    """One run of ``kzafrica ARGS`` with the variant's patch: (wall ms, peak MiB)."""
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    env.pop("KZAFRICA_NO_CACHE", None)
    argv = [sys.executable, "-c", RUN.format(patch=PATCHES[variant]), *args]
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"error: {variant} failed\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def first_runs(variants: list[str], args: list[str], rounds: int) -> dict[str, list[Run]]:
    """Each variant's first runs (an empty cache every time), interleaved."""
    found: dict[str, list[Run]] = {v: [] for v in variants}
    for _ in range(rounds):
        for variant in variants:
            with tempfile.TemporaryDirectory(prefix="kzafrica-first-") as cache:
                found[variant].append(measure(variant, args, cache))
    return found


def show(title: str, found: dict[str, list[Run]]) -> None:
    print(f"\n{title}")
    base = None
    for variant, runs in found.items():
        ms = statistics.median(t for t, _ in runs)
        mib = max(m for _, m in runs)
        base = base or ms
        print(f"  {variant:28} {ms:9.0f} ms  {mib:6.0f} MiB  {ms / base:5.2f}x", flush=True)


def digests(store: Path, warm_ms: float) -> None:
    """What the row digests cost and what checking the whole file would."""
    from hashlib import blake2b

    from kzafrica.store import sqlite_store

    data = store.read_bytes()
    start = time.perf_counter()
    blake2b(data, digest_size=20).hexdigest()
    whole = (time.perf_counter() - start) * 1000
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rows = conn.execute("SELECT id, collection, article, body, linked FROM kz_records").fetchall()
    conn.close()
    start = time.perf_counter()
    for row in rows:
        sqlite_store.digest(*row)
    every = (time.perf_counter() - start) * 1000
    print(f"\nrow digests (store {len(data) / 2**20:.0f} MiB, {len(rows):,} records)")
    print(f"  warm run, checking the rows it reads   {warm_ms:9.0f} ms")
    print(f"  checking the whole store file instead  {whole:9.0f} ms more per run")
    print(f"  making every row's digest (first run)  {every:9.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000, help="default 100000")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args()
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="kzafrica-modules-") as folder:
        path = Path(folder) / "facts.yaml"
        make = [sys.executable, str(HERE / "make_facts.py"), "--records", str(args.records)]
        subprocess.run([*make, "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
        size = f"{args.records:,} records, {path.stat().st_size / 1e6:.1f} MB"
        on_file = ["--data", str(path), *QUERY]
        show(
            f"first run of a generated file ({size}), median of {args.rounds}",
            first_runs(["as shipped", "one core", "reference path"], on_file, args.rounds),
        )
        show(
            f"the shipped facts, first run after install, median of {args.rounds * 5}",
            first_runs(["as shipped", "shipped store ignored"], QUERY, args.rounds * 5),
        )
        cache = Path(folder) / "cache"
        measure("as shipped", on_file, str(cache))  # fills the cache
        warm = statistics.median(
            measure("as shipped", on_file, str(cache))[0] for _ in range(args.rounds * 2 + 1)
        )
        [store] = [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size > 1 << 20]
        digests(store, warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
