"""The standard streams, exit codes and signals: how the command line says things and ends.

Exit codes (EXIT_CODES; the top-level help and the README list them): 0 success (an empty
result too), 1 invalid data file, 2 usage error, 74 output cannot be written, 129 hung up,
130 interrupted, 141 output pipe closed, 143 terminated. Every error is printed as plain
text on stderr, one line per problem of at most LINE characters, never through Rich and
never with a traceback; when stderr itself cannot be written, the exit code still says
what happened.

Ctrl-C, SIGTERM and SIGHUP end a run the same way: the signal raises KeyboardInterrupt, so
that every cleanup on the way out runs (temporary files, a half-written store), and the
run ends with one line and 128 + the signal's number, as a shell reports for a process
that the signal killed.
"""

import atexit
import contextlib
import errno
import io
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TextIO, cast

import typer

from kzafrica.factfile.errors import DataError, visible
from kzafrica.store import tempfiles

OK, DATA_ERROR, USAGE_ERROR = 0, 1, 2
OUTPUT_ERROR = 74  # EX_IOERR in sysexits.h, as other tools use it for a failed write
# What a shell reports for a process that the signal ended: 128 + its number, which is
# the same on every POSIX system for these four.
HUNG_UP = 129  # SIGHUP: the terminal went away
INTERRUPTED = 130  # SIGINT: Ctrl-C
PIPE_CLOSED = 141  # SIGPIPE
TERMINATED = 143  # SIGTERM: `kill`, a service manager, a timeout
EXIT_CODES = {
    OK: "ok",
    DATA_ERROR: "invalid data file",
    USAGE_ERROR: "usage error",
    OUTPUT_ERROR: "output cannot be written (stdout closed or full)",
    HUNG_UP: "hung up (SIGHUP)",
    INTERRUPTED: "interrupted (Ctrl-C)",
    PIPE_CLOSED: "output pipe closed",
    TERMINATED: "terminated (SIGTERM)",
}
# The signals that end a run as Ctrl-C does, and what is said when one does.
ENDINGS: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    ENDINGS[signal.SIGHUP] = "hung up"
LINE = 900  # the longest line said: room for two long paths, never a 100 kB name whole


def say(message: str) -> None:
    """One line on stderr, as plain text (no markup is ever interpreted)."""
    to_stderr(shortened(f"kzafrica: {visible(message)}") + "\n")


def problems(error: DataError) -> None:
    """Every problem of a data file, one line each: FILE:LINE:COL: field: message."""
    to_stderr("".join(shortened(problem.render(error.file)) + "\n" for problem in error.problems))


def shortened(line: str, limit: int = LINE) -> str:
    """``line`` cut to ``limit`` characters in the middle: its start says what and where,
    its end what to do, and a name the user typed or a file gave is what gets cut."""
    if len(line) <= limit:
        return line
    head = (limit - 1) // 2
    return line[:head] + "…" + line[len(line) - (limit - 1 - head) :]


def fail(message: str, code: int) -> NoReturn:
    """Say ``message`` and end the command with ``code``."""
    say(message)
    raise typer.Exit(code)


def data_failed(error: DataError) -> NoReturn:
    """Report every problem of the data file and end the command with exit code 1."""
    problems(error)
    raise typer.Exit(DATA_ERROR) from None


def to_stderr(text: str) -> None:
    stream = sys.stderr
    if stream is None:  # started with stderr closed: the exit code is all there is
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: Ctrl-C in the middle of this
        # stderr is full or gone: nothing can be said, and the interpreter's last flush of
        # the unwritten text must not fail either (it would exit 120).
        to_devnull(stream)


class _Interruption:
    """Which signal ended this run, if one did, and whether that has been said yet."""

    said = False
    signum: int | None = None  # the first one: a second one only hurries the end

    def code(self) -> int:
        """The exit code: 128 + the signal's number (130 for a KeyboardInterrupt raised
        without one)."""
        return 128 + (self.signum or signal.SIGINT)


interruption = _Interruption()


def say_interrupted() -> None:
    """'interrupted' ('terminated', 'hung up'), once however many signals end up here."""
    if not interruption.said:
        interruption.said = True
        say(ENDINGS.get(interruption.signum or signal.SIGINT, "interrupted"))


def interrupted(error: BaseException) -> bool:
    """Whether ``error`` ends a run that a signal interrupted: a KeyboardInterrupt, one that
    a library caught and wrapped (pydantic building a model turns one into a RuntimeError
    or a SchemaError), or anything raised once a signal came (pydantic-core panics when
    Ctrl-C stops its import of datetime). The user's Ctrl-C, not a failure of kzafrica."""
    if interruption.signum is not None:
        return True
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
    return False


def one_line(message: str) -> str:
    """A message as one line (say() caps its length and escapes control characters)."""
    return " ".join(message.split())


# -- output that cannot be written ---------------------------------------------------------


@contextlib.contextmanager
def exit_on_output_error() -> Iterator[None]:
    """A failed write to stdout inside this block ends the command with its exit code."""
    try:
        yield
    except OSError as exc:
        raise typer.Exit(output_failed(exc)) from None


def output_failed(error: OSError) -> int:
    """Say why the output could not be written, and pick the exit code.

    The commands turn every failure to read a file into a DataError and the cache ignores
    its own, so an OSError that reaches this far is a failed write to stdout; one with a
    file name is reported as such all the same."""
    to_devnull(sys.stdout)  # the interpreter's last flush must not fail again
    if isinstance(error, BrokenPipeError):
        return PIPE_CLOSED  # the reader went away (`| head`): quiet, as SIGPIPE would be
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        say(f"cannot write output: {reason}")
    else:
        say(f"{error.filename}: {reason}")
    return OUTPUT_ERROR


def flush_stdout(code: int) -> int:
    """Flush stdout; the exit code to end with (a failed flush turns success into 74)."""
    # Flush now: a failure met by the interpreter's own final flush would print "Exception
    # ignored ... BrokenPipeError" and exit 120 (--version, validate).
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as error:
        failed = output_failed(error)
        return failed if code == OK else code
    return code


def to_devnull(stream: TextIO | None) -> None:
    """Point ``stream``'s descriptor at /dev/null: what it still holds can be flushed
    without failing again. A stream without a descriptor (a test runner's) is left alone."""
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):  # ValueError: a closed stream
        target = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, target)
        finally:
            os.close(devnull)


class _ClosedOutput(io.TextIOBase):
    """stdout when the process was started without one (`kzafrica trade >&-`): every write
    fails as a write to a closed descriptor would, so that the answer is reported lost
    (exit 74) rather than silently dropped."""

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def standard_streams() -> None:
    """Make the three standard streams safe to use, whatever the process was given."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is None:
            # A closed descriptor: hold its number with /dev/null, so that no file opened
            # later (the facts, the cache) takes its place and receives output.
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_RDWR)
                if devnull != fd:
                    os.dup2(devnull, fd)
                    os.close(devnull)
    if sys.stdout is None:
        sys.stdout = cast(TextIO, _ClosedOutput())
    sys.stdout, sys.stderr = _buffered(sys.stdout, answer=True), _buffered(sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show 'é' gets 'Fran\xe7oise' in tables and messages, not
        # a crash; machine formats are UTF-8 bytes whatever the terminal (render.py).
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _buffered(stream: TextIO | None, *, answer: bool = False) -> Any:
    """``stream`` over a writer that writes each write whole (:class:`_WholeWrites`).
    Unbuffered too (`python -u`, $PYTHONUNBUFFERED), where a standard stream would write
    straight to the file, and drop without an error the rest of a write the file takes
    only in part (a size limit, a pipe whose reader left)."""
    inner = getattr(stream, "buffer", None)
    if stream is None or not isinstance(inner, io.RawIOBase | io.BufferedWriter):
        return stream
    text = cast(io.TextIOWrapper, stream)
    encoding, errors, lines = text.encoding, text.errors, text.line_buffering
    text.flush()
    detached = text.detach()
    raw: Any = detached.detach() if isinstance(detached, io.BufferedWriter) else detached
    whole = _WholeWrites(raw)
    whole.answer = answer
    return io.TextIOWrapper(
        whole,
        encoding=encoding,
        errors=errors,
        line_buffering=lines,
        write_through=True,
    )


class _WholeWrites(io.BufferedWriter):
    """stdout's bytes: each write goes out whole before a Ctrl-C, SIGTERM or SIGHUP is
    taken (they are held meanwhile), so that an interrupted answer is in the stream all or
    not at all. A document bigger than a pipe holds (64 KiB: a JSON schema, a long list)
    would otherwise be cut where the signal found the write. A reader that stops reading
    delays the signal until it reads on or goes away; SIGKILL is never held."""

    answer = False  # stdout's: what a signal stops (see write)

    def write(self, data: Any) -> int:
        with tempfiles.held():
            if self.answer and interruption.signum is not None:
                # A signal came and something took its interrupt (see raise_interrupt):
                # the answer goes no further.
                raise KeyboardInterrupt
            written = super().write(data)
            super().flush()
        return written


# -- Ctrl-C, SIGTERM, SIGHUP --------------------------------------------------------------


def handle_signals(handler: Callable[[int, Any], None]) -> None:
    """Let ``handler`` take Ctrl-C, SIGTERM and SIGHUP. A signal the process was started
    with ignored stays ignored (`nohup kzafrica dump ...` must outlive its terminal); Ctrl-C
    is always taken, as it was from kzafrica.cli.entry's first lines."""
    for signum in ENDINGS:
        if signum == signal.SIGINT or signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, handler)


def raise_interrupt(signum: int, frame: object) -> None:
    """A signal while a command runs: unwind as for Ctrl-C (Typer and the app's group turn
    it into one line and its exit code, and cleanup code runs). Another signal while it
    unwinds is let go: ending at once would leave its temporary files behind (systemd
    sends SIGTERM and SIGHUP together), and the unwinding takes milliseconds."""
    if interruption.signum is None:
        interruption.signum = signum
    handle_signals(_unwinding)
    # A library may take the interrupt for a failure of its own and carry on (pydantic does,
    # in a union's discriminator, while it writes a model, and warns): the run still ends
    # as interrupted (see the app's group and _WholeWrites), saying nothing else.
    warnings.simplefilter("ignore")
    raise KeyboardInterrupt


def _unwinding(signum: int, frame: object) -> None:
    """A signal while an interrupted command unwinds: the first one's ending stands."""


def exit_interrupted(signum: int, frame: object) -> None:
    """A signal after a command: nothing is left to clean up, so end now."""
    if interruption.signum is None:
        interruption.signum = signum
    try:
        say_interrupted()
    finally:
        os._exit(interruption.code())


def unraisable(report: Any) -> None:
    """A Ctrl-C that lands in a finalizer (__del__, a closing generator) cannot unwind: Python
    would print "Exception ignored" and carry on. End the run as any interrupt does."""
    if isinstance(report.exc_value, KeyboardInterrupt):
        exit_interrupted(signal.SIGINT, None)
    sys.__unraisablehook__(report)


def end(code: int) -> NoReturn:
    """End the process with ``code`` once everything is written.

    When nothing is left to run at exit (no exit handler, no other thread), the process
    ends at once: the interpreter's own teardown, which frees every module and object one
    by one, is a tenth of a short run and has nothing to do that the system will not."""
    code = flush_stdout(code)
    to_stderr("")  # flushes it
    handlers = getattr(atexit, "_ncallbacks", None)  # CPython's count of exit handlers
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    if handlers is not None and handlers() == 0 and alone:
        os._exit(code)
    sys.exit(code)
