"""Settings: the one place configuration is read (env prefix BAOGAO_)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    # Inputs larger than this are rejected as too_large (bytes).
    max_file_bytes: int = 200 * 1024 * 1024

    @property
    def database_path(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"


def configure_prefect() -> None:
    """Defaults that make Prefect work on a fresh machine with no server configured. Only sets
    what the user has not set. The temporary server takes 15-20 s to start on a 2-core machine,
    longer on first use (database migrations), so its start-up timeout is raised from 20 s."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
