"""Held-out national reports (1994, 2000, 2006, 2011, 2019): the first target of the year and the
first actual of the year before of each of the 14 main indicators, as v_indicator_values gives
them, against tests/golden/national_heldout/indicators.csv (written by reading the reports before
the extractor ran on them; its README says how). The comparison is exact; what the extractor gets
wrong is listed below by name, so the list is the figure and a change either way fails."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from tests.fixtures.golden_documents import _national_rows, resources
from tests.fixtures.provincial import MAIN_INDICATORS
from tests.sql.metric_rows import add_document, create_view, warehouse

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "national_heldout" / "indicators.csv"
ROWS = {1994: 49, 2000: 44, 2006: 38, 2011: 28, 2019: 12}  # report year -> row of the corpus file (from 1)

# (report year, indicator, year, is_target, value, value_high, qualifier)
Row = tuple[int, str, int, bool, str, str | None, str | None]

# The reader's rows the extractor does not give (missed, or given with another value), and the
# rows it gives that the reader does not: the known misses, named one by one.
MISSED: set[Row] = set()
FALSE: set[Row] = set()


def _fmt(v: Decimal | None) -> str | None:
    return None if v is None else format(v.normalize(), "f")


def expected() -> set[Row]:
    with GOLDEN.open(encoding="utf-8", newline="") as f:
        return {
            (
                int(r["report_year"]),
                r["indicator"],
                int(r["year"]),
                r["is_target"] == "true",
                r["value"],
                r["value_high"] or None,
                r["qualifier"] or None,
            )
            for r in csv.DictReader(f)
        }


@lru_cache(maxsize=1)
def found() -> frozenset[Row]:
    """The first value of each main indicator, target or actual, per report and year (the year
    v_indicator_values dates it to), as v_indicator_series ranks them: sentence, then position."""
    from flows.seeds import load_indicators
    from transforms.arrow import to_table
    from transforms.metadata import prepare
    from transforms.metrics import METRICS_SCHEMA, extract_metrics
    from transforms.structure import split_sections, split_sentences

    con = warehouse()
    indicators = load_indicators(REPO / "seeds")
    metrics = []
    for report_year, n in ROWS.items():
        row = _national_rows()[n - 1]
        assert row["year"] == str(report_year), f"row {n} of the national corpus is not the {report_year} report"
        doc_id = f"national_{report_year}"
        p = prepare("text", row["content"], None, {k: v for k, v in row.items() if k != "content"},
                    resources().regions)  # fmt: skip
        sections = split_sections(
            doc_id, p.text, review_year=p.meta.review_year, plan_year=p.meta.plan_year, default_part=p.default_part
        )
        metrics += extract_metrics(doc_id, split_sentences(doc_id, p.text, sections), sections, indicators)
        add_document(con, doc_id, level=p.meta.level, body_type=p.meta.body_type, region_code=p.meta.region_code,
                     plan_year=p.meta.plan_year, review_year=p.meta.review_year)  # fmt: skip
    metric_table = to_table(metrics, METRICS_SCHEMA, ("doc_id", "char_start", "metric_id"))  # noqa: F841
    con.execute("insert into metrics select * from metric_table")
    create_view(con, "v_indicator_values")
    rows = con.execute(
        f"""
        select doc_id, indicator, year, is_target, value, value_high, qualifier
        from v_indicator_values
        where value is not null and indicator in ({", ".join("?" * len(MAIN_INDICATORS))})
        qualify row_number() over (partition by doc_id, indicator, year, is_target order by sentence_id, char_start) = 1
        """,
        list(MAIN_INDICATORS),
    ).fetchall()
    return frozenset(
        (int(doc_id.split("_")[1]), indicator, year, is_target, str(_fmt(value)), _fmt(high), qualifier)
        for doc_id, indicator, year, is_target, value, high, qualifier in rows
    )


def test_the_reader_s_rows_are_found_except_the_known_misses() -> None:
    assert expected() - found() == MISSED


def test_no_row_is_given_that_the_reader_did_not_find_except_the_known_false_ones() -> None:
    assert found() - expected() == FALSE


def test_recall_and_precision_figures() -> None:
    """The figure: exact rows found / the reader's rows, and right rows / rows given."""
    right = len(expected() & found())
    assert (right, len(expected()), len(found())) == (
        len(expected()) - len(MISSED),
        len(expected()),
        len(expected()) - len(MISSED) + len(FALSE),
    )
