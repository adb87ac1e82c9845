"""One writer at a time: an advisory lock on warehouse/.ingest.lock, naming its holder."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".ingest.lock"


class LockTimeout(RuntimeError):
    """Another ingest holds the warehouse."""


@contextmanager
def writer_lock(warehouse_dir: Path, run_id: str, timeout: float) -> Iterator[None]:
    """Hold the warehouse's writer lock, waiting up to `timeout` seconds for a running ingest."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    raise LockTimeout(
                        f"another ingest is writing this warehouse ({holder}); waited {timeout:g} s. "
                        "Let it finish, or raise --lock-timeout."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "run_id": run_id, "since": time.time()}).encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock


def running(warehouse_dir: Path) -> str | None:
    """Who holds the warehouse's writer lock now (see writer_lock), or None when nobody does."""
    path = warehouse_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(path)
    finally:
        os.close(fd)
    return None


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("since", 0)))
    return f"run {info.get('run_id')} in process {info.get('pid')}, started {since}"


def held(warehouse_dir: Path) -> bool:
    """True while an ingest holds the warehouse's writer lock (a probe: it takes nothing)."""
    return running(warehouse_dir) is not None


def wait_until_free(warehouse_dir: Path, timeout: float) -> None:
    """Wait up to `timeout` seconds for no ingest to hold the lock, or raise LockTimeout. A
    command calls it before it starts its flow, so a busy warehouse is one line, not a failed
    run's traceback; the flow still takes the lock itself."""
    deadline = time.monotonic() + timeout
    while held(warehouse_dir):
        if time.monotonic() >= deadline:
            raise LockTimeout(
                f"another ingest is writing this warehouse ({_holder(warehouse_dir / LOCK_NAME)}); waited "
                f"{timeout:g} s. Let it finish, or raise --lock-timeout."
            )
        time.sleep(0.2)
