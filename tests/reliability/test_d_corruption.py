"""Catalogue D (items 27-29): a damaged DuckDB file, and recovery by rebuilding from Parquet."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.rebuild import rebuild
from flows.settings import Settings
from store.verify import health_check, verify
from store.warehouse import duckdb_identifier
from tests.reliability.conftest import tally

pytestmark = [pytest.mark.canary, pytest.mark.slow]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("damage") / "sample.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select i, md5(i::varchar) as h from range(300000) r(i)")
    con.execute("checkpoint")
    con.close()
    return path


def _flip_middle(b: bytes) -> bytes:
    mid = len(b) // 2
    return b[:mid] + bytes(x ^ 0xFF for x in b[mid : mid + 64]) + b[mid + 64 :]


DAMAGE = {
    "zero_length": (lambda b: b"", "not_duckdb"),
    "truncated_to_100_bytes": (lambda b: b[:100], "truncated"),
    "truncated_to_half": (lambda b: b[: len(b) // 2], "truncated"),
    "last_block_missing": (lambda b: b[:-4096], "truncated"),
    "magic_clobbered": (lambda b: b[:8] + b"XXXX" + b[12:], "not_duckdb"),
    "text_file": (lambda b: "这不是数据库。\n".encode() * 100, "not_duckdb"),
    "bit_flip_in_a_data_block": (_flip_middle, "checksum"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_27_28_a_damaged_database_file_is_classified_and_never_replaced_by_an_empty_one(
    kind: str, sample_db: Path, tmp_path: Path
) -> None:
    mutate, expected = DAMAGE[kind]
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(mutate(sample_db.read_bytes()))
    tally("faults injected: damaged database")
    assert health_check(path) == expected
    assert path.stat().st_size == len(mutate(sample_db.read_bytes()))  # opened read-only: untouched
    report = verify(tmp_path)
    assert not report.ok and "rebuild" in report.problems[-1].fix


def test_27_a_missing_database_is_reported_and_not_created(tmp_path: Path) -> None:
    assert health_check(tmp_path / "warehouse.duckdb") == "missing"
    assert not (tmp_path / "warehouse.duckdb").exists()


def _table_hashes(db: Path) -> dict[str, tuple[int, int]]:
    """An order-independent fingerprint of every contract table: (rows, sum of row hashes)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' and table_name not like '\\_%' "
                "escape '\\' and table_name not in ('runs', 'ingest_log')"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            sql = "select count(*), coalesce(sum(hash(r)), 0) from " + duckdb_identifier(t) + " r"
            out[t] = con.execute(sql).fetchall()[0]
        return out
    finally:
        con.close()


def test_29_delete_the_database_and_rebuild_it_from_parquet_with_identical_tables(
    published: Path, tmp_path: Path, prefect_harness: None
) -> None:
    warehouse = tmp_path / "w"
    shutil.copytree(published, warehouse)
    db = warehouse / "warehouse.duckdb"
    before = _table_hashes(db)
    db.write_bytes(b"")  # destroyed (or test 27's damage)
    tally("faults injected: database destroyed")
    assert health_check(db) == "not_duckdb"
    rebuild(Settings(warehouse_dir=warehouse, sources=[]))
    assert _table_hashes(db) == before
    assert before["documents"][0] == 3
    assert verify(warehouse).ok


def test_24_29_baogao_verify_says_all_is_well_then_names_a_damaged_part_and_what_to_do(
    published: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    warehouse = tmp_path / "w"
    shutil.copytree(published, warehouse)
    runner = CliRunner()
    ok = runner.invoke(app, ["verify", "--warehouse", str(warehouse)])
    assert ok.exit_code == 0, ok.output
    assert "no damage found" in ok.output
    part = sorted((warehouse / "parquet" / "sentences").glob("part-*.parquet"))[0]
    data = bytearray(part.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one flipped bit pattern inside the data
    part.write_bytes(bytes(data))
    tally("faults injected: damaged part")
    bad = runner.invoke(app, ["verify", "--warehouse", str(warehouse)], env={"COLUMNS": "400"})  # no wrapping
    assert bad.exit_code == 1
    assert part.name in bad.output or "sentences" in bad.output
    assert "baogao repair" in bad.output
    missing = runner.invoke(app, ["verify", "--warehouse", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_an_ingest_never_republishes_a_damaged_block_it_builds_from_the_parquet_parts_and_says_so(
    published: Path, tmp_path: Path, paragraphs: list[str], prefect_harness: None
) -> None:
    """Bits changed in a data block of the published file, in a table the next run does not
    rewrite: the incremental build would copy the block into the new warehouse. The run notices,
    builds from the Parquet parts instead, and its summary says so."""
    from flows.ingest import ingest
    from tests.reliability.conftest import write_reports

    shutil.copytree(published.parent, tmp_path / "root")
    warehouse, sources = tmp_path / "root" / "w", tmp_path / "root" / "in"
    db = warehouse / "warehouse.duckdb"
    before = _table_hashes(db)
    good = db.read_bytes()
    db.chmod(0o644)
    for k in range(1, 40):  # a data block: not a free one, nor the catalog (opening would fail)
        at = len(good) * k // 40
        db.write_bytes(good[:at] + bytes(x ^ 0xFF for x in good[at : at + 64]) + good[at + 64 :])
        if health_check(db) == "checksum" and _opens_and_counts(db):
            break
    db.chmod(0o444)
    tally("faults injected: damaged database")
    assert health_check(db) == "checksum" and _opens_and_counts(db)  # only a full read finds it
    write_reports(sources, paragraphs, 70, 1)  # something new, so the run builds and publishes
    summary = ingest(Settings(sources=[sources], warehouse_dir=warehouse, workers=1))
    assert summary.run.docs_new == 1
    assert len(summary.notes) == 1 and "damaged table" in summary.notes[0] and "Parquet parts" in summary.notes[0]
    assert health_check(db) == "ok" and verify(warehouse).ok
    after = _table_hashes(db)
    assert after["documents"][0] == before["documents"][0] + 1


def _opens_and_counts(db: Path) -> bool:
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("select count(*) from documents").fetchall()
    except duckdb.Error:
        return False
    return True
