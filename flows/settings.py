"""Settings: the one place configuration is read (env prefix BAOGAO_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sources.base import Limits
from store.publish import Warehouse

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """How an ingest runs. Tests pass `Settings(warehouse_dir=tmp_path, sources=[...])`."""

    model_config = SettingsConfigDict(env_prefix="BAOGAO_", frozen=True, extra="forbid")

    sources: list[Path] = Field(default_factory=lambda: [REPO_ROOT / "seeds"])
    warehouse_dir: Path = REPO_ROOT / "warehouse"
    seeds_dir: Path = REPO_ROOT / "seeds"
    sql_dir: Path = REPO_ROOT / "sql"
    # CPU-bound work runs in this many worker processes; 1 runs it in the flow's own process.
    workers: int = Field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)))
    # Documents per batch: large enough that per-task overhead is noise, small enough to bound memory.
    batch_size: int = 16
    # A second ingest waits this long for the running one to finish, then gives up.
    lock_timeout_seconds: float = 60.0
    # One document (a file, a corpus row, an archive member) larger than this is rejected as
    # too_large (bytes). A long work report is well under 1 MB of text; reading and decoding a
    # document holds about twice its size (tests/reliability/test_f_inputs.py) before the
    # transforms, which cost more.
    max_file_bytes: int = Limits.max_file_bytes
    # A document whose text is larger than this (UTF-8 bytes of a corpus row, bytes of a .txt or
    # .html file, the text of a PDF or DOCX as it is extracted) is rejected as too_large before it
    # is transformed: the transforms take about
    # 90 MB and 15 s per MB of text in one worker (4 MB: 0.5 GB, 63 s), so this bounds a worker's
    # memory. The longest work reports are under 0.2 MB.
    max_document_bytes: int = Limits.max_document_bytes
    # A corpus file (.jsonl/.csv, counted unpacked: a .gz of 7 MB can hold 1 GB) or archive
    # larger than this, or an archive unpacking to more, is rejected as too_large / archive_bomb;
    # the rows of a corpus before the limit are read. Corpus files are streamed row by row.
    max_corpus_bytes: int = Limits.max_corpus_bytes
    # Archives with more members than this, or members packed tighter than this ratio (and over
    # 1 MiB), are refused as archive_bomb before they are unpacked; text packs 3-10x, zeros 1000x.
    max_archive_members: int = Limits.max_archive_members
    max_archive_ratio: int = Limits.max_archive_ratio
    # store/reconcile.py at the start of each run: a Prefect run of this flow still "Running"
    # whose process is gone, or that started longer ago than this, is marked Crashed.
    run_lease_seconds: float = 6 * 3600
    # Staging files and unreferenced Parquet parts older than this are swept; younger ones may
    # belong to a run in progress elsewhere or to a reader's query.
    sweep_grace_seconds: float = 3600
    # `baogao query`: a query running longer than this is stopped, and one needing more memory
    # than this (MB, inside DuckDB, which may not spill to disk, and for the rows fetched) too.
    query_timeout_seconds: float = 300.0
    query_memory_mb: int = 2048
    # A warehouse on NFS/SMB/sshfs is refused (locks are not reliable there) unless this is set.
    allow_network_filesystem: bool = False
    # Where batches run (flows/runners.py): "local" (a process pool here) or "dask" (a Dask
    # cluster at dask_address, tcp://HOST:8786; a temporary local cluster when unset).
    runner: Literal["local", "dask"] = "local"
    dask_address: str | None = None
    # baogao's background Prefect server (cli/server.py) stops itself after this many minutes
    # unused (no run, no command, no UI open); 0: never. The next command that needs it starts it.
    server_idle_minutes: float = 60.0
    # The Parquet tree as an fsspec URL (s3://bucket/prefix through s3fs); unset: warehouse_dir/parquet.
    parquet_url: str | None = None

    @property
    def database_path(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(self.warehouse_dir, self.parquet_root, self.sql_dir, self.seeds_dir / "reference")

    @property
    def limits(self) -> Limits:
        return Limits(
            self.max_file_bytes,
            self.max_corpus_bytes,
            self.max_archive_members,
            self.max_archive_ratio,
            self.max_document_bytes,
        )

    @property
    def parquet_root(self) -> Path | str:
        """The Parquet tree: parquet_url when set, else the local parquet_dir (store/parts.py)."""
        return self.parquet_url or self.parquet_dir


def configure_prefect() -> None:
    """Defaults that make Prefect work on a fresh machine with no server configured. Only sets
    what the user has not set. The temporary server can take longer than Prefect's default
    start-up timeout on a small, busy machine (longer still on first use, which migrates its
    database), so the timeout is raised."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
