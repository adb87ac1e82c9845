"""Segmentation: the user dictionary's validation, the segmentation we rely on, and rjieba = jieba."""

from __future__ import annotations

import gzip
import json

import pytest

from flows.seeds import load_user_dictionary
from tests.conftest import CPPCC, NATIONAL, SEEDS
from transforms.clean import clean_text
from transforms.segment import (
    UserWord,
    parse_user_dictionary,
    reference_segment_text,
    segment_text,
    user_words_key,
)

WORDS = load_user_dictionary(SEEDS).words


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # user-dictionary brands and formulas stay whole
        ("持续擦亮“委员微协商”为民履职品牌", "持续/擦亮/“/委员微协商/”/为民/履职/品牌"),
        (
            "努力做“两个确立”的坚定捍卫者、“两个维护”的忠实践行者。",
            "努力/做/“/两个确立/”/的/坚定/捍卫者/、/“/两个维护/”/的/忠实/践行者/。",
        ),
        # numbers stay apart from their units (metrics reads the text, terms drop the numbers)
        ("累计开展重大协商议政活动32项、提交提案266件", "累计/开展/重大/协商议政/活动/32/项/、/提交/提案/266/件"),
        ("2024年是实现“十四五”规划目标的关键一年", "2024/年/是/实现/“/十四五/”/规划/目标/的/关键/一年"),
        ("建立委员联系服务界别群众工作机制", "建立/委员/联系/服务/界别群众/工作/机制"),
        ("高水平打造共同富裕和中国式现代化县域样板", "高水平/打造/共同富裕/和/中国式现代化/县域/样板"),
        ("（冯 楠）", "（/冯/ /楠/）"),
    ],
)
def test_segmentation_of_sentences_we_rely_on(sentence: str, expected: str) -> None:
    seg = segment_text(sentence, WORDS)
    assert "/".join(seg.words) == expected


def test_tokens_concatenate_back_to_the_text_with_offsets() -> None:
    text = clean_text(CPPCC[1].read_text(encoding="utf-8"))
    seg = segment_text(text, WORDS)
    assert "".join(seg.words) == text
    assert seg.starts[-1] == len(text)
    assert all(text[seg.starts[i] : seg.starts[i + 1]] == w for i, w in enumerate(seg.words))


def test_user_dictionary_tags_win_over_the_main_dictionary() -> None:
    seg = segment_text("实现十四五规划", (UserWord("十四五", None, "nz"),))
    assert list(zip(seg.words, seg.tags, strict=True)) == [("实现", "v"), ("十四五", "nz"), ("规划", "n")]


def test_seed_user_dictionary_loads_without_problems() -> None:
    problems = load_user_dictionary(SEEDS).problems
    assert problems == ()
    assert UserWord("委员微协商", None, "nz") in WORDS


def test_user_dictionary_validation_reports_bom_crlf_and_entries_jieba_would_ignore() -> None:
    text = (
        "\ufeff政协 n\r\n书香政协·U学堂 nz\r\n糖类抗原19-9 5\r\n4+X nz\r\n政协 nt\r\n# a comment\r\n\r\n十四五 3 nz\r\n"
    )
    d = parse_user_dictionary(text)
    assert d.words == (UserWord("政协", None, "n"), UserWord("4+X", None, "nz"), UserWord("十四五", 3, "nz"))
    assert [(p.reason, p.line) for p in d.problems] == [
        ("bom", ""),
        ("crlf", ""),
        ("unsegmentable", "书香政协·U学堂 nz"),
        ("unsegmentable", "糖类抗原19-9 5"),
        ("duplicate", "政协 nt"),
    ]
    assert [p.line_no for p in d.rejected] == [2, 3, 5]
    assert "'·'" in d.rejected[0].message


def test_tokenizer_cache_key_is_the_dictionary_content() -> None:
    assert user_words_key((UserWord("政协"),)) == user_words_key((UserWord("政协"),))
    assert user_words_key((UserWord("政协"),)) != user_words_key((UserWord("政协", None, "nt"),))


@pytest.mark.slow
@pytest.mark.parametrize("path", CPPCC, ids=lambda p: p.stem)
def test_rjieba_gives_jiebas_tokens_and_tags_on_the_cppcc_reports(path: object) -> None:
    text = clean_text(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    assert segment_text(text, WORDS) == reference_segment_text(text, WORDS)


@pytest.mark.slow
def test_rjieba_gives_jiebas_tokens_and_tags_on_the_national_corpus() -> None:
    import opencc

    to_simplified = opencc.OpenCC("t2s")  # documents.text is Simplified: the 1954 report is converted
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as f:
        texts = {r["title"]: to_simplified.convert(clean_text(r["content"])) for r in map(json.loads, f)}
    differing = [
        title for title, text in texts.items() if segment_text(text, WORDS) != reference_segment_text(text, WORDS)
    ]
    assert differing == []
