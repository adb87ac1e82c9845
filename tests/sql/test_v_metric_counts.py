"""v_metric_counts: what a body counted in a year, by head noun and unit, parts counted once."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from tests.sql import metric_rows
from tests.sql.metric_rows import add_document, create_view, warehouse


def add_metric(con: duckdb.DuckDBPyConnection, doc_id: str, n: int, surface: str, value: str, unit: str,
               what_head: str | None, **cols: object) -> None:  # fmt: skip
    metric_rows.add_metric(
        con, doc_id, n, char_end=10 * n + len(surface), surface=surface, number_text=value, unit_text=unit,
        value=Decimal(value), unit=unit, what=what_head, what_head=what_head, **cols,
    )  # fmt: skip


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = warehouse()
    add_document(con, "y2023", issuer="政协余姚市委员会", review_year=2023, plan_year=2024)
    add_document(con, "y2024", issuer="政协余姚市委员会", review_year=2024)
    add_document(con, "anon", issuer=None)
    # 2023: 提交提案266件 … 各党派团体提交提案78件 (a part); 交办提案167件，其中重点提案17件 (a part)
    add_metric(con, "y2023", 0, "266件", "266", "件", "提案", verb="提交")
    add_metric(con, "y2023", 1, "78件", "78", "件", "提案", verb="提交", part_of_metric_id="y2023:0")
    add_metric(con, "y2023", 2, "167件", "167", "件", "提案", verb="交办")
    add_metric(con, "y2023", 3, "17件", "17", "件", "提案", verb="交办", part_of_metric_id="y2023:2")
    add_metric(con, "y2023", 4, "100%", "100", "%", "办结率")  # a rate has no sum
    add_metric(con, "y2023", 5, "6次", "6", "次", "视察")
    add_metric(con, "y2023", 6, "300件", "300", "件", "提案", is_target=True, period="plan")  # a goal for 2024
    add_metric(con, "y2024", 0, "4次", "4", "次", "视察")
    add_metric(con, "y2024", 1, "2次", "2", "次", "视察")
    add_metric(con, "anon", 0, "5个", "5", "个", None)
    create_view(con, "v_metric_counts")
    return con


def test_a_body_s_year_in_numbers_adds_each_thing_once(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select * from v_metric_counts order by issuer nulls last, year, what_head, verb nulls first, is_target"
    ).fetchall()
    assert rows == [
        ("政协余姚市委员会", 2023, "办结率", None, "%", False, None, 1, 0, 1),
        # the parts are counted once (266, not 344); the stages apart (not 266 + 167)
        ("政协余姚市委员会", 2023, "提案", "交办", "件", False, Decimal(167), 1, 1, 1),
        ("政协余姚市委员会", 2023, "提案", "提交", "件", False, Decimal(266), 1, 1, 1),
        ("政协余姚市委员会", 2023, "视察", None, "次", False, Decimal(6), 1, 0, 1),
        ("政协余姚市委员会", 2024, "提案", None, "件", True, Decimal(300), 1, 0, 1),
        ("政协余姚市委员会", 2024, "视察", None, "次", False, Decimal(6), 2, 0, 1),
        (None, None, None, None, "个", False, Decimal(5), 1, 0, 1),
    ]


def test_the_view_runs_on_an_empty_warehouse() -> None:
    con = warehouse()
    create_view(con, "v_metric_counts")
    assert con.execute("select count(*) from v_metric_counts").fetchall() == [(0,)]
