"""Text from lists, servers and APIs made safe to print on a terminal or a CI log.

A title can hold an escape sequence (`\\x1b[2J`, an OSC 8 hyperlink, a bidi override) and a
file name can hold a newline; printed raw, the first rewrites the user's terminal and the
second starts a line of its own (`::error ...` in a GitHub Actions log is a command).
`printable` shows every such character as an escape (`\\x1b`, `\\n`, `\\u202e`), so each
record stays one visible line; `printable_lines` keeps the line breaks of multi-line output
(Markdown) and escapes the rest; `json_printable` does the same for JSON text, whose
encoder already escapes C0 controls but leaves DEL, C1 controls and separators raw.
Pure, standard library only.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# controls that can reorder what a line appears to say ("Trojan source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` as one line with every control character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """`text` with its line breaks and tabs kept and every other control escaped."""
    return _UNSAFE_KEEPING_LINES.sub(_escape, text.replace("\r\n", "\n"))


def json_printable(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters that
    encoder leaves raw written as `\\uXXXX` escapes: the same JSON, safe on a terminal."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
