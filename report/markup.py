"""A document's text as HTML with its sentences, metrics and entity mentions marked.

Pure: values in, a string out. Spans index the text as the warehouse does (0-based, end
exclusive). Spans may nest (a place inside a sentence) or cross (a mention that runs past the end
of a metric); HTML cannot cross, so a crossing span is split into fragments that carry the same
`data-k` key: joining the fragments of one key gives back exactly its substring of the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Span:
    """One span to mark: [start, end) of the text, rendered as `<tag attrs>…</tag>`.

    `key` is unique per span in a document (it becomes `data-k`); the first fragment also gets
    `anchor` as its id, so `page.html#anchor` scrolls to it."""

    start: int
    end: int
    key: str
    tag: str = "span"
    classes: str = ""
    anchor: str | None = None
    attrs: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Anchor:
    """An empty, zero-width element at a position (a section start): `<a id=…></a>`."""

    at: int
    anchor: str


def _open_tag(span: Span, first: bool) -> str:
    parts = [span.tag, f'data-k="{escape(span.key)}"']
    if span.classes:
        parts.append(f'class="{escape(span.classes)}"')
    if first and span.anchor:
        parts.append(f'id="{escape(span.anchor)}"')
    parts.extend(f'{name}="{escape(value)}"' for name, value in span.attrs)
    return "<" + " ".join(parts) + ">"


def render(text: str, spans: Iterable[Span], anchors: Sequence[Anchor] = ()) -> str:
    """The text, HTML-escaped, with every span wrapped in its element (split where spans cross).

    Empty or out-of-range spans are left out: there is nothing to mark. At one position, spans
    open outermost first (the longer one) and close innermost first."""
    n = len(text)
    kept = sorted(
        (s for s in spans if 0 <= s.start < s.end <= n),
        key=lambda s: (s.start, -s.end, s.key),
    )
    starts: dict[int, list[Span]] = {}
    ends: set[int] = {0, n}
    for s in kept:
        starts.setdefault(s.start, []).append(s)
        ends.add(s.start)
        ends.add(s.end)
    anchors_at: dict[int, list[Anchor]] = {}
    for a in anchors:
        if 0 <= a.at <= n:
            anchors_at.setdefault(a.at, []).append(a)
            ends.add(a.at)
    out: list[str] = []
    stack: list[Span] = []  # open elements, outermost first
    opened: set[str] = set()
    points = sorted(ends)
    for i, pos in enumerate(points):
        # close what ends here: the stack's ends never grow from bottom to top (an element that
        # would outlast its parent is split), so what ends here is on top
        while stack and stack[-1].end == pos:
            out.append(f"</{stack.pop().tag}>")
        for a in anchors_at.get(pos, ()):
            out.append(f'<a id="{escape(a.anchor)}"></a>')
        # the spans starting here open longest first; a shorter open span that the new one
        # outlasts is closed and reopened inside it, so the outer element stays outer
        for s in starts.get(pos, ()):
            reopen: list[Span] = []
            while stack and stack[-1].end < s.end:
                top = stack.pop()
                out.append(f"</{top.tag}>")
                reopen.append(top)
            out.append(_open_tag(s, first=s.key not in opened))
            opened.add(s.key)
            stack.append(s)
            for r in reversed(reopen):
                out.append(_open_tag(r, first=False))
                stack.append(r)
        if i + 1 < len(points):
            out.append(escape(text[pos : points[i + 1]], quote=False))
    while stack:
        out.append(f"</{stack.pop().tag}>")
    return "".join(out)
