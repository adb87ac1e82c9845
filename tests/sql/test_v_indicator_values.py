"""v_indicator_values: one row per metric mapped to an indicator, with its region and year."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from tests.sql.metric_rows import add_document, add_metric, create_view, warehouse


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = warehouse()
    # a national report planning 2025; a city report with only its review year known; a county
    # 政协 report with no year at all
    add_document(con, "nat", level="national", body_type="政府", plan_year=2025, review_year=2024)
    add_document(con, "ningbo", level="city", body_type="政府", province="浙江省", city="宁波市",
                 region_code="330200", review_year=2023)  # fmt: skip
    add_document(con, "yuyao", level="county", body_type="政协", province="浙江省", city="宁波市", county="余姚市",
                 region_code="330281")  # fmt: skip
    add_metric(con, "nat", 0, indicator="gdp_growth", surface="5%", value=Decimal(5))
    add_metric(con, "nat", 1, indicator="gdp_growth", surface="5%左右", value=Decimal(5), qualifier="about",
               is_target=True, period="plan")  # fmt: skip
    add_metric(con, "nat", 2, indicator=None, surface="32项", value=Decimal(32), unit="项")
    add_metric(con, "ningbo", 0, indicator="gdp_growth", surface="6%－6.5%", value=Decimal(6),
               value_high=Decimal("6.5"), qualifier="range", is_target=True, period="plan")  # fmt: skip
    add_metric(con, "ningbo", 1, indicator="gdp_growth", surface="5.5%", value=Decimal("5.5"))
    add_metric(con, "yuyao", 0, indicator="proposals_submitted", surface="266件", value=Decimal(266), unit="件")
    # the parties' 78 of the 266: a part, carried by its total (a sum over the view would say 344)
    add_metric(con, "yuyao", 1, indicator="proposals_submitted", surface="78件", value=Decimal(78), unit="件",
               part_of_metric_id="yuyao:0")  # fmt: skip
    create_view(con, "v_indicator_values")
    return con


def test_every_mapped_metric_is_one_row_with_its_region_and_year(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select doc_id, region_code, region_name, level, body_type, year, indicator, is_target, value, value_high,"
        " qualifier, unit, sentence_id, surface from v_indicator_values order by doc_id, sentence_id"
    ).fetchall()
    assert rows == [
        ("nat", None, "全国", "national", "政府", 2024, "gdp_growth", False, Decimal(5), None, None, "%", 0, "5%"),
        ("nat", None, "全国", "national", "政府", 2025, "gdp_growth", True, Decimal(5), None, "about", "%", 1,
         "5%左右"),
        # only the review year is known: a target is for the year after it
        ("ningbo", "330200", "宁波市", "city", "政府", 2024, "gdp_growth", True, Decimal(6), Decimal("6.5"), "range",
         "%", 0, "6%－6.5%"),
        ("ningbo", "330200", "宁波市", "city", "政府", 2023, "gdp_growth", False, Decimal("5.5"), None, None, "%", 1,
         "5.5%"),
        ("yuyao", "330281", "余姚市", "county", "政协", None, "proposals_submitted", False, Decimal(266), None, None,
         "件", 0, "266件"),
    ]  # fmt: skip


def test_the_view_keeps_its_contract_columns_first(con: duckdb.DuckDBPyConnection) -> None:
    names = [d[0] for d in con.execute("select * from v_indicator_values limit 0").description]
    assert names[:14] == [
        "doc_id", "region_code", "region_name", "level", "body_type", "year", "indicator", "is_target", "value",
        "value_high", "qualifier", "unit", "sentence_id", "surface",
    ]  # fmt: skip
    assert names[14:] == ["metric_id", "char_start", "period", "is_estimate", "stated_in_words"]


def test_the_view_runs_on_an_empty_warehouse() -> None:
    con = warehouse()
    create_view(con, "v_indicator_values")
    assert con.execute("select count(*) from v_indicator_values").fetchall() == [(0,)]
