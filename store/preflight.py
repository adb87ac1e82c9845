"""What a writing command checks before it starts a flow: a busy warehouse, a manifest that
cannot be read or a published database that cannot be opened is said in one line, with what to
do, instead of as a failed flow run's traceback. The flows check the same things again."""

from __future__ import annotations

from pathlib import Path

import duckdb

from store.lock import wait_until_free
from store.parts import Root, committed_runs
from store.warehouse import WarehouseError


def preflight(warehouse_dir: Path, parquet_root: Root, lock_timeout: float, database: bool = True) -> None:
    """Raise LockTimeout, DamagedManifest or WarehouseError when the command cannot go on."""
    wait_until_free(warehouse_dir, lock_timeout)
    committed_runs(parquet_root)
    db = warehouse_dir / "warehouse.duckdb"
    if database and db.exists():
        try:
            duckdb.connect(str(db), read_only=True).close()
        except duckdb.Error as exc:
            raise WarehouseError(
                f"the published warehouse {db} cannot be opened ({exc}); nothing was changed. Run "
                "`baogao rebuild` to build it again from the Parquet parts, then ingest again"
            ) from exc
