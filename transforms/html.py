"""Visible text of HTML, one line per block element (the last step of transforms.extract's
cascade, and the way the other steps turn a chosen element into lines)."""

from __future__ import annotations

import lxml.html
from lxml import etree

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "title",
        "ul",
        "ol",
        "dd",
        "dt",
        "blockquote",
        "header",
        "footer",
        "nav",
        "aside",
        "pre",
        "form",
        "center",
    }
)
_CELL_TAGS = frozenset({"td", "th"})


def element_text(root: lxml.html.HtmlElement) -> str:
    """The text of an element and its descendants, a line break around every block element and
    a tab between table cells. Scripts, styles and comments must already be gone."""
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        elif tag in _CELL_TAGS:
            parts.append("\t")
        if isinstance(el.tag, str) and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return "".join(parts)


def html_to_text(html: str) -> str:
    """Visible text of a page, one line per block element; scripts, styles and comments dropped."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//comment()|//template"):
        bad.drop_tree()
    return element_text(root)
