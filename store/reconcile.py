"""Cleaning up after runs that died: run at the start of every ingest, under the writer lock.

A run killed with SIGKILL (or by the OOM killer, or a power cut) leaves three kinds of debris:
- its Prefect flow run stays "Running" forever: Prefect notices dead runs only for deployments
  with heartbeats and an automation;
- Parquet parts it wrote but never committed (no manifest lists them), and hidden temp files of a
  write cut short;
- a half-built staging database under warehouse/.staging/.

Each ingest writes a *lease* (warehouse/.runs/<flow run id>.json: host, PID and the PID's start
time) before it waits for the writer lock, and removes it when it ends. A "Running" flow run of
this flow whose lease names a process that no longer exists is dead; one without a lease that
started longer ago than `run_lease_seconds` is presumed dead. Both are marked Crashed, with their
running task runs. Debris older than `sweep_grace_seconds` is deleted; nothing committed is.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from store.parts import MANIFESTS, atomic_write_bytes, read_manifests
from store.publish import STAGING
from store.repair import unlisted_committed

FLOW_NAME = "baogao-ingest"
LEASES = ".runs"


@dataclass
class Reconciled:
    """What the reconciler did, for the run's log."""

    crashed_runs: list[str] = field(default_factory=list)  # flow run ids marked Crashed
    removed: list[str] = field(default_factory=list)  # paths deleted (relative to the warehouse folder)
    errors: list[str] = field(default_factory=list)  # what could not be checked, and why

    def __bool__(self) -> bool:
        return bool(self.crashed_runs or self.removed or self.errors)

    def describe(self) -> str:
        parts = []
        if self.crashed_runs:
            parts.append(f"marked {len(self.crashed_runs)} dead run(s) Crashed: {', '.join(self.crashed_runs)}")
        if self.removed:
            parts.append(f"removed {len(self.removed)} leftover file(s) of interrupted runs")
        if self.errors:
            parts.append("could not check: " + "; ".join(self.errors))
        return "; ".join(parts) or "nothing to clean up"


# ---------------------------------------------------------------------------------------------
# Leases


def _process_start(pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


@contextlib.contextmanager
def run_lease(warehouse_dir: Path, flow_run_id: str | None) -> Iterator[Path | None]:
    """Hold a lease naming this process for the flow run while the body runs."""
    if flow_run_id is None:
        yield None
        return
    folder = warehouse_dir / LEASES
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{flow_run_id}.json"
    info = {
        "flow_run_id": flow_run_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "pid_started": _process_start(os.getpid()),
        "since": time.time(),
    }
    # Whole or absent: a reader (another ingest reconciling, a test) must never see half a lease.
    atomic_write_bytes(path, json.dumps(info).encode("utf-8"))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def lease_alive(info: dict[str, Any]) -> bool | None:
    """True when the process a lease names still runs, False when it is gone, None when this
    machine cannot tell (the lease is from another host)."""
    if info.get("host") != socket.gethostname():
        return None
    pid = info.get("pid")
    if not isinstance(pid, int):
        return False
    started = _process_start(pid)
    if started is None:
        return False
    recorded = info.get("pid_started")
    # The PID may have been reused by another process since: compare start times.
    return recorded is None or abs(started - float(recorded)) < 1.0


def _read_lease(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# ---------------------------------------------------------------------------------------------
# Prefect runs


def _warehouse_of(flow_run: Any) -> str | None:
    settings = (flow_run.parameters or {}).get("settings")
    if isinstance(settings, dict) and settings.get("warehouse_dir"):
        return str(Path(str(settings["warehouse_dir"])).resolve())
    return None


def crash_dead_runs(warehouse_dir: Path, current: str | None, lease_seconds: float) -> Reconciled:
    """Mark this flow's "Running"/"Pending" runs that are dead as Crashed (see module docstring)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
    from prefect.states import Crashed

    out = Reconciled()
    ours = str(warehouse_dir.resolve())
    leases = warehouse_dir / LEASES
    now = datetime.now(UTC)
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[FLOW_NAME])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING]))
            ),
            # The sync client sends sort/limit as null unless given, which the server refuses (422).
            sort=FlowRunSort.START_TIME_ASC,
            limit=200,
        )
        for fr in runs:
            run_id = str(fr.id)
            if run_id == current:
                continue
            lease = _read_lease(leases / f"{run_id}.json")
            if lease is not None:
                alive = lease_alive(lease)
                if alive is None:
                    out.errors.append(f"run {run_id} runs on host {lease.get('host')}; its process cannot be checked")
                    continue
                if alive:
                    continue
                why = (
                    f"its process (PID {lease.get('pid')} on {lease.get('host')}) is gone: it was killed "
                    "(SIGKILL, out of memory, shutdown) before it could report; found by the next ingest"
                )
            else:
                if _warehouse_of(fr) not in (ours, None):
                    continue  # another warehouse's run: its own next ingest judges it
                started = fr.start_time or fr.created
                age = (now - started).total_seconds() if started is not None else 0.0
                if age < lease_seconds:
                    continue
                why = (
                    f"it has been '{fr.state_name}' for {age / 3600:.1f} h with no live process recorded "
                    f"(longer than the {lease_seconds / 3600:.1f} h lease); found by the next ingest"
                )
            client.set_flow_run_state(fr.id, Crashed(message=f"Marked Crashed by baogao: {why}"), force=True)
            tasks = client.read_task_runs(
                task_run_filter=TaskRunFilter(
                    flow_run_id=TaskRunFilterFlowRunId(any_=[fr.id]),
                    state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING])),
                ),
                sort=TaskRunSort.EXPECTED_START_TIME_ASC,
                limit=200,
            )
            for tr in tasks:
                client.set_task_run_state(tr.id, Crashed(message="its flow run crashed"), force=True)
            (leases / f"{run_id}.json").unlink(missing_ok=True)
            out.crashed_runs.append(run_id)
    return out


# ---------------------------------------------------------------------------------------------
# Debris


def _old(path: Path, grace: float, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime >= grace
    except FileNotFoundError:
        return False


def sweep(warehouse_dir: Path, parquet_dir: Path, grace: float, now: float | None = None) -> list[Path]:
    """Delete what interrupted runs left behind and nothing else: Parquet parts no manifest
    lists, hidden temp files, staging databases and leases of dead processes, each only when
    older than `grace` seconds. Returns the paths deleted."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    if parquet_dir.is_dir():
        committed = read_manifests(parquet_dir)
        # Parts of a committed run missing from its manifest are damage for `baogao repair`,
        # not leftovers: deleting them would lose their documents for good.
        listed = {p.path for m in committed for p in m.parts} | set(unlisted_committed(parquet_dir, committed))
        for table_dir in sorted(parquet_dir.iterdir()):
            if not table_dir.is_dir() or table_dir.name == MANIFESTS:
                continue
            for f in sorted(table_dir.iterdir()):
                rel = f.relative_to(parquet_dir).as_posix()
                orphan = f.name.endswith(".parquet") and not f.name.startswith(".") and rel not in listed
                temp = f.name.startswith(".") and f.name.endswith(".tmp")
                if (orphan or temp) and f.is_file() and _old(f, grace, now):
                    f.unlink(missing_ok=True)
                    removed.append(f)
        manifests = parquet_dir / MANIFESTS
        if manifests.is_dir():
            for f in sorted(manifests.glob(".*.tmp")):
                if _old(f, grace, now):
                    f.unlink(missing_ok=True)
                    removed.append(f)
    staging = warehouse_dir / STAGING
    if staging.is_dir():
        for f in sorted(staging.iterdir()):
            if f.is_file() and _old(f, grace, now):
                f.unlink(missing_ok=True)
                removed.append(f)
    for f in sorted((warehouse_dir / LEASES).glob("*")) if (warehouse_dir / LEASES).is_dir() else []:
        temp = f.name.startswith(".") and f.name.endswith(".tmp")
        if not temp and f.suffix != ".json":
            continue
        info = None if temp else _read_lease(f)
        if (info is None or lease_alive(info) is False) and _old(f, grace, now):
            f.unlink(missing_ok=True)
            removed.append(f)
    return removed


def reconcile(
    warehouse_dir: Path,
    parquet_dir: Path | None,
    current_flow_run: str | None,
    lease_seconds: float,
    grace_seconds: float,
) -> Reconciled:
    """Both clean-ups; a failure to reach Prefect is reported, never fatal to the ingest."""
    try:
        out = crash_dead_runs(warehouse_dir, current_flow_run, lease_seconds)
    except Exception as exc:  # the API may be unreachable; the ingest itself does not need it
        out = Reconciled(errors=[f"Prefect runs ({type(exc).__name__}: {exc})"])
    if parquet_dir is not None:
        out.removed.extend(
            p.relative_to(warehouse_dir).as_posix() if p.is_relative_to(warehouse_dir) else str(p)
            for p in sweep(warehouse_dir, parquet_dir, grace_seconds)
        )
    return out


# File systems where DuckDB's file lock and our writer lock cannot be trusted (DuckDB concurrency
# docs; NFS has reported the lock as held by "PID 0", trinodb/trino#25802). Local overlay and
# fuse-overlayfs (containers) are fine.
NETWORK_FILESYSTEMS = frozenset(
    [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "fuse.sshfs",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.rclone",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.juicefs",
        "fuse.davfs2",
        "fuse.goofys",
    ]
)


class UnsafeLocation(RuntimeError):
    """The warehouse folder is on a network file system."""


def filesystem_of(path: Path, mounts: str | None = None) -> str | None:
    """The type of the file system holding `path` (longest mount point prefix in /proc/mounts)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8")
        except OSError:
            return None
    target = os.path.realpath(path)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


def check_local(path: Path, mounts: str | None = None) -> None:
    """Refuse a warehouse on a network file system: locks cannot be trusted there."""
    kind = filesystem_of(path, mounts)
    if kind in NETWORK_FILESYSTEMS:
        raise UnsafeLocation(
            f"the warehouse folder {path} is on a network file system ({kind}), where file locks cannot be "
            "trusted and two writers could corrupt it. Put the warehouse on a local disk (the inputs may stay on "
            "the network), or set BAOGAO_ALLOW_NETWORK_FILESYSTEM=1 if you are sure only one machine writes it"
        )


def reconcile_for(settings: Any, flow_run_id: str | None) -> Reconciled:
    """`reconcile` for an ingest with these Settings, logging what it did."""
    if not getattr(settings, "allow_network_filesystem", False):
        check_local(settings.warehouse_dir)
    local_parquet = None if getattr(settings, "parquet_url", None) else settings.parquet_dir
    out = reconcile(
        settings.warehouse_dir, local_parquet, flow_run_id, settings.run_lease_seconds, settings.sweep_grace_seconds
    )
    if out:
        _logger().warning("reconciler: %s", out.describe())
    return out


def _logger() -> Any:
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:  # outside a flow run
        import logging

        return logging.getLogger("baogao.reconcile")
