"""Words for the limits of Python's JSON and YAML parsers, which raise odd exceptions.

``json.loads`` and PyYAML raise ``RecursionError`` for deeply nested input and a plain
``ValueError`` for an integer longer than Python converts (4300 digits by default).
Every reader of a user's file catches both and says this, with the file's name.
"""

from __future__ import annotations

import sys

__all__ = ["PARSE_LIMIT_ERRORS", "parse_limit_message"]

# What a parser raises at its limits (JSONDecodeError, a ValueError, is caught before).
PARSE_LIMIT_ERRORS = (RecursionError, ValueError, OverflowError)


def parse_limit_message(exc: BaseException, what: str = "JSON") -> str:
    if isinstance(exc, RecursionError):
        return f"invalid {what}: nested too deeply to read"
    text = str(exc)
    if "integer string conversion" in text:
        limit = sys.get_int_max_str_digits()
        return f"invalid {what}: a number has more than {limit} digits"
    first = text.splitlines()[0] if text else type(exc).__name__
    return f"invalid {what}: {first}"
