"""terms and TextRank keywords from one segmentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.seeds import load_stopwords, load_user_dictionary
from tests.conftest import CPPCC, SEEDS
from transforms.clean import clean_text
from transforms.models import Keyword, Term
from transforms.segment import Segmentation, segment_text
from transforms.terms import (
    TEXTRANK_POS,
    count_terms,
    is_term,
    textrank_keywords,
    textrank_scores_compiled,
    textrank_scores_python,
)

WORDS = load_user_dictionary(SEEDS).words
STOPWORDS = load_stopwords(SEEDS)


def test_terms_count_tokens_without_stop_words_punctuation_and_numbers() -> None:
    seg = segment_text("提交提案266件，提案办结率100%。“十四五”的提案", WORDS)
    assert count_terms("d1", seg, STOPWORDS) == [
        Term(doc_id="d1", term="件", pos="zg", count=1),
        Term(doc_id="d1", term="办结", pos="v", count=1),
        Term(doc_id="d1", term="十四五", pos="nz", count=1),
        Term(doc_id="d1", term="提交", pos="v", count=1),
        Term(doc_id="d1", term="提案", pos="n", count=3),
        Term(doc_id="d1", term="率", pos="v", count=1),
    ]


def test_a_word_with_two_tags_gives_two_rows() -> None:
    seg = Segmentation(("发展", "发展", "发展"), ["vn", "v", "vn"], [0, 2, 4, 6])
    assert count_terms("d1", seg, frozenset()) == [
        Term(doc_id="d1", term="发展", pos="v", count=1),
        Term(doc_id="d1", term="发展", pos="vn", count=2),
    ]


def test_is_term_keeps_latin_words_and_drops_symbols() -> None:
    assert is_term("GDP", "eng", frozenset())
    assert is_term("U协商", "nz", frozenset())
    assert not is_term("·", "x", frozenset())
    assert not is_term("三十", "m", frozenset())
    assert not is_term("的", "uj", frozenset({"的"}))


def _jieba_textrank(text: str, seg: Segmentation) -> dict[str, float]:
    """Every word's score from jieba.analyse.TextRank itself, given our tokens (its tokenizer
    swapped for a stub)."""
    import jieba.analyse
    from jieba.posseg import pair

    class Tokens:
        def cut(self, _sentence: str) -> list[object]:
            return [pair(w, t) for w, t in zip(seg.words, seg.tags, strict=True)]

    reference = jieba.analyse.TextRank()
    reference.tokenizer = Tokens()
    reference.stop_words = set(STOPWORDS)
    return dict(reference.textrank(text, topK=None, withWeight=True, allowPOS=tuple(TEXTRANK_POS)))


@pytest.mark.slow
@pytest.mark.parametrize("path", CPPCC, ids=lambda p: p.stem)
def test_both_textrank_engines_give_jiebas_scores_to_the_last_bit(path: Path) -> None:
    text = clean_text(path.read_text(encoding="utf-8"))
    seg = segment_text(text, WORDS)
    expected = _jieba_textrank(text, seg)
    assert len(expected) > 300
    assert textrank_scores_python(seg.words, seg.tags, STOPWORDS) == expected
    assert textrank_scores_compiled(seg.words, seg.tags, STOPWORDS) == expected
    ours = textrank_keywords("d1", seg, STOPWORDS, compiled=True)
    best = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    assert [(k.term, k.score) for k in ours] == [(w, round(s, 6)) for w, s in best]


@pytest.mark.slow
def test_the_compiled_textrank_gives_the_python_scores_on_the_national_corpus(
    national_rows: list[dict[str, object]],
) -> None:
    """Every report of the national corpus: the numba kernel's scores equal the Python engine's,
    float for float (the Python engine is checked against jieba above)."""
    differ = []
    assert len(national_rows) == 72
    for row in national_rows:
        seg = segment_text(clean_text(str(row["content"])), WORDS)
        if textrank_scores_compiled(seg.words, seg.tags, STOPWORDS) != textrank_scores_python(
            seg.words, seg.tags, STOPWORDS
        ):
            differ.append(row["title"])
    assert differ == []


def test_textrank_engines_agree_on_edge_cases() -> None:
    cases = [
        ((), []),  # no tokens
        (("发展",), ["vn"]),  # one candidate, no pair
        (("发展", "发展"), ["vn", "vn"]),  # a word paired with itself
        (("政协", "，", "委员", "的", "协商", "履职"), ["n", "x", "n", "uj", "vn", "v"]),
        (("政协", "，", "，", "，", "，", "委员"), ["n", "x", "x", "x", "x", "n"]),  # five apart: no pair
    ]
    for words, tags in cases:
        assert textrank_scores_compiled(words, tags, STOPWORDS) == textrank_scores_python(words, tags, STOPWORDS)
    assert textrank_scores_python(("政协", "，", "，", "，", "，", "委员"), cases[4][1], STOPWORDS) == {}


def test_textrank_returns_twenty_ranked_keywords_of_a_report() -> None:
    seg = segment_text(clean_text(CPPCC[1].read_text(encoding="utf-8")), WORDS)
    keywords = textrank_keywords("d1", seg, STOPWORDS)
    assert [k.rank for k in keywords] == list(range(1, 21))
    assert keywords[0] == Keyword(doc_id="d1", method="textrank", term="委员", score=1.0, rank=1)
    assert {"协商", "政协", "界别"} <= {k.term for k in keywords}
    assert all(k.term not in STOPWORDS for k in keywords)


def test_textrank_of_a_text_without_content_words_is_empty() -> None:
    assert textrank_keywords("d1", segment_text("2024。", WORDS), STOPWORDS) == []
