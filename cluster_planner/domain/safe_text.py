"""User text made safe for a terminal: the one place the command line cleans what it prints.

A plan's name, notes and file names are the user's (or an attacker's) text. Printed raw,
an ESC starts a terminal control sequence, a CR or a newline forges an ``[error]`` line
of its own, a NUL cuts the line for some tools and bidirectional overrides reorder what
is shown. :func:`terminal_safe` writes each such character as a visible escape
(``\\x1b``, ``\\n``, ``\\u202e``), leaving every printable character, Chinese included,
as it is. :func:`json_safe` does the same inside JSON text, where the escapes stay valid
JSON. It lives in the domain layer because :class:`~cluster_planner.domain.errors.InputError`
uses it too: an error names its file in one line, whatever the file's name holds.
"""

from __future__ import annotations

import re

#: C0 controls (tab and newline too: a printed line is one line), DEL, C1 controls,
#: bidirectional marks, overrides and isolates, and the Unicode line separators.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
#: The same outside ASCII's C0 range, which JSON already escapes.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control, line-breaking and bidi character shown as an escape."""
    return UNSAFE.sub(_escape, str(text))


def json_safe(text: str) -> str:
    """JSON ``text`` with DEL, C1 controls, bidi and line-separator characters as
    ``\\uXXXX`` escapes (still the same JSON, now safe to print)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
