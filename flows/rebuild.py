"""`baogao rebuild`: recreate the DuckDB file from the Parquet tree alone."""

from __future__ import annotations

import datetime as dt
import time

from prefect import flow

from flows.plan import new_run_id
from flows.settings import Settings
from store.checks import CheckResult
from store.lock import writer_lock
from store.parts import committed_parts, is_remote, local_root
from store.publish import publish
from store.state import ledger_rows
from store.warehouse import WarehouseError
from transforms.ledger import build_state, in_force


@flow(name="baogao-rebuild")
def rebuild(settings: Settings | None = None) -> tuple[dict[str, int], list[CheckResult], float]:
    """Build a fresh warehouse from every committed Parquet part (the source of truth), check it
    and swap it in. Returns row counts, checks and seconds."""
    settings = settings or Settings()
    started = time.monotonic()
    token = "rebuild-" + new_run_id(dt.datetime.now(dt.UTC))
    with writer_lock(settings.warehouse_dir, token, settings.lock_timeout_seconds):
        root = settings.parquet_root
        parts = committed_parts(root)
        missing = [p.path for p in parts if not is_remote(root) and not (local_root(root) / p.path).is_file()]
        if missing:
            raise WarehouseError(
                f"{len(missing)} committed Parquet part(s) are missing ({', '.join(missing[:3])}); nothing was "
                "changed. Run `baogao verify` to see the damage and `baogao repair` to restore it from the inputs"
            )
        keep = in_force(build_state(ledger_rows(root, parts), []))
        published = publish(settings.warehouse, token, parts, keep, fresh=True)
    return published.rows, published.checks, round(time.monotonic() - started, 2)
