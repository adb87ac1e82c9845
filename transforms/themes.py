"""The `document_themes` table: what share of a document's sentences speak to each theme.

The theme dictionary (seeds/reference/themes.csv, `theme,term` rows) says which terms put a
sentence under a theme; a sentence can fall under several themes. Terms are matched as substrings
of the sentence text, not as tokens, so a term that jieba cuts in two (乡村振兴 → 乡村/振兴 in
other dictionaries) still counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

from transforms.models import DocumentTheme, Sentence
from transforms.resources import ThemeTerm

DOCUMENT_THEMES_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("theme", pa.string()),
        ("sentences", pa.int32()),
        ("share", pa.float64()),
        ("mentions", pa.int32()),
    ]
)


@dataclass(frozen=True)
class ThemeMatcher:
    """Every theme term in one pattern, and the themes each term belongs to."""

    themes: tuple[str, ...]  # in dictionary order
    pattern: re.Pattern[str] | None
    themes_of: dict[str, tuple[str, ...]]


_MATCHERS: dict[tuple[ThemeTerm, ...], ThemeMatcher] = {}


def theme_matcher(terms: tuple[ThemeTerm, ...]) -> ThemeMatcher:
    """The matcher for a theme dictionary, compiled once per process."""
    matcher = _MATCHERS.get(terms)
    if matcher is None:
        themes_of: defaultdict[str, list[str]] = defaultdict(list)
        order: list[str] = []
        for t in terms:
            if t.theme not in order:
                order.append(t.theme)
            if t.theme not in themes_of[t.term]:
                themes_of[t.term].append(t.theme)
        # A lookahead finds a term at every position, so overlapping terms of different themes
        # (民生 inside 民生实事, 协商 inside 协商议政) are all seen; longest first at one position.
        words = sorted(themes_of, key=lambda w: (-len(w), w))
        pattern = re.compile("(?=(" + "|".join(map(re.escape, words)) + "))") if words else None
        matcher = ThemeMatcher(tuple(order), pattern, {k: tuple(v) for k, v in themes_of.items()})
        _MATCHERS[terms] = matcher
    return matcher


def document_themes(
    doc_id: str, text: str, sentences: list[Sentence], terms: tuple[ThemeTerm, ...]
) -> list[DocumentTheme]:
    """One row per theme of the dictionary: the sentences of the document that contain one of its
    terms, their share of all sentences, and how often its terms occur (0 rows when no dictionary)."""
    matcher = theme_matcher(terms)
    hit_sentences: defaultdict[str, set[int]] = defaultdict(set)
    mentions: defaultdict[str, int] = defaultdict(int)
    if matcher.pattern is not None and sentences:
        starts = [s.char_start for s in sentences]
        for m in matcher.pattern.finditer(text):
            term = m.group(1)
            i = bisect_right(starts, m.start()) - 1
            inside = i >= 0 and m.start() + len(term) <= sentences[i].char_end
            for theme in matcher.themes_of[term]:
                mentions[theme] += 1
                if inside:
                    hit_sentences[theme].add(sentences[i].sentence_id)
    total = len(sentences)
    return [
        DocumentTheme(
            doc_id=doc_id,
            theme=theme,
            sentences=len(hit_sentences[theme]),
            share=round(len(hit_sentences[theme]) / total, 6) if total else 0.0,
            mentions=mentions[theme],
        )
        for theme in sorted(matcher.themes)
    ]
