"""The ``kzafrica`` command's entry point: Ctrl-C, SIGTERM and SIGHUP are handled from this
module's first lines on.

The console script and ``python -m kzafrica`` import this module, not kzafrica.cli.app: importing
the command line (Typer and Click) is most of a run, and an interrupt during those imports
would otherwise end in a KeyboardInterrupt traceback through site-packages (SIGTERM and
SIGHUP: in a silent death). Until a command runs, and again after it, there is nothing to
clean up, so a signal ends the process at once, with one line and 128 + its number;
kzafrica.cli.app takes the signals over while a command runs.
"""

import gc
import os  # loaded with the interpreter: nothing to wait for

# Start-up creates only objects that live as long as the process (modules, classes, the
# command's parameters): collecting garbage among them is wasted work. Measured with
# gc.callbacks: 27 collections, about 2.4 ms, all while importing; a warm JSON query took
# 39.8 ms with this line and 41.2 ms without (the least of 40 runs, bytecode cached).
# kzafrica.cli.app turns the collector back on before a command runs.
gc.disable()

# What is said for each signal, by number (the same on every POSIX system).
_SAID = {2: b"interrupted", 15: b"terminated", 1: b"hung up"}


def _ended(signum: int = 2, frame: object = None) -> None:
    try:  # the raw descriptor: this may run in the middle of any other write
        os.write(2, b"kzafrica: " + _SAID.get(signum, b"interrupted") + b"\n")
    finally:  # stderr closed or full too: the exit code says it
        os._exit(128 + signum)  # what a shell reports for a process the signal ended


try:
    import signal  # a few ms on a first run: an interrupt meanwhile is caught below

    signal.signal(signal.SIGINT, _ended)
    for _name in ("SIGTERM", "SIGHUP"):  # no SIGHUP on Windows
        _signum = getattr(signal, _name, None)
        # One that the process was started with ignored stays so (nohup).
        if _signum is not None and signal.getsignal(_signum) != signal.SIG_IGN:
            signal.signal(_signum, _ended)
except KeyboardInterrupt:
    _ended()


def run() -> None:
    """Run the command line with the process's arguments; exits with its code."""
    # Only now: Ctrl-C is already handled while Typer and Click load (see above).
    from kzafrica.cli.app import main

    main()
