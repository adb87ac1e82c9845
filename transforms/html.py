"""HTML to text (a first extractor; issue 3 measures and improves it)."""

from __future__ import annotations

import lxml.html

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "title"}


def html_to_text(html: str) -> str:
    """Visible text of a page, one line per block element; scripts, styles and comments dropped."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//comment()"):
        bad.drop_tree()
    parts: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        if el.tail:
            if el.tag in _BLOCK_TAGS:
                parts.append("\n")
            parts.append(el.tail)
    return "".join(parts)
