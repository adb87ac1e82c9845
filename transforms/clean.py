"""Raw report text to clean text: the first, minimal pass (issue 3 grows it).

One row of output per document: the cleaned text that every character offset in the warehouse
indexes. Lines are kept; whitespace inside a line is collapsed.
"""

from __future__ import annotations

import re

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def clean_text(text: str) -> str:
    """Normalize line ends, drop zero-width characters, strip each line, drop blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def dedup_key(text: str) -> str:
    """The text a document's identity is computed from: cleaned text without any whitespace."""
    return re.sub(r"\s+", "", text.translate(_ZERO_WIDTH))
