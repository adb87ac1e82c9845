"""document_themes: the share of a document's sentences per theme."""

from __future__ import annotations

from transforms.models import DocumentTheme, Sentence
from transforms.resources import ThemeTerm
from transforms.themes import document_themes

THEMES = (
    ThemeTerm("民生", "民生"),
    ThemeTerm("民生", "养老"),
    ThemeTerm("协商议政", "协商"),
    ThemeTerm("协商议政", "协商议政"),
    ThemeTerm("乡村振兴", "乡村振兴"),
    ThemeTerm("文化", "文化"),
)


def _sentences(text: str) -> list[Sentence]:
    out, start = [], 0
    for i, part in enumerate(text.split("\n")):
        out.append(
            Sentence(doc_id="d1", sentence_id=i, section_id=0, text=part, char_start=start, char_end=start + len(part))
        )
        start += len(part) + 1
    return out


def test_each_theme_gets_its_share_of_sentences_including_themes_never_mentioned() -> None:
    text = "围绕民生实事开展协商议政\n推进养老服务，办好民生实事\n加强协商\n建设文化中心"
    assert document_themes("d1", text, _sentences(text), THEMES) == [
        DocumentTheme(doc_id="d1", theme="乡村振兴", sentences=0, share=0.0, mentions=0),
        # at one position the longest term counts: 协商议政 once, not also the 协商 inside it
        DocumentTheme(doc_id="d1", theme="协商议政", sentences=2, share=0.5, mentions=2),
        DocumentTheme(doc_id="d1", theme="文化", sentences=1, share=0.25, mentions=1),
        DocumentTheme(doc_id="d1", theme="民生", sentences=2, share=0.5, mentions=3),
    ]


def test_a_term_in_two_themes_counts_for_both() -> None:
    themes = (ThemeTerm("生态环保", "绿色"), ThemeTerm("经济发展", "绿色"))
    text = "发展绿色产业"
    rows = document_themes("d1", text, _sentences(text), themes)
    assert [(r.theme, r.sentences, r.share) for r in rows] == [("生态环保", 1, 1.0), ("经济发展", 1, 1.0)]


def test_no_theme_dictionary_gives_no_rows_and_no_sentences_gives_zero_shares() -> None:
    assert document_themes("d1", "民生", _sentences("民生"), ()) == []
    assert document_themes("d1", "", [], THEMES)[0] == DocumentTheme(
        doc_id="d1", theme="乡村振兴", sentences=0, share=0.0, mentions=0
    )
