"""The quality gates in sql/checks/, each on hand-made rows that pass, then with one row broken."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store.checks import run_checks

REPO = Path(__file__).resolve().parents[2]
TEXT = "一年来，提交提案266件。办结率达100%。"  # sentences [0, 13) and [13, 22)


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((REPO / "sql" / "00_tables.sql").read_text(encoding="utf-8"))
    for f in sorted((REPO / "sql").glob("*.sql")):
        if f.name != "00_tables.sql":
            con.execute(f.read_text(encoding="utf-8"))
    con.execute("insert into _changed_docs values ('d1')")
    con.execute(
        "insert into documents (doc_id, source_uri, source_name, content_sha256, media_type, script, char_count,"
        " text, transform_version, run_id, ingested_at) values"
        " ('d1', 'file:///a.txt', 'a.txt', 'x', 'text', 'simplified', ?, ?, '1', 'r1', now())",
        [len(TEXT), TEXT],
    )
    con.execute("insert into sections values ('d1', 0, null, 0, '', 'review', 0, ?)", [len(TEXT)])
    con.execute(
        "insert into sentences values ('d1', 0, 0, '一年来，提交提案266件。', 0, 13),"
        " ('d1', 1, 0, '办结率达100%。', 13, 22)"
    )
    con.execute(
        "insert into metrics values ('d1:0', 'd1', 0, 8, 12, '266件', '266', '件', 266, null, '件', null, '提案',"
        " '提案', '提交', null, 'review', 'proposals_submitted', false, false, null)"
    )
    con.execute("insert into entity_mentions values ('d1', 0, 'quoted_term', '提交提案', '提交提案', 'e1', null, 4, 8)")
    con.execute("insert into entities values ('e1', 'quoted_term', '提交提案', null)")
    con.execute(
        "insert into runs (run_id, started_at, status, docs_seen, docs_new, docs_changed, docs_unchanged,"
        " docs_duplicate, docs_skipped, docs_rejected, docs_needs_review, metrics, entities, transform_version)"
        " values ('r1', now(), 'completed', 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, '1')"
    )
    return con


def failing(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {c.name: c.failing for c in run_checks(con, REPO / "sql" / "checks") if not c.passed}


def test_consistent_rows_pass_every_check() -> None:
    assert failing(warehouse()) == {}


@pytest.mark.parametrize(
    ("breakage", "check"),
    [
        ("update sentences set char_end = 12 where sentence_id = 0", "sentence_offsets_match"),
        ("update sentences set text = '一年来,提交提案266件。' where sentence_id = 0", "sentence_offsets_match"),
        ("update metrics set char_start = 7", "metric_offsets_match"),
        ("update metrics set sentence_id = 1", "metric_offsets_match"),
        ("update entity_mentions set char_end = 9", "mention_offsets_match"),
        ("insert into sentences select * from sentences where sentence_id = 1", "sentences_key_unique"),
        ("insert into sections select * from sections", "sections_key_unique"),
        ("insert into metrics select * from metrics", "metrics_key_unique"),
        ("insert into terms values ('d2', '提案', 'n', 1)", "foreign_keys_resolve"),
        ("update metrics set sentence_id = 7", "sentence_ids_resolve"),
        ("update metrics set value = null", "metrics_values_present"),
        ("insert into entities values ('e1', 'person', 'x', null)", "entities_key_unique"),
        ("drop view rejects", "expected_objects"),
    ],
)
def test_one_broken_row_fails_exactly_its_check(breakage: str, check: str) -> None:
    con = warehouse()
    con.execute(breakage)
    assert failing(con) == {check: 1}


def test_a_target_stated_in_words_needs_no_value() -> None:
    con = warehouse()
    con.execute("update metrics set value = null, stated_in_words = '与经济增长同步'")
    assert failing(con) == {}


def test_offsets_are_checked_only_for_the_documents_a_build_added() -> None:
    con = warehouse()
    con.execute("update sentences set char_end = 12 where sentence_id = 0")
    con.execute("delete from _changed_docs")
    assert failing(con) == {}


@pytest.mark.parametrize(
    ("breakage", "check"),
    [
        ("insert into sentences select * from sentences where sentence_id = 1", "sentences_key_unique"),
        ("insert into metrics select * from metrics", "metrics_key_unique"),
        ("update metrics set sentence_id = 7", "sentence_ids_resolve"),
    ],
)
def test_keys_are_checked_only_for_the_documents_a_build_added(breakage: str, check: str) -> None:
    con = warehouse()
    con.execute(breakage)
    assert failing(con) == {check: 1}
    con.execute("delete from _changed_docs")
    assert failing(con) == {}


def test_offsets_past_the_first_thousand_characters_are_checked_exactly() -> None:
    """The offset checks read the text in 1,000-character pieces; spans across a piece boundary
    and at the very end of a long document are compared like any other."""
    parts = ["一" * 990, "提交提案266件。", "二" * 1497, "结束。"]
    text = "".join(parts)
    starts = [0, 990, 999, 2496, 2499]  # the second sentence spans the boundary at 1,000
    assert [len("".join(parts[:i])) for i in range(5)] == starts
    con = warehouse()
    con.execute("update documents set text = ?, char_count = ?", [text, len(text)])
    con.execute("update sections set char_end = ?", [len(text)])
    con.execute("delete from sentences")
    for i, sentence in enumerate(parts):
        con.execute("insert into sentences values ('d1', ?, 0, ?, ?, ?)", [i, sentence, starts[i], starts[i + 1]])
    con.execute("update metrics set sentence_id = 1, char_start = 994, char_end = 998")  # 266件
    con.execute(
        "update entity_mentions set sentence_id = 3, text = '结束', name = '结束', char_start = 2496, char_end = 2498"
    )
    con.execute("insert into terms values ('d1', '提案', 'n', 1)")
    assert failing(con) == {}
    con.execute("update sentences set char_start = 991 where sentence_id = 1")
    con.execute("update entity_mentions set char_end = 2499")
    con.execute("insert into terms values ('d1', '提案', 'n', 2)")
    assert failing(con) == {"sentence_offsets_match": 1, "mention_offsets_match": 1, "terms_key_unique": 1}
