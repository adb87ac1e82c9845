"""Where the CPU-bound work of an ingest runs.

- `local` (the default): Prefect's thread runner in the flow's process, and a plain
  `ProcessPoolExecutor` with `settings.workers` processes started once per ingest (flows/work.py).
  Prefect's own process-pool task runner starts a temporary API server in every worker when
  none is configured, which costs more than the work of a small run, so it is not used.
- `dask`: prefect-dask's DaskTaskRunner, on the cluster at `settings.dask_address`
  (`tcp://HOST:8786`) or on a temporary local cluster when no address is given. Each batch is one
  Prefect task that runs in the Dask worker's own process (no pool inside it); the reference data
  travels with the batch. Results come back to the flow's process, which alone writes
  Parquet (to `settings.parquet_url`, e.g. `s3://bucket/prefix`) and builds the DuckDB file.
  Workers read file inputs by path, so file inputs must be at the same path on every worker
  (a shared or mounted folder); rows of corpus files travel with the batch.

Install the Dask extra with `uv sync --extra dask` (prefect-dask, distributed, s3fs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.settings import Settings

if TYPE_CHECKING:
    from flows.work import BatchResult
    from sources.base import WorkItem
    from transforms.models import RunInfo
    from transforms.resources import Resources

RUNNERS = ("local", "dask")


class RunnerUnavailable(RuntimeError):
    """The chosen runner cannot be used here; the message says what to install or set."""


def local_task_runner() -> ThreadPoolTaskRunner:  # type: ignore[type-arg]
    """The flow's own threads: they only wait on the process pool and write Parquet; 4 keep a
    window of batches busy."""
    return ThreadPoolTaskRunner(max_workers=4)


def task_runner(settings: Settings) -> Any:
    """The Prefect task runner for `settings.runner`."""
    if settings.runner == "local":
        return local_task_runner()
    if settings.runner == "dask":
        try:
            from prefect_dask.task_runners import DaskTaskRunner
        except ImportError as exc:
            raise RunnerUnavailable(
                "--runner dask needs prefect-dask and distributed: install them with `uv sync --extra dask` "
                "(or `pip install 'baogao[dask]'`)"
            ) from exc
        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1})
    raise RunnerUnavailable(f"unknown runner {settings.runner!r}; choose one of {', '.join(RUNNERS)}")


@task(cache_policy=NO_CACHE)
def transform_here(items: list[WorkItem], run: RunInfo, resources: Resources) -> BatchResult:
    """Read and transform one batch in the process this task runs in (a Dask worker's)."""
    from flows.work import process_batch  # imported where the work runs, not in every flow process

    return process_batch(items, run, resources)
