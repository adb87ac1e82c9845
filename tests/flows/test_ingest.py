"""The real ingest flow, under a real Prefect test server, into real DuckDB and Parquet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import RunSummary, ingest
from flows.settings import Settings
from flows.versions import transform_version
from store.checks import EXPECTED_TABLES
from store.parts import committed_parts
from store.state import STATE_NAME, read_state
from tests.conftest import CPPCC, SEEDS
from transforms.tables import TABLES

pytestmark = pytest.mark.usefixtures("prefect_harness")

CONTRACT = set(EXPECTED_TABLES)


def run(sources: list[Path], warehouse: Path, workers: int = 1) -> RunSummary:
    return ingest(Settings(sources=sources, warehouse_dir=warehouse, workers=workers, batch_size=8))


def query(warehouse: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every data table, fully ordered (the ledger tables grow by one run and are left out)."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        out = {}
        for t in sorted(CONTRACT - {"ingest_log", "runs"}):
            out[t] = con.execute(f"select * from {t} order by all").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    warehouse = tmp_path_factory.mktemp("seeded")
    return warehouse, run([SEEDS], warehouse, workers=2)


def test_the_seed_corpus_loads_into_every_contract_table(seeded: tuple[Path, RunSummary]) -> None:
    warehouse, summary = seeded
    tables = query(
        warehouse,
        "select table_name from duckdb_tables() where not starts_with(table_name, '_') "
        "and not starts_with(table_name, 'ref_')",
    )
    counts = {t: query(warehouse, f"select count(*) from {t}")[0][0] for (t,) in tables}
    # Exactly the registered and derived tables, every one with rows, as many as the run reported
    # and, for the tables written as Parquet, as many as the committed parts hold.
    assert set(counts) == CONTRACT
    assert all(counts.values()), counts
    assert {t: summary.rows[t] for t in counts} == counts
    parts = committed_parts(warehouse / "parquet")
    from_parts = {t: sum(p.rows for p in parts if p.table == t) for t in TABLES}
    # The TF-IDF half of keywords is derived in SQL (sql/derive_keywords_tfidf.sql), not written as Parquet.
    counts["keywords"] = query(warehouse, "select count(*) from keywords where method <> 'tfidf'")[0][0]
    assert from_parts == {t: counts[t] for t in TABLES}
    views = {r[0] for r in query(warehouse, "select view_name from duckdb_views() where not internal")}
    assert {"rejects", "v_indicator_values"} <= views
    assert (summary.run.docs_seen, summary.run.docs_new, summary.run.docs_rejected) == (75, 75, 0)
    assert query(warehouse, "select count(*), count(distinct doc_id) from documents") == [(75, 75)]
    assert query(
        warehouse, "select count(*) from documents where source_name = 'government_work_reports.jsonl.gz'"
    ) == [(72,)]
    assert query(warehouse, "select count(*) from runs where status = 'completed'") == [(1,)]
    assert query(warehouse, "select outcome, count(*) from ingest_log group by all") == [("loaded", 75)]
    sentences = query(warehouse, "select count(*), count(distinct doc_id) from sentences")[0]
    assert sentences[0] > 20_000 and sentences[1] == 75
    assert summary.rows["sentences"] == sentences[0]
    # The corpus rows waited in the run's spool (sources.spool), which the run removed.
    assert list((warehouse / ".staging").glob("*")) == []


def test_every_sentence_is_its_span_of_the_document_text(seeded: tuple[Path, RunSummary]) -> None:
    warehouse, _ = seeded
    bad = query(
        warehouse,
        "select count(*) from sentences s join documents d using (doc_id) "
        "where substr(d.text, s.char_start + 1, s.char_end - s.char_start) <> s.text",
    )
    assert bad == [(0,)]


def test_a_rerun_on_unchanged_inputs_processes_nothing_and_changes_no_row(
    seeded: tuple[Path, RunSummary], tmp_path: Path
) -> None:
    warehouse = tmp_path / "w"
    shutil.copytree(seeded[0], warehouse)
    before = snapshot(warehouse)
    parts_before = sorted(p.name for p in (warehouse / "parquet").rglob("*.parquet"))
    again = run([SEEDS], warehouse)
    assert (again.run.docs_seen, again.run.docs_unchanged, again.run.docs_new, again.run.docs_changed) == (75, 75, 0, 0)
    assert snapshot(warehouse) == before
    parts_after = sorted(p.name for p in (warehouse / "parquet").rglob("*.parquet"))
    # Only the run's own ledger and run record are added; no document is rewritten.
    assert [p for p in parts_after if p not in parts_before] == sorted(
        [f"part-{again.run.run_id}-ledger.parquet", f"part-{again.run.run_id}-run.parquet"]
    )
    assert query(warehouse, "select count(*) from runs") == [(2,)]


def test_an_edited_report_replaces_its_older_version_and_putting_it_back_restores_the_first(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    report = src / "report.txt"
    shutil.copy(CPPCC[2], report)
    warehouse = tmp_path / "w"
    first = run([src], warehouse)
    (old_id,) = query(warehouse, "select doc_id from documents")[0]
    report.write_text(report.read_text(encoding="utf-8") + "\n全年共收到提案300件。\n", encoding="utf-8")
    second = run([src], warehouse)
    assert (first.run.docs_new, second.run.docs_changed, second.run.docs_new) == (1, 1, 0)
    (new_id,) = query(warehouse, "select doc_id from documents")[0]
    assert new_id != old_id
    for table in ("documents", "sections", "sentences"):
        assert query(warehouse, f"select count(*) from {table} where doc_id = '{old_id}'") == [(0,)]
        assert query(warehouse, f"select count(*) > 0 from {table} where doc_id = '{new_id}'") == [(True,)]
    assert query(warehouse, "select count(*) from sentences where text like '%全年共收到提案300件%'") == [(1,)]
    log = query(warehouse, f"select outcome, reason_code from ingest_log where run_id = '{second.run.run_id}'")
    assert log == [("loaded", "changed")]
    first_counts = {t: first.rows[t] for t in ("sections", "sentences", "metrics")}

    shutil.copy(CPPCC[2], report)  # the edit undone: the first version is in force again, once
    third = run([src], warehouse)
    assert (third.run.docs_changed, third.run.docs_new, third.run.docs_duplicate) == (1, 0, 0)
    assert query(warehouse, "select doc_id from documents") == [(old_id,)]
    assert {t: query(warehouse, f"select count(*) from {t}")[0][0] for t in first_counts} == first_counts
    log = query(warehouse, f"select outcome, reason_code from ingest_log where run_id = '{third.run.run_id}'")
    assert log == [("loaded", "restored")]


def test_bad_inputs_are_rejected_with_reasons_and_the_rest_of_the_batch_loads(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CPPCC[2], src / "good.txt")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "broken.txt").write_bytes("政协工作报告".encode()[:-1] + b"\xff\xfe\xfa\x80\x81" * 3)
    (src / "table.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    (src / "corpus.jsonl").write_text(
        '{"title": "无正文", "year": 2024}\n'
        '{"title": "好", "content": "各位委员：一年来，政协共提交提案120件，办结率100%。我们还开展视察12次。"}\n'
        "not json at all\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w"
    summary = run([src], warehouse)
    rejects = {(r.source_name, r.reason_code) for r in summary.rejects}
    assert rejects == {
        ("empty.txt", "empty"),
        ("image.txt", "binary"),
        ("broken.txt", "undecodable"),
        ("table.xlsx", "unsupported_type"),
        ("corpus.jsonl", "no_text"),
        ("corpus.jsonl", "bad_row"),
    }
    assert query(warehouse, "select count(*) from documents") == [(2,)]
    codes = query(warehouse, "select source_name, error_code, message from rejects order by all")
    assert {(n, c) for n, c, _ in codes} == rejects
    assert all(len(m) > 20 for _, _, m in codes)
    # A later run with only the bad files loses nothing that was loaded.
    (src / "good.txt").unlink()
    later = run([src], warehouse)
    assert (later.run.docs_rejected, later.run.docs_skipped, later.run.docs_unchanged) == (5, 1, 1)
    assert query(warehouse, "select count(*) from documents") == [(2,)]


def test_the_same_reports_under_two_names_load_once(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CPPCC[1], src / "a.txt")
    (src / "b.txt").write_bytes(CPPCC[1].read_bytes().replace(b"\n", b"\r\n"))
    summary = run([src], tmp_path / "w")
    assert (summary.run.docs_new, summary.run.docs_duplicate) == (1, 1)
    dup = query(
        tmp_path / "w", "select source_name, duplicate_of is not null from ingest_log where outcome = 'duplicate'"
    )
    assert dup == [("b.txt", True)]


def test_the_kept_ledger_state_is_what_reading_the_whole_ledger_gives(tmp_path: Path) -> None:
    """A run reads the ledger state kept by the last one plus the ledger parts committed since
    (store/state.py); it must equal the state read from every part."""
    src = tmp_path / "in"
    src.mkdir()
    report = src / "report.txt"
    shutil.copy(CPPCC[2], report)
    shutil.copy(CPPCC[0], src / "other.txt")
    warehouse = tmp_path / "w"
    settings = Settings(sources=[src], warehouse_dir=warehouse, workers=1, batch_size=8)
    version = transform_version(settings.seeds_dir)
    nowhere = tmp_path / "no-kept-state"
    nowhere.mkdir()
    for step in ("first", "edited", "copied", "unchanged"):
        if step == "edited":
            report.write_text(report.read_text(encoding="utf-8") + "\n全年共收到提案300件。\n", encoding="utf-8")
        if step == "copied":
            shutil.copy(CPPCC[0], src / "copy.txt")
        ingest(settings)
        kept = read_state(settings.parquet_root, warehouse, version)
        whole = read_state(settings.parquet_root, nowhere, version)
        assert kept == whole, step
    assert len(kept[2].mappings) == 3 and len(kept[1]) == 4
    # It is the kept state that is read: a mark put in it comes back ...
    path = warehouse / STATE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["mappings"]["file:///marked.txt"] = ["sha", "doc"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "file:///marked.txt" in read_state(settings.parquet_root, warehouse, version)[2].mappings
    # ... but not under another transform version, and a damaged file is read from the parts.
    assert "file:///marked.txt" not in read_state(settings.parquet_root, warehouse, "other")[2].mappings
    path.write_text("{damaged", encoding="utf-8")
    assert read_state(settings.parquet_root, warehouse, version) == whole


def test_a_corpus_row_is_named_by_its_url_so_a_row_added_at_the_top_leaves_the_others_unchanged(
    tmp_path: Path,
) -> None:
    """Scrapers put the newest report first. Named by row number, every row after it would have
    changed; named by its url column, only the new row is new."""
    national = _national_rows()
    src = tmp_path / "in"
    src.mkdir()
    corpus = src / "reports.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in national[1:4]), encoding="utf-8")
    warehouse = tmp_path / "w"
    first = run([src], warehouse)
    assert first.run.docs_new == 3
    uris = sorted(u for (u,) in query(warehouse, "select source_uri from documents"))
    assert [u.split("#", 1)[1] for u in uris] == sorted(f"url={r['url']}" for r in national[1:4])
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in national[0:4]), encoding="utf-8")
    second = run([src], warehouse)
    assert (second.run.docs_new, second.run.docs_unchanged, second.run.docs_changed) == (1, 3, 0)
    assert query(warehouse, "select count(*) from documents") == [(4,)]


def _national_rows() -> list[dict[str, object]]:
    import gzip

    with gzip.open(SEEDS / "reports" / "national" / "government_work_reports.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]
