"""The `baogao` command run as a user runs it: a child process, real files, and the peak memory
of its whole process tree (the CLI, its Prefect server if any, its worker processes)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.conftest import REPO
from tests.reliability.conftest import child_env

# The console script uv installs beside the interpreter: it follows the entry point wherever the
# command line's module lives.
BAOGAO = str(Path(sys.executable).parent / "baogao")


@dataclass
class Ran:
    code: int
    out: str
    err: str
    peak_rss: int  # bytes, the largest sum of RSS over the process tree seen while it ran
    seconds: float


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):  # a process that ended between listing and reading
            total += p.memory_info().rss
    return total


def baogao(
    *args: str,
    api_url: str | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    nice: bool = False,
    kill_above: int | None = None,
) -> Ran:
    """Run `baogao ARGS` to its end, sampling the memory of its process tree every 50 ms. With
    `kill_above` (bytes), a tree that grows past it is killed (the test then fails on the peak
    instead of taking the machine)."""
    full_env = child_env(api_url)
    full_env["COLUMNS"] = "400"  # tables printed unwrapped, so a test finds a long path in one piece
    full_env.update(env or {})
    cmd = [BAOGAO, *args]
    if nice:
        cmd = ["nice", "-n", "10", *cmd]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        cwd=REPO,
        start_new_session=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            p = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            peak = max(peak, tree_rss(p))
            if kill_above is not None and peak > kill_above:
                os.killpg(proc.pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        done.set()
        raise AssertionError(f"baogao {' '.join(args)} did not finish within {timeout} s: {err[-2000:]}") from None
    finally:
        done.set()
        sampler.join()
    return Ran(proc.returncode, out, err, peak, time.monotonic() - started)
