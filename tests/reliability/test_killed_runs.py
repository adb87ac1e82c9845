"""A run killed from outside leaves nothing running but what is meant to outlive it: `kill -9`
on `baogao ingest` (no handler runs) or SIGTERM. Without PREFECT_API_URL the first ingest starts
baogao's background Prefect server (cli/server.py), recorded in PREFECT_HOME for the next runs
and for `baogao server stop`; the run's worker processes must go with the run. The time they take
to go is printed for the issue's figures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO
from tests.reliability.conftest import child_env, tally, write_reports
from tests.reliability.processes import BAOGAO

pytestmark = pytest.mark.slow


def start_ingest(src: Path, w: Path, home: Path) -> subprocess.Popen[str]:
    env = child_env(None)  # no API URL: the run starts its own temporary server
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_HOME"] = str(home)
    env["BAOGAO_BATCH_SIZE"] = "1"
    return subprocess.Popen(
        [BAOGAO, "ingest", str(src), "--warehouse", str(w), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )


def wait_for_transform(proc: subprocess.Popen[str], w: Path, timeout: float = 240) -> list[psutil.Process]:
    """Wait until the run holds its lease and has worker processes; return its descendants."""
    deadline = time.monotonic() + timeout
    me = psutil.Process(proc.pid)
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        kids = me.children(recursive=True)
        workers = [k for k in kids if "uvicorn" not in cmd(k) and "prefect" not in cmd(k)]
        if list((w / ".runs").glob("*.json")) and len(workers) >= 2:
            return kids
        time.sleep(0.2)
    raise AssertionError("the run did not reach its transform stage")


def cmd(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def seconds_until_gone(procs: list[psutil.Process], limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in procs):
            return time.monotonic() - started
        time.sleep(0.1)
    return None


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill_9", "sigterm"])
def test_a_killed_run_leaves_no_server_or_worker_behind(tmp_path: Path, paragraphs: list[str], sig: int) -> None:
    src = tmp_path / "in"
    write_reports(src, paragraphs, 60, 40)
    w = tmp_path / "w"
    proc = start_ingest(src, w, tmp_path / "prefect")
    kids: list[psutil.Process] = []
    try:
        kids = wait_for_transform(proc, w)
        tally(f"faults injected: {signal.Signals(sig).name} to ingest")
        os.kill(proc.pid, sig)  # the run's own process only, as `kill PID` does
        proc.wait(timeout=60)
        server = recorded_server(tmp_path / "prefect")
        kids = [p for p in kids if p.pid != server]
        gone = seconds_until_gone(kids, 30)
        names = [cmd(p)[:120] for p in kids if p.is_running()]
        print(f"{signal.Signals(sig).name}: children gone after {gone} s; left: {names}")
        assert gone is not None, f"still running 30 s after the kill: {names}"
    finally:
        for p in kids:
            if p.is_running():
                p.kill()
        server = recorded_server(tmp_path / "prefect")
        if server is not None and psutil.pid_exists(server):
            os.killpg(server, signal.SIGTERM)  # the background server this test's run started


def recorded_server(home: Path) -> int | None:
    """The pid of baogao's background server, as its state file records it."""
    try:
        return int(json.loads((home / "baogao-server.json").read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return None
