"""Start-up and scale benchmarks for the kzafrica command. Standard library only.

    python benchmarks/startup.py                # start-up: the commands vs. `python -c pass`
    python benchmarks/startup.py --runs 31      # more rounds (default 21)
    python benchmarks/startup.py --cold         # with KZAFRICA_NO_CACHE=1 (no validation cache)
    python benchmarks/startup.py --scale        # visits query on 1k/10k/100k-record files
    python benchmarks/startup.py --scale --sizes 1000 5000
    python benchmarks/startup.py --scale --first-runs 3   # more first runs (default 1)
    python benchmarks/startup.py --scale --articles 1     # all records from the one article

Start-up mode times whole commands as subprocesses, interleaved round-robin so that drift
in machine load hits every command alike, and reports each median in milliseconds and as
a multiple of the bare interpreter's median, against the goals below; also the JSON query
as a multiple of Typer's own hello world, and the query's first run after installing (an
empty cache every round). Scale mode writes synthetic fact files with make_facts.py into a
temporary folder, the records spread over one article per 100 records, at most
``--articles`` (1,000 articles for 100,000 records), and the same records as JSON; then
times, side by side, the first run of the visits query (an empty cache: it validates the
file), the query with the cache warm, and jq answering the same question from the JSON,
with peak memory, and prints the ratios to jq. Every timed run must exit 0.
Output goes to /dev/null: the numbers include rendering but not a terminal's drawing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BARE = "python -c pass"
# (label, arguments after `kzafrica`, goal as a multiple of the bare interpreter)
GOALS: list[tuple[str, list[str], float]] = [
    ("visits --country Rwanda --json", ["visits", "--country", "Rwanda", "--json"], 8.0),
    ("visits --country Rwanda", ["visits", "--country", "Rwanda"], 12.0),
    ("--help", ["--help"], 10.0),
]
TYPER = "Typer's hello world"
FIRST = "first run after install (empty cache)"
TYPER_GOAL = 1.15  # the warm JSON query as a multiple of Typer's hello world
FIRST_GOAL = 8.0  # the first run after installing, as a multiple of the bare interpreter
SCALE_QUERY = ["visits", "--country", "Rwanda", "--json"]
# What a script author would run instead: the same question of the same records as JSON.
JQ_QUERY = '[.visits[] | select((.origin | any(. == "rwanda")) or .destination == "rwanda")]'
WARM_GOAL, FIRST_JQ_GOAL = 0.25, 5.0  # multiples of jq's time, on 100,000 records
WARM_MIB, FIRST_MIB = 60, 300  # peak memory goals, on 100,000 records
# Typer's hello world, as its documentation writes it.
HELLO = """import typer


def main(name: str):
    print(f"Hello {name}")


if __name__ == "__main__":
    typer.run(main)
"""
# The records of a facts file as JSON, for jq: read by kzafrica's own YAML reader.
TO_JSON = """import json, sys
from kzafrica.factfile import yamlsafe
text = open(sys.argv[1], encoding="utf-8").read()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(yamlsafe.load(text), out)
"""


def kzafrica() -> list[str]:
    """The installed console script next to this interpreter, else `python -m kzafrica`."""
    script = shutil.which("kzafrica", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "kzafrica"]


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    """Run ``argv`` once with output discarded; return its wall time in ms. Exit on failure."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()[-2000:]
        sys.exit(f"error: `{shlex.join(argv)}` exited {done.returncode}\n{detail}")
    return elapsed


def first_run(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float | None]:
    """Run ``argv`` ``runs`` times, each with an empty cache of its own.

    Returns the median wall time in ms and the peak resident memory in MiB of the largest
    process (kzafrica, or the worker it forks for a big file), None where os.wait4 is missing.
    """
    times: list[float] = []
    peak: float | None = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="kzafrica-first-") as cache:
            own = env | {"XDG_CACHE_HOME": cache}
            own.pop("KZAFRICA_NO_CACHE", None)
            if not hasattr(os, "wait4"):
                times.append(run_ms(argv, own))
                continue
            with tempfile.TemporaryFile() as errors:
                start = time.perf_counter()
                child = subprocess.Popen(argv, env=own, stdout=subprocess.DEVNULL, stderr=errors)
                _, status, usage = os.wait4(child.pid, 0)
                times.append((time.perf_counter() - start) * 1000)
                child.returncode = os.waitstatus_to_exitcode(status)
                if child.returncode != 0:
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()[-2000:]
                    sys.exit(f"error: `{shlex.join(argv)}` exited {child.returncode}\n{detail}")
            # ru_maxrss: the largest of the process and its children; KiB, bytes on macOS.
            mib = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
            peak = mib if peak is None else max(peak, mib)
    return statistics.median(times), peak


def environment(cold: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KZAFRICA_NO_CACHE", None)
    # As installed: pip compiles every module when it installs a package, so an installed
    # kzafrica, like Typer, never compiles its modules at start-up. An editable install is
    # compiled by the untimed first round, unless bytecode writing is turned off.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cold:
        env["KZAFRICA_NO_CACHE"] = "1"
    return env


def table(header: list[str], rows: list[list[str]]) -> None:
    """Print rows in columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip())


def startup(runs: int, env: dict[str, str]) -> None:
    """Time the bare interpreter, Typer's hello world and every goal command, interleaved
    over ``runs`` rounds; the first-run row gets an empty cache every round."""
    base = kzafrica()
    with tempfile.TemporaryDirectory(prefix="kzafrica-startup-") as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        commands = {BARE: [sys.executable, "-c", "pass"]}
        commands[TYPER] = [sys.executable, str(hello), "World"]
        commands |= {label: base + args for label, args, _ in GOALS}
        for argv in commands.values():  # warm-up: byte-code, OS file cache, validation cache
            run_ms(argv, env)
        times: dict[str, list[float]] = {label: [] for label in [*commands, FIRST]}
        for round_ in range(runs):
            for label, argv in commands.items():
                times[label].append(run_ms(argv, env))
            empty = env | {"XDG_CACHE_HOME": str(Path(folder) / f"cache-{round_}")}
            times[FIRST].append(run_ms(base + GOALS[0][1], empty))
    medians = {label: statistics.median(samples) for label, samples in times.items()}
    bare = medians[BARE]
    rows = [
        [BARE, f"{bare:.1f}", "1.0x", "", ""],
        [TYPER, f"{medians[TYPER]:.1f}", f"{medians[TYPER] / bare:.1f}x", "", ""],
    ]
    for label, _, goal in [*GOALS, (FIRST, [], FIRST_GOAL)]:
        ratio = medians[label] / bare
        met = "yes" if ratio <= goal else "NO"
        shown = label if label == FIRST else f"kzafrica {label}"
        rows.append([shown, f"{medians[label]:.1f}", f"{ratio:.1f}x", f"{goal:g}x", met])
    print(f"command: {shlex.join(base)}; median of {runs} interleaved rounds\n")
    table(["command", "median ms", "ratio", "goal", "met"], rows)
    against = medians[GOALS[0][0]] / medians[TYPER]
    met = "yes" if against <= TYPER_GOAL else "NO"
    print(f"\nkzafrica {GOALS[0][0]} / {TYPER}: {against:.2f}x (goal <= {TYPER_GOAL}x: {met})")


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``argv`` once with output discarded: (wall ms, peak MiB of the largest process)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace").strip()[-2000:]
            sys.exit(f"error: `{shlex.join(argv)}` failed\n{detail}")
    return elapsed, usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)


def scale(
    sizes: list[int], runs: int, env: dict[str, str], first_runs: int = 1, articles: int = 1000
) -> None:
    """The visits query on synthetic fact files of each size, first and warm runs, side by
    side with jq answering the same question from the same records as JSON. The records of
    a file are spread over one article per 100 records, at most ``articles``."""
    jq = shutil.which("jq")
    if jq is None or not hasattr(os, "wait4"):
        sys.exit("error: --scale needs jq on PATH and os.wait4 (Linux, macOS)")
    base = kzafrica()
    print(f"query: {shlex.join([*base, '--data', 'FILE', *SCALE_QUERY])}")
    print(f"jq:    jq '{JQ_QUERY} | length' FILE.json", flush=True)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="kzafrica-bench-") as folder:
        # Keep the big files' cache entries out of the user's cache; removed with the folder.
        env = env | {"XDG_CACHE_HOME": folder}
        env.pop("KZAFRICA_NO_CACHE", None)
        for size in sizes:
            # A folder of its own: the articles' texts are written to sources/ beside the file.
            path = Path(folder) / str(size) / "facts.yaml"
            path.parent.mkdir()
            as_json = path.with_suffix(".json")
            cited = max(1, min(articles, size // 100))
            make = [sys.executable, str(HERE / "make_facts.py"), "--records", str(size)]
            make += ["--articles", str(cited)]
            made = run_ms([*make, "-o", str(path)], env) / 1000
            run_ms([sys.executable, "-c", TO_JSON, str(path), str(as_json)], env)
            print(
                f"  {size:,} records from {cited:,} article(s) written in {made:.1f} s; timing...",
                flush=True,
            )
            argv = [*base, "--data", str(path), *SCALE_QUERY]
            jq_argv = [jq, f"{JQ_QUERY} | length", str(as_json)]
            first, first_mib = first_run(argv, env, first_runs)
            run_ms(argv, env)  # fills the cache; not timed
            n = min(runs, 7) if size >= 100_000 else runs
            warm: list[tuple[float, float]] = []
            with_jq: list[tuple[float, float]] = []
            for _ in range(n):  # interleaved, so that load hits both alike
                warm.append(measure(argv, env))
                with_jq.append(measure(jq_argv, env))
            warm_ms = statistics.median(t for t, _ in warm)
            jq_ms = statistics.median(t for t, _ in with_jq)
            peak = "?" if first_mib is None else f"{first_mib:.0f}"
            rows.append(
                [
                    f"{size:,}",
                    f"{path.stat().st_size / 1e6:.1f}",
                    f"{jq_ms:.0f}",
                    f"{max(m for _, m in with_jq):.0f}",
                    f"{first:.0f}",
                    f"{first / jq_ms:.2f}x",
                    peak,
                    f"{warm_ms:.0f}",
                    f"{warm_ms / jq_ms:.2f}x",
                    f"{max(m for _, m in warm):.0f}",
                    str(n),
                ]
            )
    print()
    header = ["records", "MB", "jq ms", "jq MiB", "first ms", "first/jq", "first MiB"]
    table([*header, "warm ms", "warm/jq", "warm MiB", "runs"], rows)
    print(
        f"\ngoals on 100,000 records: warm <= {WARM_GOAL}x jq and <= {WARM_MIB} MiB;"
        f" first <= {FIRST_JQ_GOAL}x jq and <= {FIRST_MIB} MiB"
    )
    print(f"first: median of {first_runs} run(s) with an empty cache (validating the file);")
    print("MiB: peak resident memory of the largest process, the fork worker included")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21, help="timed rounds (default 21)")
    parser.add_argument("--cold", action="store_true", help="set KZAFRICA_NO_CACHE=1")
    parser.add_argument("--scale", action="store_true", help="time queries on big files")
    parser.add_argument(
        "--first-runs", type=int, default=1, help="first runs per size with --scale (default 1)"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000], help="records"
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=1000,
        help="with --scale, the most articles a file's records are spread over, one per 100"
        " records (default 1000)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.first_runs < 1 or args.articles < 1:
        parser.error("--runs, --first-runs and --articles must be at least 1")
    cpus = os.cpu_count()
    print(f"{platform.platform()}, Python {platform.python_version()}, {cpus} CPUs", flush=True)
    print(f"cache: {'off (KZAFRICA_NO_CACHE=1)' if args.cold else 'on'}")
    if args.runs < 15:
        print(f"warning: {args.runs} rounds are too few for a stable median; use 15 or more")
    env = environment(args.cold)
    if args.scale:
        scale(args.sizes, args.runs, env, args.first_runs, args.articles)
    else:
        startup(args.runs, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
