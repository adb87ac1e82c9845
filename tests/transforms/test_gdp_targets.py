"""The GDP growth target of every national 政府工作报告 1992–2025, as v_indicator_values gives it.

The expected table was written by reading each report (the sentence is quoted beside each year);
the reports of 1996 and 2020 are not in the corpus, and 2000–2002 state no growth target for the
year (2001 states only the 十五 five-year average, 年均…7％左右, which is not an annual target).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.seeds import load_indicators
from transforms.arrow import to_table
from transforms.clean import clean_text
from transforms.metrics import METRICS_SCHEMA, extract_metrics
from transforms.models import Metric
from transforms.structure import split_sections, split_sentences

REPO = Path(__file__).resolve().parents[2]

Target = tuple[str, str | None, str | None]  # value, value_high, qualifier

EXPECTED: dict[int, Target | None] = {
    2025: ("5", None, "about"),  # 今年发展主要预期目标是：国内生产总值增长5%左右
    2024: ("5", None, "about"),  # 国内生产总值增长5%左右
    2023: ("5", None, "about"),  # 国内生产总值增长5%左右
    2022: ("5.5", None, "about"),  # 国内生产总值增长5.5%左右
    2021: ("6", None, "more_than"),  # 国内生产总值增长6%以上
    2019: ("6", "6.5", "range"),  # 国内生产总值增长6%－6.5%
    2018: ("6.5", None, "about"),  # 国内生产总值增长6.5%左右
    2017: ("6.5", None, "about"),  # 国内生产总值增长6.5%左右，在实际工作中争取更好结果
    2016: ("6.5", "7", "range"),  # 国内生产总值增长6.5%－7%
    2015: ("7", None, "about"),  # 国内生产总值增长7%左右
    2014: ("7.5", None, "about"),  # 国内生产总值增长7.5%左右
    2013: ("7.5", None, "about"),  # 国内生产总值增长7.5%左右
    2012: ("7.5", None, None),  # 主要预期目标是：（new line）国内生产总值增长7.5％；
    2011: ("8", None, "about"),  # 主要预期目标是：（new line）国内生产总值增长8%左右；
    2010: ("8", None, "about"),  # 国内生产总值增长8％左右；
    2009: ("8", None, "about"),  # 国内生产总值增长8%左右
    2008: ("8", None, "about"),  # 国内生产总值增长8%左右
    2007: ("8", None, "about"),  # 国内生产总值增长8%左右
    2006: ("8", None, "about"),  # 国内生产总值增长8%左右
    2005: ("8", None, "about"),  # 国内生产总值增长8%左右
    2004: ("7", None, "about"),  # 今年经济增长预期目标为7%左右
    2003: ("7", None, "about"),  # 今年经济增长预期目标为7%左右
    2002: None,
    2001: None,
    2000: None,
    1999: ("7", None, "about"),  # 今年的经济增长预期为7％左右
    1998: ("8", None, None),  # 主要目标是：经济增长速度8 ％
    1997: ("8", None, None),  # 经济增长速度的调控目标定为８％
    1995: ("8", "9", "range"),  # 经济增长速度的宏观调控目标，定为百分之八至九
    1994: ("9", None, None),  # 今年计划国内生产总值增长百分之九
    1993: ("8", None, None),  # 今年国民生产总值计划增长百分之八
    1992: ("6", None, None),  # 今年计划要求，…国民生产总值增长百分之六
}


def _load(con: duckdb.DuckDBPyConnection, national_rows: list[dict[str, object]]) -> set[int]:
    con.execute((REPO / "sql" / "00_tables.sql").read_text(encoding="utf-8"))
    indicators = load_indicators(REPO / "seeds")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    years: set[int] = set()
    all_metrics: list[Metric] = []
    for n, row in enumerate(national_rows):
        if not row.get("year") or not 1992 <= int(str(row["year"])) <= 2025:
            continue
        year = int(str(row["year"]))
        years.add(year)
        doc_id = f"n{n}"
        text = clean_text(str(row["content"]))
        sections = split_sections(doc_id, text)
        metrics = extract_metrics(doc_id, split_sentences(doc_id, text, sections), sections, indicators)
        con.execute(
            "insert into documents (doc_id, source_uri, source_name, content_sha256, media_type, script, char_count,"
            " text, level, body_type, plan_year, review_year, transform_version, run_id, ingested_at)"
            " values (?, ?, 'national.jsonl.gz', '', 'text', 'simplified', ?, ?, 'national', '政府', ?, ?,"
            " 't', 'r', ?)",
            [doc_id, f"row={n}", len(text), text, year, year - 1, now],
        )
        all_metrics += metrics
    metric_table = to_table(all_metrics, METRICS_SCHEMA, ("doc_id", "char_start", "metric_id"))  # noqa: F841
    con.execute("insert into metrics select * from metric_table")
    for view in ("v_dated_metrics", "v_indicator_values"):
        con.execute((REPO / "sql" / f"{view}.sql").read_text(encoding="utf-8"))
    return years


def _fmt(v: Decimal | None) -> str | None:
    return None if v is None else format(v.normalize(), "f")


@pytest.fixture(scope="module")
def targets(national_rows: list[dict[str, object]]) -> dict[int, Target | None]:
    con = duckdb.connect()
    years = _load(con, national_rows)
    rows = con.execute(
        """
        select year, value, value_high, qualifier
        from v_indicator_values
        where indicator = 'gdp_growth' and is_target
        qualify row_number() over (partition by year order by sentence_id, char_start) = 1
        """
    ).fetchall()
    found: dict[int, Target | None] = {y: None for y in years}
    found.update({y: (str(_fmt(v)), _fmt(hi), q) for y, v, hi, q in rows})
    return found


def test_every_report_from_1992_to_2025_is_in_the_table(targets: dict[int, Target | None]) -> None:
    assert sorted(targets) == sorted(EXPECTED)


def test_the_gdp_growth_target_of_every_year_is_exactly_as_written(targets: dict[int, Target | None]) -> None:
    wrong = {y: (targets[y], want) for y, want in EXPECTED.items() if targets.get(y) != want}
    assert wrong == {}, f"{len(EXPECTED) - len(wrong)}/{len(EXPECTED)} years right; (got, expected): {wrong}"
