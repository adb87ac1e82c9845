"""terms and TextRank keywords from one segmentation."""

from __future__ import annotations

from flows.seeds import load_stopwords, load_user_dictionary
from tests.conftest import CPPCC, SEEDS
from transforms.clean import clean_text
from transforms.models import Keyword, Term
from transforms.segment import Segmentation, segment_text
from transforms.terms import TEXTRANK_POS, count_terms, is_term, textrank_keywords

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


def test_textrank_agrees_with_jieba_textrank_on_the_same_tokens() -> None:
    """jieba.analyse.TextRank given our tokens (its own tokenizer swapped for a stub) ranks the
    same words with the same scores."""
    import jieba.analyse
    from jieba.posseg import pair

    text = clean_text(CPPCC[0].read_text(encoding="utf-8"))
    seg = segment_text(text, WORDS)

    class Tokens:
        def cut(self, _sentence: str) -> list[object]:
            return [pair(w, t) for w, t in zip(seg.words, seg.tags, strict=True)]

    reference = jieba.analyse.TextRank()
    reference.tokenizer = Tokens()
    reference.stop_words = set(STOPWORDS)
    expected = reference.textrank(text, topK=20, withWeight=True, allowPOS=tuple(TEXTRANK_POS))
    ours = textrank_keywords("d1", seg, STOPWORDS)
    assert [k.term for k in ours][:10] == [w for w, _ in expected][:10]
    assert {k.term: k.score for k in ours} == {w: round(s, 6) for w, s in expected}


def test_textrank_returns_twenty_ranked_keywords_of_a_report() -> None:
    seg = segment_text(clean_text(CPPCC[1].read_text(encoding="utf-8")), WORDS)
    keywords = textrank_keywords("d1", seg, STOPWORDS)
    assert [k.rank for k in keywords] == list(range(1, 21))
    assert keywords[0] == Keyword(doc_id="d1", method="textrank", term="委员", score=1.0, rank=1)
    assert {"协商", "政协", "界别"} <= {k.term for k in keywords}
    assert all(k.term not in STOPWORDS for k in keywords)


def test_textrank_of_a_text_without_content_words_is_empty() -> None:
    assert textrank_keywords("d1", segment_text("2024。", WORDS), STOPWORDS) == []
