"""v_dated_metrics: every metric with its document's place and the year the figure is for."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from tests.sql.metric_rows import add_document, add_metric, create_view, warehouse


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = warehouse()
    # a national report with both years; a city report with only its review year; a county 政协
    # report with only its plan year; a document with neither
    add_document(con, "nat", level="national", body_type="政府", issuer="国务院", plan_year=2025, review_year=2024)
    add_document(con, "ningbo", level="city", body_type="政府", province="浙江省", city="宁波市",
                 region_code="330200", issuer="宁波市人民政府", review_year=2023)  # fmt: skip
    add_document(con, "yuyao", level="county", body_type="政协", province="浙江省", city="宁波市", county="余姚市",
                 region_code="330281", issuer="政协余姚市委员会", plan_year=2024)  # fmt: skip
    add_document(con, "anon")
    for doc_id in ("nat", "ningbo", "yuyao", "anon"):
        add_metric(con, doc_id, 0)
        add_metric(con, doc_id, 1, is_target=True, period="plan")
    add_metric(con, "yuyao", 2, surface="78件", value=Decimal(78), unit="件", part_of_metric_id="yuyao:0")
    create_view(con, "v_dated_metrics")
    return con


def test_every_metric_is_one_row_with_its_document_s_place_and_the_year_it_is_for(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "select metric_id, issuer, region_code, region_name, level, body_type, is_target, year"
        " from v_dated_metrics order by metric_id"
    ).fetchall()
    assert rows == [
        ("anon:0", None, None, None, None, None, False, None),
        ("anon:1", None, None, None, None, None, True, None),
        ("nat:0", "国务院", None, "全国", "national", "政府", False, 2024),
        ("nat:1", "国务院", None, "全国", "national", "政府", True, 2025),
        # only the review year is known: a target is for the year after it
        ("ningbo:0", "宁波市人民政府", "330200", "宁波市", "city", "政府", False, 2023),
        ("ningbo:1", "宁波市人民政府", "330200", "宁波市", "city", "政府", True, 2024),
        # only the plan year is known: an actual is for the year before it
        ("yuyao:0", "政协余姚市委员会", "330281", "余姚市", "county", "政协", False, 2023),
        ("yuyao:1", "政协余姚市委员会", "330281", "余姚市", "county", "政协", True, 2024),
        ("yuyao:2", "政协余姚市委员会", "330281", "余姚市", "county", "政协", False, 2023),  # parts are kept
    ]  # fmt: skip


def test_every_column_of_metrics_passes_through_unchanged(con: duckdb.DuckDBPyConnection) -> None:
    metrics = [d[0] for d in con.execute("select * from metrics limit 0").description]
    names = [d[0] for d in con.execute("select * from v_dated_metrics limit 0").description]
    assert names == [*metrics, "issuer", "region_code", "region_name", "level", "body_type", "year"]
    columns = ", ".join(metrics)
    assert (
        con.execute(f"select {columns} from v_dated_metrics except all select {columns} from metrics").fetchall() == []
    )
    assert con.execute("select count(*) from v_dated_metrics").fetchall() == [(9,)]


def test_the_view_runs_on_an_empty_warehouse() -> None:
    con = warehouse()
    create_view(con, "v_dated_metrics")
    assert con.execute("select count(*) from v_dated_metrics").fetchall() == [(0,)]
