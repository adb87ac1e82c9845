"""Scale-out: the same flow on a Dask cluster (2 worker processes) with the Parquet tree on S3
(moto's server on 127.0.0.1) builds the same warehouse as the default runner."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from store.parts import committed_parts, filesystem
from store.verify import verify
from tests.conftest import CPPCC, NATIONAL

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]

# Columns that name the run or its time: the only ones allowed to differ between two builds.
RUN_COLUMNS = {"run_id", "ingested_at", "at", "started_at", "finished_at", "seconds", "prefect_flow_run_id"}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five reports: the three 政协 files and two rows of the national corpus (one of them the
    1954 report in Traditional characters), so batches go to both workers."""
    src = tmp_path_factory.mktemp("sources")
    for path in CPPCC:
        shutil.copy(path, src / path.name)
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    picked = [r for r in rows if r["year"] in ("1954", "2024")]
    (src / "national.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked), "utf-8")
    return src


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An S3 endpoint (moto in server mode) with an empty bucket; yields the bucket's URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    patch = pytest.MonkeyPatch()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }.items():
        patch.setenv(key, value)
    fs = filesystem("s3://baogao-test")
    assert fs is not None
    fs.mkdir("baogao-test")
    try:
        yield "s3://baogao-test/warehouse/parquet"
    finally:
        patch.undo()
        server.stop()


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Dask cluster of 2 worker processes with one thread each; yields its address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c.scheduler_address


def cluster_task_prefixes(address: str) -> set[str]:
    """Names of the tasks the Dask scheduler has seen (prefect-dask keys them by task name)."""
    from distributed import Client

    with Client(address) as client:
        prefixes: list[str] = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
    return {p.split("-")[0] for p in prefixes}


def contents(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, fully ordered, without the columns that name the run or its time (and
    without the bookkeeping tables, which name Parquet parts by run)."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' "
                "and table_name not like '\\_%' escape '\\' order by 1"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? order by column_index", [t]
                ).fetchall()
                if r[0] not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            out[t] = con.execute(f'select {select} from "{t}" order by all').fetchall()
        return out
    finally:
        con.close()


def test_a_dask_cluster_with_parquet_on_s3_builds_the_same_warehouse_as_the_default_runner(
    sources: Path, s3: str, cluster: str, tmp_path: Path
) -> None:
    local = run_ingest(Settings(sources=[sources], warehouse_dir=tmp_path / "local", workers=1, batch_size=1))
    dask_settings = Settings(
        sources=[sources],
        warehouse_dir=tmp_path / "dask",
        runner="dask",
        dask_address=cluster,
        parquet_url=s3,
        workers=2,
        batch_size=1,
    )
    dask = run_ingest(dask_settings)
    assert (local.run.docs_new, dask.run.docs_new, dask.run.docs_rejected) == (5, 5, 0)
    assert dask.rows == local.rows
    expected, got = contents(tmp_path / "local"), contents(tmp_path / "dask")
    assert set(got) == set(expected)
    for table in expected:
        assert got[table] == expected[table], table
    # The Parquet tree is on S3, not beside the warehouse, and the batches ran on the cluster.
    assert not (tmp_path / "dask" / "parquet").exists()
    assert {p.table for p in committed_parts(s3)} >= {"documents", "sentences", "ingest_log", "runs"}
    scrub = verify(tmp_path / "dask", s3)
    assert scrub.ok and scrub.parts_checked == len(committed_parts(s3)), scrub.problems
    assert cluster_task_prefixes(cluster) >= {"transform_here"}
    # A second run on the cluster reads the ledger back from S3 and finds nothing to do.
    again = run_ingest(dask_settings)
    assert (again.run.docs_unchanged, again.run.docs_new) == (5, 0)
