"""The main indicators of a government work report: which figure is the region's, a target or
an actual, an estimate, a fall, a target set in words (transforms/metrics.py with
seeds/reference/indicators.csv). The sentences are real ones from 2026 provincial reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.seeds import load_indicators
from transforms.metrics import extract_metrics
from transforms.models import Metric, Part, Section
from transforms.numbers import format_decimal
from transforms.structure import split_sections, split_sentences

REPO = Path(__file__).resolve().parents[2]
INDICATORS = load_indicators(REPO / "seeds")


def metrics_of(text: str, part: Part = "review") -> list[Metric]:
    """extract_metrics on `text` as one section of `part`, split into sentences as a report is."""
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
    sentences = split_sentences("d", text, [section])
    return extract_metrics("d", sentences, [section], INDICATORS)


def rows(text: str, part: Part = "review") -> list[tuple[str, str | None, bool, str | None]]:
    """(surface, indicator, is_target, value) of each quantity with a % or a count of people."""
    return [
        (m.surface, m.indicator, m.is_target, None if m.value is None else format_decimal(m.value))
        for m in metrics_of(text, part)
        if m.value is not None
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a part of the region is not the region
        ("沿海经济带协同效应显现，海洋生产总值增长6%左右，大连迈入万亿级城市。", [("6%左右", None, False, "6")]),
        ("分类推进县域经济特色化差异化发展，县域经济增长5.5%以上。", [("5.5%以上", None, False, "5.5")]),
        ("能源工业增加值增长8.1%。", [("8.1%", None, False, "8.1")]),
        ("跨境电商进出口增长16.3%。", [("16.3%", None, False, "16.3")]),
        ("城乡居民人均可支配收入分别增长4.4%、5.6%。", [("4.4%", None, False, "4.4"), ("5.6%", None, False, "5.6")]),
        # the region's own figure, however the clause opens
        (
            "全年实现地区生产总值5696亿元，增长5.3%，超过全国平均水平。",
            [("5696亿元", "gdp", False, "569600000000"), ("5.3%", "gdp_growth", False, "5.3")],
        ),
        (
            "规模以上工业增加值增长6.9%，社会消费品零售总额增长2.1%，进出口总额增长3.4%。",
            [
                ("6.9%", "industrial_value_added_growth", False, "6.9"),
                ("2.1%", "retail_sales_growth", False, "2.1"),
                ("3.4%", "foreign_trade_growth", False, "3.4"),
            ],
        ),
        ("全体居民人均可支配收入增长5.5%，居全国第五。", [("5.5%", "disposable_income_growth", False, "5.5")]),
        (
            "地方一般公共预算收入3723.35亿元、增长3%。",
            [("3723.35亿元", None, False, "372335000000"), ("3%", "general_budget_revenue_growth", False, "3")],
        ),
        # a fall is negative
        (
            "固定资产投资下降3.3%，进出口下降5.4%。",
            [("3.3%", "fixed_asset_investment_growth", False, "-3.3"), ("5.4%", "foreign_trade_growth", False, "-5.4")],
        ),
        ("居民消费价格微降0.1%。", [("0.1%", "cpi", False, "-0.1")]),
        ("城镇调查失业率降至5.2%。", [("5.2%", "urban_unemployment_rate", False, "5.2")]),
        # a change whose clause has only its verb belongs to the subject named before
        (
            "对中亚五国进出口分别增长37.2%，全省进出口总值创历史新高，达到5379亿元、增长18.5%。",
            [
                ("37.2%", None, False, "37.2"),
                ("5379亿元", None, False, "537900000000"),
                ("18.5%", "foreign_trade_growth", False, "18.5"),
            ],
        ),
    ],
)
def test_the_region_s_own_figure_gets_the_indicator(
    sentence: str, expected: list[tuple[str, str | None, bool, str]]
) -> None:
    assert rows(sentence) == expected


def test_one_figure_for_two_subjects_is_a_row_for_each() -> None:
    assert rows("社会消费品零售总额、固定资产投资增长4%左右。", "plan") == [
        ("4%左右", "retail_sales_growth", True, "4"),
        ("4%左右", "fixed_asset_investment_growth", True, "4"),
    ]


def test_a_target_paragraph_in_the_review_part_sets_targets() -> None:
    text = (
        "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，在实际工作中努力争取更好结果；"
        "城镇调查失业率5.7%左右，城镇新增就业18万人以上；居民消费价格涨幅2%左右。"
    )
    assert [(m.indicator, m.is_target) for m in metrics_of(text, "review")] == [
        ("gdp_growth", True),
        ("urban_unemployment_rate", True),
        ("urban_new_jobs", True),
        ("cpi", True),
    ]


def test_a_target_set_in_words_is_a_row_without_a_value() -> None:
    text = (
        "今年经济社会发展主要预期目标是：地区生产总值增长4.5%，一般公共预算收入增长2%；固定资产投资提质增效；"
        "居民收入增长和经济增长基本同步；完成国家下达的粮食生产、单位生产总值二氧化碳减排目标任务。"
    )
    words = [(m.indicator, m.stated_in_words, m.surface) for m in metrics_of(text, "plan") if m.value is None]
    assert words == [
        ("fixed_asset_investment_growth", "提质增效", "固定资产投资提质增效"),
        ("disposable_income_growth", "和经济增长基本同步", "居民收入增长和经济增长基本同步"),
        (
            "grain_output",
            "完成国家下达的粮食生产、单位生产总值二氧化碳减排目标任务",
            "完成国家下达的粮食生产、单位生产总值二氧化碳减排目标任务",
        ),
    ]
    assert all(m.is_target and m.unit == "" for m in metrics_of(text, "plan") if m.value is None)


def test_a_five_year_plan_s_goals_are_not_stated_in_words_for_the_year() -> None:
    text = "《纲要》提出今后五年经济和社会发展的主要目标是：国民经济保持较快发展速度，经济增长质量和效益显著提高。"
    assert [m for m in metrics_of(text, "plan") if m.value is None] == []


def test_an_estimate_is_flagged() -> None:
    found = [(m.indicator, m.is_estimate) for m in metrics_of("预计全年地区生产总值增长5%左右。")]
    assert found == [("gdp_growth", True)]
    assert [m.is_estimate for m in metrics_of("地区生产总值增长5%。")] == [False]


def test_a_paragraph_about_five_years_gives_no_actual_of_the_year() -> None:
    text = "\n".join(
        [
            "“十四五”时期发展成就和2025年工作回顾",
            "这五年综合经济实力大幅提升。常住人口城镇化率达到71.5%。",
            "2025年，常住人口城镇化率达到72%。",
        ]
    )
    sections = split_sections("d", text, review_year=2025, plan_year=2026)
    sentences = split_sentences("d", text, sections)
    found = [(m.surface, m.indicator) for m in extract_metrics("d", sentences, sections, INDICATORS)]
    assert found == [("71.5%", None), ("72%", "urbanization_rate")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # national reports: the change of a level is no level; a clause of 达到 alone takes the subject before
        (
            "粮食总产量增加109亿公斤，达到4024亿公斤。",
            [("109亿公斤", None, False, "10900000000"), ("4024亿公斤", "grain_output", False, "402400000000")],
        ),
        (
            "粮食总产量在上年大幅度增长的基础上，又增产291亿斤，达到9680亿斤。",
            [("291亿斤", None, False, "29100000000"), ("9680亿斤", "grain_output", False, "968000000000")],
        ),
        ("城镇新增就业预期目标比去年多100万人。", [("100万人", None, False, "1000000")]),
    ],
)
def test_a_level_is_told_from_its_change(sentence: str, expected: list[tuple[str, str | None, bool, str]]) -> None:
    assert rows(sentence) == expected


def test_a_short_lead_about_five_years_speaks_for_the_topic_paragraphs_after_it() -> None:
    text = "\n".join(
        [
            "一、“十四五”时期和2025年工作回顾",
            "过去的五年极不寻常。在省委坚强领导下，经济社会发展取得新成就。",
            "综合实力稳步提升。常住人口城镇化率60%。",
            "民生福祉不断增进。城镇新增就业603.7万人，居民人均可支配收入年均增长6%。",
            "刚刚过去的2025年很不平凡。生产总值增长5.6%。",
            "（一）千方百计稳就业。突出抓好重点群体就业，城镇新增就业121.7万人。",
        ]
    )
    sections = split_sections("d", text, review_year=2025, plan_year=2026)
    sentences = split_sentences("d", text, sections)
    found = [(m.surface, m.indicator) for m in extract_metrics("d", sentences, sections, INDICATORS)]
    assert found == [
        ("60%", None),
        ("603.7万人", None),
        ("6%", None),
        ("5.6%", "gdp_growth"),
        ("121.7万人", "urban_new_jobs"),
    ]


def test_a_past_cue_in_another_clause_of_the_target_sentence_leaves_the_words_targets() -> None:
    text = (
        "主要预期目标是：经济增长5%左右，进出口稳量提质，一般公共预算收入增长4%左右，"
        "居民收入增长与经济增长同步，粮食产量1300亿斤以上、力争比去年实现更多增长。"
    )
    words = [(m.indicator, m.stated_in_words) for m in metrics_of(text, "plan") if m.value is None]
    assert words == [("foreign_trade_growth", "稳量提质"), ("disposable_income_growth", "与经济增长同步")]
    assert [
        m for m in metrics_of("去年主要预期目标是：居民收入增长与经济增长同步。", "review") if m.value is None
    ] == []


def test_a_measure_named_by_its_own_phrase_can_be_a_target_in_words() -> None:
    text = "今年经济社会发展主要预期目标是：地区生产总值增长7%以上，城镇调查失业率控制在5%以内，居民消费价格合理回升。"
    words = [(m.indicator, m.stated_in_words) for m in metrics_of(text, "plan") if m.value is None]
    assert words == [("cpi", "合理回升")]


def test_a_review_paragraph_ending_on_five_years_leads_the_topic_paragraphs_after_it() -> None:
    text = "\n".join(
        [
            "（六）民生福祉改善迈出坚实步伐。城镇新增就业124.9万人。",
            "各位代表！2025年是“十四五”收官之年。五年来，我们牢记嘱托、感恩奋进，现代化强省建设实现良好开局。",
            "——经济综合实力实现新跃升。经济总量占全国比重由2020年的7.2%提升至7.4%。"
            "工业、消费、进出口等年均增速高于全国，粮食总产稳定在1100亿斤以上。",
            "——城乡区域协调发展实现新跃升。常住人口城镇化率达到67.5%、5年提高4.5个百分点。",
            "——人民生活水平实现新跃升。居民人均可支配收入增长34.3%。",
        ]
    )
    found = [(m.surface, m.indicator) for m in metrics_of(text, "review") if m.indicator is not None]
    assert found == [("124.9万人", "urban_new_jobs")]
