"""v_indicator_series: one row per (indicator, region, year), target beside actual, and the gap."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from tests.sql import metric_rows
from tests.sql.metric_rows import create_view, warehouse


def add_document(con: duckdb.DuckDBPyConnection, doc_id: str, **cols: object) -> None:
    """A national government report unless `cols` say otherwise."""
    metric_rows.add_document(con, doc_id, **{"level": "national", "body_type": "政府", **cols})


def add_metric(con: duckdb.DuckDBPyConnection, doc_id: str, n: int, indicator: str, surface: str, value: str | None,
               **cols: object) -> None:  # fmt: skip
    metric_rows.add_metric(
        con, doc_id, n, indicator=indicator, surface=surface, number_text=value or "",
        value=Decimal(value) if value else None, **cols,
    )  # fmt: skip


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = warehouse()
    for code, better in [("gdp_growth", "higher"), ("urban_unemployment_rate", "lower"), ("grain_output", "higher")]:
        con.execute("insert into ref_indicators (indicator, name, unit, phrases, better) values (?, ?, '%', ?, ?)",
                    [code, code, code, better])  # fmt: skip
    add_document(con, "r2024", plan_year=2024, review_year=2023)
    add_document(con, "r2025", plan_year=2025, review_year=2024)
    add_document(con, "cppcc2025", body_type="政协", plan_year=2025, review_year=2024)
    add_metric(con, "r2024", 0, "gdp_growth", "5.2%", "5.2")
    add_metric(con, "r2024", 1, "urban_unemployment_rate", "5.2%", "5.2")
    add_metric(con, "r2024", 2, "gdp_growth", "5%左右", "5", qualifier="about", is_target=True, period="plan")
    add_metric(con, "r2024", 3, "urban_unemployment_rate", "5.5%左右", "5.5", qualifier="about", is_target=True)
    add_metric(con, "r2024", 4, "grain_output", "1.3万亿斤以上", "1300000000000", unit="斤", qualifier="more_than",
               is_target=True)  # fmt: skip
    add_metric(con, "r2025", 0, "gdp_growth", "5%", "5")
    add_metric(con, "r2025", 1, "grain_output", "7亿吨", "700000000", unit="吨")
    add_metric(con, "r2025", 2, "gdp_growth", "5%左右", "5", qualifier="about", is_target=True, period="plan")
    add_metric(con, "r2025", 3, "gdp_growth", "5%左右", "5", qualifier="about", is_target=True, period="plan")
    # a 政协 report quoting a different figure loses to the government's own report
    add_metric(con, "cppcc2025", 0, "gdp_growth", "4.9%", "4.9")
    create_view(con, "v_indicator_series")
    return con


def test_targets_and_actuals_of_a_year_sit_side_by_side_with_the_gap(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select indicator, region_name, year, target_value, target_qualifier, target_unit, target_mentions,"
        " actual_value, actual_unit, actual_doc_id, actual_mentions, gap, target_met"
        " from v_indicator_series order by indicator, year"
    ).fetchall()
    assert rows == [
        ("gdp_growth", "全国", 2023, None, None, None, 0, Decimal("5.2"), "%", "r2024", 1, None, None),
        ("gdp_growth", "全国", 2024, Decimal(5), "about", "%", 1, Decimal(5), "%", "r2025", 2, Decimal(0), True),
        ("gdp_growth", "全国", 2025, Decimal(5), "about", "%", 2, None, None, None, 0, None, None),
        # target in 斤, actual in 吨: no gap rather than a wrong one
        ("grain_output", "全国", 2024, Decimal(1300000000000), "more_than", "斤", 1, Decimal(700000000), "吨",
         "r2025", 1, None, None),
        ("urban_unemployment_rate", "全国", 2023, None, None, None, 0, Decimal("5.2"), "%", "r2024", 1, None, None),
        ("urban_unemployment_rate", "全国", 2024, Decimal("5.5"), "about", "%", 1, None, None, None, 0, None, None),
    ]  # fmt: skip


def test_lower_is_better_indicators_are_met_when_the_actual_stays_below(con: duckdb.DuckDBPyConnection) -> None:
    add_document(con, "r2024b", plan_year=2024, review_year=2023, region_code="330200", city="宁波市", level="city")
    add_document(con, "r2025b", plan_year=2025, review_year=2024, region_code="330200", city="宁波市", level="city")
    add_metric(con, "r2024b", 0, "urban_unemployment_rate", "6%－6.5%", "6", value_high=Decimal("6.5"),
               qualifier="range", is_target=True)  # fmt: skip
    add_metric(con, "r2025b", 0, "urban_unemployment_rate", "6.3%", "6.3")
    rows = con.execute(
        "select region_code, region_name, level, year, target_value, target_value_high, actual_value, gap, target_met"
        " from v_indicator_series where region_code = '330200'"
    ).fetchall()
    assert rows == [
        ("330200", "宁波市", "city", 2024, Decimal(6), Decimal("6.5"), Decimal("6.3"), Decimal("0.3"), True),
    ]


def test_the_view_runs_on_an_empty_warehouse() -> None:
    con = warehouse()
    create_view(con, "v_indicator_series")
    assert con.execute("select count(*) from v_indicator_series").fetchall() == [(0,)]


def test_every_province_is_its_own_row_and_a_target_in_words_is_told_from_none(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for code, name in [("120000", "天津市"), ("220000", "吉林省")]:
        add_document(con, f"p{code}", plan_year=2026, review_year=2025, region_code=code, province=name,
                     level="province")  # fmt: skip
        add_metric(con, f"p{code}", 0, "gdp_growth", "4.5%", "4.5", is_target=True, period="plan")
        add_metric(con, f"p{code}", 1, "gdp_growth", "4.8%", "4.8", is_estimate=True)
    # 天津 sets its income target in words only; 吉林 sets none
    add_metric(con, "p120000", 2, "urban_unemployment_rate", "与经济增长同步", None, unit="",
               unit_text="", is_target=True, stated_in_words="与经济增长同步", period="plan")  # fmt: skip
    create_view(con, "v_indicator_series")
    rows = con.execute(
        "select indicator, region_name, year, target_value, target_in_words, target_stated_as, actual_value,"
        " actual_is_estimate from v_indicator_series where region_code is not null"
        " order by indicator, region_code, year"
    ).fetchall()
    assert rows == [
        ("gdp_growth", "天津市", 2025, None, None, None, Decimal("4.8"), True),
        ("gdp_growth", "天津市", 2026, Decimal("4.5"), None, "number", None, None),
        ("gdp_growth", "吉林省", 2025, None, None, None, Decimal("4.8"), True),
        ("gdp_growth", "吉林省", 2026, Decimal("4.5"), None, "number", None, None),
        ("urban_unemployment_rate", "天津市", 2026, None, "与经济增长同步", "words", None, None),
    ]  # fmt: skip
