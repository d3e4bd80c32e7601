"""Text with some spans marked: in colour on a terminal, between ``[[`` and ``]]`` elsewhere.

On a terminal with colour (see :func:`styled`) the spans are highlighted with a Rich
style, applied to a Rich ``Text``, so nothing in the text is ever read as markup. Anywhere
else (a pipe, a file, ``NO_COLOR``, ``TERM=dumb``) they are wrapped in ``[[`` and ``]]``,
plain ASCII that survives any encoding and is easy to find with grep.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from kzafrica.factfile.excerpts import Span, merged

OPEN, CLOSE = "[[", "]]"
STYLE = "black on yellow"


def plain(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each span (joined where they overlap) wrapped in ``[[`` and ``]]``."""
    out, at = [], 0
    for span in merged(spans):
        out += [text[at : span.start], OPEN, text[span.start : span.end], CLOSE]
        at = span.end
    out.append(text[at:])
    return "".join(out)


def console(stream: TextIO) -> Any:
    """A Rich console for ``stream`` that never interprets markup, emoji or highlighting."""
    from rich.console import Console  # Rich: only for highlighted output

    return Console(file=stream, emoji=False, highlight=False, markup=False)


def styled(out: Any) -> bool:
    """Whether a console shows colour: a terminal (or FORCE_COLOR), not NO_COLOR or dumb."""
    return bool(out.is_terminal and out.color_system and not out.no_color)


def write(text: str, spans: Iterable[Span], stream: TextIO) -> None:
    """Write ``text`` and a newline with ``spans`` marked, as the stream can show them."""
    out = console(stream)
    if not styled(out):
        stream.write(plain(text, spans) + "\n")
        return
    from rich.text import Text  # only for a stream that shows colour

    shown = Text(text)
    for span in merged(spans):
        shown.stylize(STYLE, span.start, span.end)
    # Rendered here and written by us, so a closed pipe raises BrokenPipeError for the CLI.
    with out.capture() as captured:
        out.print(shown)
    stream.write(captured.get())
