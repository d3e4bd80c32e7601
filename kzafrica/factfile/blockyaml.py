"""A fast reader for the plain block layout of YAML data files, or None for anything else.

Big facts files are written one way: block mappings and sequences, a scalar per line
(plain, single-quoted or double-quoted without escapes; long plain text may wrap onto
deeper lines), short flow lists of words. This reader handles exactly that, line by line
with one regular expression, several times faster than building the same data from
libyaml's events. It accepts only what the strict reader in :mod:`kzafrica.factfile.yamlsafe`
accepts and gives the same values (plain scalars resolve by the same function); for
anything else (quoted or block scalars over several lines, escapes, tabs, anchors, tags,
flow mappings, duplicate keys, odd indentation, syntax errors) it returns None and the
caller uses the strict reader, which says what is wrong and where.

A document also splits into :class:`Piece` s at top-level keys and between the items of a
top-level list, so that each piece can be read (and validated) on its own: in this layout a
line that starts a top-level key or an item at the list's indentation always closes
whatever came before it (a scalar goes on only onto lines deeper than its block).
"""

from __future__ import annotations

import itertools
import re
from typing import Any, NamedTuple

from kzafrica.factfile.yamlplain import MAX_DEPTH, plain_value

# Characters this reader leaves to the strict one: tabs, carriage returns, the other
# line breaks libyaml knows (NEL, LS, PS), the byte-order mark, and all that YAML refuses.
# (Listed, not as the complement of what is allowed: that takes 20 times longer to compile.)
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# A plain scalar on one line: no indicator first, no `: ` or ` #` inside, no trailing space.
# Written unrolled (each `:` or run of spaces starts a repeat) so that a line that does not
# match fails in linear time.
_PLAIN = r"[^-?:,\[\]{}#&*!|>'\"%@` ][^ :]*(?:(?::(?! |$)| +(?=[^ #]))[^ :]*)*"
_SINGLE = r"'[^']*(?:''[^']*)*'"
# A plain scalar inside a flow list, kept simple: words without flow indicators or quotes.
_WORD = r"[A-Za-z0-9](?:[^ ,\[\]{}#:'\"]| +(?=[^ ,\[\]{}#:'\"]))*"
_FLOW = rf"\[ *(?:(?:{_SINGLE}|{_WORD}) *(?:, *(?:{_SINGLE}|{_WORD}) *)*)?\]"
# Keys the strict reader refuses as not text: they mean null, true and false.
_NOT_TEXT = r"(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)"
_KEY = rf"(?!{_NOT_TEXT}:)([A-Za-z_][A-Za-z0-9_]{{0,99}})"  # a plain key that is text
_LINE = re.compile(
    r"( *)(- +)?"  # indentation, sequence entry
    rf"(?:{_KEY}:(?: +|$))?"  # mapping key
    rf"(?:'([^']*(?:''[^']*)*)'|\"([^\"\\]*)\"|({_FLOW})|({_PLAIN}))?"  # one value
    r" *((?<![^ ])#.*)?"  # trailing comment
)
# The next line of a plain scalar that goes on over lines: the same text, any first
# character but `#` (a comment) and `: ` (a mapping value, an error).
_MORE = re.compile(
    r" *((?:[^ #:]|:(?! |$))[^ :]*(?:(?::(?! |$)| +(?=[^ #]))[^ :]*)*) *((?<= )#.*)?"
)
_FLOW_ITEM = re.compile(rf"'([^']*(?:''[^']*)*)'|({_WORD})")
_NO_VALUE: Any = object()
# What one line says, always unpacked at once as (column, dash, key, value, plain): where
# its content starts (-1 for a blank line or a comment), the width of its `- ` (0 for none),
# its key, its value (_NO_VALUE for none), and the text of a plain scalar that the next
# lines may go on with. A plain tuple: a NamedTuple, made for every distinct line of a big
# file, made this reader a tenth slower.
Line = tuple[int, int, str | None, Any, str | None]
_BLANK: Line = (-1, 0, None, _NO_VALUE, None)  # a blank line or a comment
# Pieces are found in the file's bytes (UTF-8 keeps every ASCII byte for itself), so that
# the whole file is never one string; each piece is decoded as it is read.
# A line that starts with a key: searched as `\n` and the key, which is many times faster
# than `^` in multi-line mode.
_TOP_KEY = re.compile(rb"\n[A-Za-z_][A-Za-z0-9_]*:(?= |\n|\Z)")
# `key:` alone (comments and blank lines around it), then the first item of a block list.
_LIST_HEAD = re.compile(
    rf"(?:[ ]*(?:#[^\n]*)?\n)*{_KEY}: *(?:(?<= )#[^\n]*)?\n".encode()
    + rb"(?:[ ]*(?:#[^\n]*)?\n)*( *)- "
)
_MEMO_LENGTH = 40  # shorter values are shared: ids, dates and labels repeat a great deal


class Piece(NamedTuple):
    """Part of a document: ``data[start:end]``, whole lines of its UTF-8 bytes.

    With ``key`` None, top-level entries (a mapping at column 0); otherwise items of the
    top-level list ``key``, whose ``- `` entries stand at column ``indent``.
    """

    start: int
    end: int
    key: str | None = None
    indent: int = 0
    number: int = 0  # of the piece in its list: 0 for the first, then 1, 2...


def usable(text: str) -> bool:
    """Whether ``text`` has only characters this reader handles."""
    return _OUTSIDE.search(text) is None


def parse(text: str) -> dict[str, Any] | None:
    """The document's top-level mapping, or None if it is not in the plain block layout."""
    if not usable(text):
        return None
    root: dict[str, Any] = {}
    return root if _read(text.split("\n"), root, 0, {}) and root else None


def read_piece(
    data: bytes, piece: Piece, memo: dict[str, Any]
) -> dict[str, Any] | list[Any] | None:
    """The entries (a dict) or items (a list) of ``piece`` of the UTF-8 ``data``, or None if
    it is not plain block layout (or not UTF-8). ``memo`` shares repeated values."""
    try:
        chunk = data[piece.start : piece.end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not usable(chunk):
        return None
    root: dict[str, Any] | list[Any] = {} if piece.key is None else []
    return root if _read(chunk.split("\n"), root, piece.indent, memo) else None


def pieces(data: bytes, size: int, start: int = 0) -> list[Piece] | None:
    """Split UTF-8 ``data`` from ``start`` into pieces of about ``size`` bytes (more for a
    big item).

    What lies between pieces (a list's key, blank lines, comments) is checked here; None if
    it has characters this reader leaves to the strict one. Each piece is checked as it is
    read, so that a big file is never held whole as parsed data.
    """
    out: list[Piece] = []
    # Top-level keys after the first line; before the first of them, comments or a key.
    found = (m.start() + 1 for m in _TOP_KEY.finditer(data, start))
    bounds = sorted({start, *found, len(data)})
    for begin, end in itertools.pairwise(bounds):
        head = _LIST_HEAD.match(data, begin, end)
        if head is None:
            out.append(Piece(begin, end))
            continue
        try:
            if not usable(head[0].decode("utf-8")):
                return None
        except UnicodeDecodeError:
            return None
        key, indent, at = head[1].decode("ascii"), len(head[2]), head.start(2)
        needle = b"\n" + b" " * indent + b"- "
        number = 0
        while at < end:
            cut = data.find(needle, min(at + size, end) - 1, end)
            stop = end if cut < 0 else cut + 1
            out.append(Piece(at, stop, key, indent, number))
            at, number = stop, number + 1
    return out


def _read_line(line: str, values: dict[str, Any]) -> Line | None:
    """What one line says, or None if it is not one of the plain layout's lines."""
    found = _LINE.fullmatch(line)
    if found is None:
        return None
    spaces, dash, key, single, double, flow, plain, comment = found.groups()
    more = None
    if plain is not None:
        value = values.get(plain, _NO_VALUE)
        if value is _NO_VALUE:
            try:
                value = plain_value(plain)
            except ValueError:  # an integer too long to convert: the strict reader says so
                return None
            if len(plain) <= _MEMO_LENGTH:
                values[plain] = value
        if comment is None:
            more = plain  # the next lines may go on with it
    elif single is not None:
        value = single.replace("''", "'") if "''" in single else single
        if len(value) <= _MEMO_LENGTH:
            value = values.setdefault("'" + value, value)  # not a plain scalar's key
    elif double is not None:
        value = double
    elif flow is not None:
        try:
            value = [
                plain_value(word) if word else quoted.replace("''", "'")
                for quoted, word in _FLOW_ITEM.findall(flow[1:-1])
            ]
        except ValueError:
            return None
    elif dash is None and key is None:
        return _BLANK
    else:
        value = _NO_VALUE
    return len(spaces), len(dash) if dash else 0, key, value, more


def _read(lines: list[str], root: Any, indent: int, values: dict[str, Any]) -> bool:
    """Fill ``root`` (a dict or list standing at column ``indent``) from ``lines``.

    False at the first line this reader does not handle. ``values`` shares repeated values.
    """
    more = _MORE.fullmatch
    seen: dict[str, Line] = {}  # most lines repeat (`  status: held`): read each once
    seen_get = seen.get
    parents: list[tuple[int, Any, bool]] = []
    at, here, is_map = indent, root, isinstance(root, dict)
    pending: str | None = None  # a key whose value is a block on the following lines
    # The plain scalar the next line may go on: its container, key or index, text so far.
    # A line deeper than its block goes on it (YAML folds the break into a space).
    open_in: Any = None
    open_at: str | int = 0
    open_text = ""
    for line in lines:
        said = seen_get(line)
        if said is None:
            said = _read_line(line, values)
            if said is None:
                if open_in is None or len(line) - len(line.lstrip(" ")) <= at:
                    return False
                said = (at + 1, 0, None, _NO_VALUE, None)  # can only go on a scalar
            else:
                _, _, _, value, _ = said
                if type(value) is not list:  # a flow list must not be shared
                    seen[line] = said
        column, dash, key, value, plain = said
        if open_in is not None:
            if column > at:  # (a blank line or a comment, column -1, ends it)
                going = more(line)
                if going is None:
                    return False
                open_text = open_text + " " + going[1]
                open_in[open_at] = open_text  # over several lines: always text, never a number
                if going[2] is not None:
                    open_in = None  # so does a comment
                continue
            open_in = None
        if column < 0:
            continue  # blank or comment
        if pending is not None:
            if column > at or (column == at and dash):  # the pending key's block value
                block: Any = [] if dash else {}
                here[pending] = block
                parents.append((at, here, is_map))
                if len(parents) >= MAX_DEPTH:
                    return False
                at, here, is_map = column, block, not dash
            else:
                here[pending] = None  # `key:` with nothing under it
            pending = None
        # Close blocks this line is left of; a key at a list's own column closes the list.
        while column < at or (column == at and not is_map and not dash):
            if not parents:
                return False
            at, here, is_map = parents.pop()
        if column != at:
            return False
        if dash:
            if is_map:
                return False
            if key is None:
                if value is _NO_VALUE:
                    return False  # `-` alone: its item would be on the following lines
                if plain is not None:
                    open_in, open_at, open_text = here, len(here), plain
                here.append(value)
                continue
            item: dict[str, Any] = {}
            here.append(item)
            parents.append((at, here, is_map))
            if len(parents) >= MAX_DEPTH:
                return False
            at, here, is_map = column + dash, item, True
        elif key is None or not is_map:
            return False
        if key in here:
            return False
        if value is _NO_VALUE:
            pending = key
        else:
            if plain is not None:
                open_in, open_at, open_text = here, key, plain
            here[key] = value
    if pending is not None:
        here[pending] = None
    return True
