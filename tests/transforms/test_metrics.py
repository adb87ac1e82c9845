"""Metrics: every quantity in a report, parsed exactly (transforms/metrics.py)."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from flows.seeds import load_indicators, load_user_dictionary
from transforms.clean import clean_text
from transforms.indicators import Indicator, indicators_from_rows, match_indicator
from transforms.metrics import extract_metrics, scan_quantities
from transforms.models import Metric, Part, Section, Sentence
from transforms.numbers import format_decimal
from transforms.segment import segment_text
from transforms.structure import split_sections, split_sentences

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "metrics"
CPPCC = sorted((REPO / "seeds" / "reports" / "cppcc").glob("*.txt"))
INDICATORS = load_indicators(REPO / "seeds")
WORDS = load_user_dictionary(REPO / "seeds").words

Row = tuple[str, str, str | None, str, str | None]  # surface, value, value_high, unit, qualifier


def quantities(text: str) -> list[Row]:
    return [
        (
            h.surface,
            format_decimal(h.value),
            None if h.value_high is None else format_decimal(h.value_high),
            h.unit,
            h.qualifier,
        )
        for h in scan_quantities(text)
    ]


def one_sentence(text: str, part: Part = "other") -> list[Metric]:
    """extract_metrics on a one-sentence document whose only section has `part`."""
    section = Section(
        doc_id="d",
        section_id=0,
        parent_section_id=None,
        depth=0,
        heading="",
        part=part,
        char_start=0,
        char_end=len(text),
    )
    sentence = Sentence(doc_id="d", sentence_id=0, section_id=0, text=text, char_start=0, char_end=len(text))
    return extract_metrics("d", [sentence], [section], INDICATORS, segment_text(text, WORDS), WORDS)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "累计开展重大协商议政活动32项、提交提案266件",
            [("32项", "32", None, "项", None), ("266件", "266", None, "件", None)],
        ),
        ("撬动社会资金1500余万元投入民生领域", [("1500余万元", "15000000", None, "元", "more_than")]),
        ("今年委员“三下沉”机制累计服务群众1.4万人次", [("1.4万人次", "14000", None, "人次", None)]),
        ("办结率、满意率达100%", [("100%", "100", None, "%", None)]),
        ("今年发展主要预期目标是：国内生产总值增长5%左右", [("5%左右", "5", None, "%", "about")]),
        ("国内生产总值增长6%－6.5%", [("6%－6.5%", "6", "6.5", "%", "range")]),
        ("国内生产总值增长6%以上", [("6%以上", "6", None, "%", "more_than")]),
        ("创新党政领导领办重点提案和百余名委员", [("百余名", "100", None, "名", "more_than")]),
        ("被全国政协、省政协分别采用38篇、77篇", [("38篇", "38", None, "篇", None), ("77篇", "77", None, "篇", None)]),
        ("今年经济增长速度的宏观调控目标，定为百分之八至九", [("百分之八至九", "8", "9", "%", "range")]),
        ("国民生产总值增长百分之七点五", [("百分之七点五", "7.5", None, "%", None)]),
        ("粮食产量达到四亿零七百多万吨", [("四亿零七百多万吨", "407000000", None, "吨", "more_than")]),
        ("实际使用的国外资金达二十六亿六千万美元", [("二十六亿六千万美元", "2660000000", None, "美元", None)]),
        (
            "经济增长速度8 ％，商品零售价格涨幅控制在3 ％以内",
            [("8 ％", "8", None, "%", None), ("3 ％以内", "3", None, "%", "up_to")],
        ),
        ("城镇新增就业1200万人以上", [("1200万人以上", "12000000", None, "人", "more_than")]),
        ("比上年提高两个百分点", [("两个百分点", "2", None, "个百分点", None)]),
        (
            "全国平均每人占有粮食近八百斤，棉花十多斤",
            [("八百斤", "800", None, "斤", "about"), ("十多斤", "10", None, "斤", "more_than")],
        ),
        ("个人所得税专项附加扣除标准，6600多万纳税人受益", [("6600多万", "66000000", None, "", "more_than")]),
        ("吸纳就业3-5万人", [("3-5万人", "30000", "50000", "人", "range")]),
        ("中央预算内投资拟安排7000亿元", [("7000亿元", "700000000000", None, "元", None)]),
        (
            "建设读书阵地16个，开展委员荐书、线上读书等活动78场，参与委员1000余人次",
            [
                ("16个", "16", None, "个", None),
                ("78场", "78", None, "场", None),
                ("1000余人次", "1000", None, "人次", "more_than"),
            ],
        ),
        ("约5000人参加", [("5000人", "5000", None, "人", "about")]),
        ("城镇登记失业率4.5%以内", [("4.5%以内", "4.5", None, "%", "up_to")]),
        ("不低于3000家", [("3000家", "3000", None, "家", "at_least")]),
    ],
)
def test_quantities_in_real_sentences_come_out_exact(sentence: str, expected: list[Row]) -> None:
    assert quantities(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年是全面贯彻落实中共二十大精神的开局之年",  # a year
        "日期:01-24 版面:第02版:要闻 (下转第2版)",  # dates, edition numbers
        "发布日期:2024-11-28",
        "一年来，我们牢固树立系统思维",  # a duration
        "五年来，区政协主动把服务助推作为主线；近两年组织调研",
        "一是平台建设更加有力。二是助力大局更加有效",  # list markers
        "政协第十四届余姚市委员会第三次会议",  # term and meeting numbers
        "深入学习贯彻党的二十大和二十届三中全会精神",
        "坚定拥护“两个确立”，坚决做到“两个维护”，增强“四个意识”",  # numbered formulas
        "深入实施“八八战略”，落实省委三个“一号工程”",
        "推动区内“4+4”现代化产业体系、“10+2”重点工作、“1+N”课题机制",
        "打造“联片进镇帮村”履职品牌3.0版",
        "今年是人民政协成立75周年",  # an anniversary
        "全国两会胜利召开",  # cn2an #46
        "下午两点半开会",  # cn2an #87
        "统一零售价，统一战线",  # cn2an #26
        "高质量共建“一带一路”",
        "深化“千万工程”，把温暖送到千家万户",
        "惠及上千万家庭",
        "创新百名委员促进提案办理制度，完成《百村赋》编纂",
        "十七十八岁的青年",  # cn2an #24
        "电话：0574-62701234，邮编315400，浙ICP备05012345号",
        "5G用户普及率提高，国产大飞机C919投入运营",
        "每10万人口拥有医生数增加",
        "位居绍兴第一、全省前列",
        "组织循迹溯源现场学习",
        "打造“一委一品”，实施“六治六提六争”",
    ],
)
def test_look_alikes_are_not_metrics(sentence: str) -> None:
    assert quantities(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("小于40万", [("40万", "400000", None, "", "up_to")]),  # JioNLP #240 raised here
        ("小于40万元", [("40万元", "400000", None, "元", "up_to")]),
        ("项目投资3541.07万元2", [("3541.07万元", "35410700", None, "元", None)]),  # JioNLP #49
        ("合同金额100000万美元", [("100000万美元", "1000000000", None, "美元", None)]),  # JioNLP #151
        ("单价123元1角1分", [("123元1角1分", "123.11", None, "元", None)]),  # JioNLP #257 gave 6.11
        ("增长1.57%", [("1.57%", "1.57", None, "%", None)]),  # cn2an #26: 1.5699999999999998
        ("十七十八个", []),  # cn2an #24 gave 88
        ("两三个", []),
        ("全国两会", []),
    ],
)
def test_known_failures_of_jionlp_and_cn2an_give_no_wrong_number(sentence: str, expected: list[Row]) -> None:
    assert quantities(sentence) == expected


def test_no_value_carries_a_float_artefact_across_the_national_corpus(national_rows: list[dict[str, object]]) -> None:
    for row in national_rows[::6]:
        for hit in scan_quantities(str(row["content"])):
            for v in (hit.value, hit.value_high):
                if v is not None:
                    assert isinstance(v, Decimal)
                    digits = format_decimal(v)
                    assert "99999" not in digits.split(".")[-1] and "00001" not in digits.split(".")[-1], hit


def test_a_rate_list_gives_one_row_per_rate_with_its_own_indicator() -> None:
    rows = one_sentence("交办提案167件，其中重点提案17件，办结率、满意率达100%")
    assert [(r.surface, r.what, r.indicator) for r in rows] == [
        ("167件", "提案", "proposals_filed"),
        ("17件", "重点提案", None),
        ("100%", "办结率", "proposals_completion_rate"),
        ("100%", "满意率", "proposals_satisfaction_rate"),
    ]
    assert rows[2].char_start == rows[3].char_start
    assert len({r.metric_id for r in rows}) == 4


@pytest.mark.parametrize(
    ("sentence", "what", "verb"),
    [
        ("提交提案266件", "提案", "提交"),
        ("撬动社会资金1500余万元投入民生领域", "社会资金", "撬动"),
        ("14篇社情民意信息被国务院批示", "社情民意信息", "批示"),  # the action on it, after the agent
        ("高质量办理1069件提案", "提案", "办理"),
        ("惠及青年2800余人", "青年", "惠及"),
    ],
)
def test_what_is_the_counted_noun_and_verb_the_verb_that_governs_it(sentence: str, what: str, verb: str | None) -> None:
    [row] = one_sentence(sentence)
    assert (row.what, row.verb) == (what, verb)


def test_a_later_number_of_the_same_list_counts_the_same_thing() -> None:
    rows = one_sentence("编发社情民意信息467篇，被全国政协、省政协分别采用38篇、77篇")
    assert [(r.what, r.indicator) for r in rows] == [
        ("社情民意信息", "social_info_reports"),
        ("社情民意信息", "social_info_adopted"),
        ("社情民意信息", "social_info_adopted"),
    ]


@pytest.mark.parametrize(
    ("sentence", "part", "is_target"),
    [
        ("今年发展主要预期目标是：国内生产总值增长5%左右", "plan", True),
        ("今年发展主要预期目标是：国内生产总值增长5%左右", "other", True),
        ("赤字率拟按3%安排", "plan", True),
        ("全年国内生产总值增长2.3%", "review", False),
        ("累计开展重大协商议政活动32项", "review", False),
        ("经济增长速度的调控目标定为8%，物价上涨幅度比去年的实际涨幅低一些", "other", True),
        ("国内生产总值比上年增长7.8%，虽然略低于8%的预定目标", "review", False),
        ("2012年，全面实现年初确定的主要目标，国内生产总值增长7.8%", "review", False),
        ("五年来，共举行专题议政性常委会16次", "plan", False),
    ],
)
def test_is_target_follows_the_part_and_the_cue_words(sentence: str, part: Part, is_target: bool) -> None:
    rows = one_sentence(sentence, part)
    assert rows and all(r.period == part for r in rows)
    assert rows[0].is_target is is_target


def test_a_target_list_opened_by_a_colon_carries_through_its_items() -> None:
    text = (
        "今年经济社会发展的主要预期目标是：\n国内生产总值增长7.5%；城镇新增就业900万人以上，"
        "城镇登记失业率控制在4.6%以内。\n去年国内生产总值增长9.2%。"
    )
    sections = split_sections("d", text)
    rows = extract_metrics(
        "d", split_sentences("d", text, sections), sections, INDICATORS, segment_text(text, WORDS), WORDS
    )
    assert [(r.surface, r.is_target, r.indicator) for r in rows] == [
        ("7.5%", True, "gdp_growth"),
        ("900万人以上", True, "urban_new_jobs"),
        ("4.6%以内", True, "urban_unemployment_rate"),
        ("9.2%", False, "gdp_growth"),
    ]


@pytest.mark.parametrize(
    ("sentence", "indicator"),
    [
        ("国内生产总值达到134.9万亿元、增长5%", "gdp_growth"),
        ("今年计划国内生产总值增长百分之九", "gdp_growth"),
        ("进出口增长6%左右", "foreign_trade_growth"),
        ("跨境电商进出口增长16.3%", None),
        ("国内生产总值从54万亿元增加到82.7万亿元，年均增长7.1%", None),
        ("2005年与2000年相比，国内生产总值增长57.3%", None),
        ("单位国内生产总值能耗降低3%左右", "energy_intensity"),
        ("对全球经济增长的贡献率保持在30%左右", None),
        ("居民消费价格涨幅3%左右", "cpi"),
        ("赤字率拟按4%左右安排", "fiscal_deficit_ratio"),
        ("粮食产量1.3万亿斤以上", "grain_output"),
        ("开展委员视察6次", "inspections"),
        ("开展民生协商议事370余场", "consultation_activities"),
        ("提交提案266件", "proposals_submitted"),
    ],
)
def test_indicators_come_from_the_reference_phrases(sentence: str, indicator: str | None) -> None:
    rows = one_sentence(sentence)
    assert rows[-1].indicator == indicator


def test_an_analyst_adds_an_indicator_by_adding_a_csv_row() -> None:
    extra = indicators_from_rows(
        [{"indicator": "tourism_revenue_growth", "name": "旅游收入增长", "unit": "%", "phrases": "旅游…收入…增长"}]
    )
    found = match_indicator(INDICATORS + extra, "%", "，旅游总收入增长", "旅游总收入增长6%左右")
    assert found == "tourism_revenue_growth"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"indicator": "GDP", "unit": "%", "phrases": "x"}, "lower_snake_case"),
        ({"indicator": "gdp", "unit": "", "phrases": "x"}, "at least one unit"),
        ({"indicator": "gdp", "unit": "%", "phrases": "x", "better": "up"}, "better"),
    ],
)
def test_a_bad_indicator_row_is_named_in_the_error(row: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        indicators_from_rows([row])


def test_the_reference_csv_has_the_indicators_the_issue_asks_for() -> None:
    codes = {i.code for i in INDICATORS}
    assert {
        "gdp_growth", "cpi", "urban_new_jobs", "urban_unemployment_rate", "grain_output", "fiscal_deficit_ratio",
        "energy_intensity", "proposals_submitted", "proposals_filed", "proposals_handled", "social_info_reports",
        "consultation_activities", "inspections",
    } <= codes  # fmt: skip
    assert all(isinstance(i, Indicator) and i.units and i.phrases for i in INDICATORS)


# --- golden files: the quantities of the three 政协 seed reports, exactly ----------------------------

Key = tuple[str, str, str, str, str, str]


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _golden(stem: str) -> Counter[Key]:
    with (GOLDEN / f"{stem}.csv").open(encoding="utf-8", newline="") as f:
        return Counter(
            (_fold(r["context"])[-4:], _fold(r["surface"]), r["value"], r["value_high"], r["unit"], r["qualifier"])
            for r in csv.DictReader(f)
        )


def _extracted(path: Path) -> Counter[Key]:
    text = clean_text(path.read_text(encoding="utf-8"))
    sections = split_sections("d", text)
    rows = extract_metrics(
        "d", split_sentences("d", text, sections), sections, INDICATORS, segment_text(text, WORDS), WORDS
    )
    return Counter(
        (
            _fold(text[max(0, r.char_start - 12) : r.char_start])[-4:],
            _fold(r.surface),
            format_decimal(r.value),
            "" if r.value_high is None else format_decimal(r.value_high),
            r.unit,
            r.qualifier or "",
        )
        for r in rows
    )


def test_golden_metrics_are_found_exactly() -> None:
    """Every quantity of the golden files and nothing else: a row that appears or goes away is a
    contract change (tests/golden/metrics/README.md)."""
    for path in CPPCC:
        gold, got = _golden(path.stem), _extracted(path)
        missed = [f"missed {k}" for k in gold - got]
        extra = [f"extra {k}" for k in got - gold]
        assert got == gold, f"{path.stem}: " + "\n".join(missed + extra)
    assert sum(sum(_golden(p.stem).values()) for p in CPPCC) == 101, "the golden files lost or gained rows"


def test_metric_offsets_index_the_document_text() -> None:
    for path in CPPCC:
        text = clean_text(path.read_text(encoding="utf-8"))
        sections = split_sections("d", text)
        sentences = split_sentences("d", text, sections)
        by_id = {s.sentence_id: s for s in sentences}
        for r in extract_metrics("d", sentences, sections, INDICATORS):
            assert text[r.char_start : r.char_end] == r.surface
            s = by_id[r.sentence_id]
            assert s.char_start <= r.char_start < r.char_end <= s.char_end
