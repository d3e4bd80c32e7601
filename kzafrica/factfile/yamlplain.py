"""What plain YAML data means here, shared by the strict reader and the fast one.

How an unquoted scalar resolves (the YAML 1.2 way: ``no``/``on`` and unquoted dates stay
text) and how deep data may nest. No PyYAML here: a file the fast reader takes never
imports it.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 64  # nested mappings and lists, at most

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?")
_NUMBER_START = frozenset("+-.0123456789")  # the first character of every _INT and _FLOAT
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def plain_value(value: str) -> Any:
    """What a plain (unquoted) scalar means: null, bool, int, float or text.

    Raises ValueError for an integer with more digits than int() converts.
    """
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[:1] not in _NUMBER_START:  # most text: no need to try the patterns
        return value
    if _INT.fullmatch(value):
        return int(value)  # ValueError past sys.get_int_max_str_digits
    if _FLOAT.fullmatch(value):
        return float(value)
    return value
