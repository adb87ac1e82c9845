"""Measuring tools: child processes with their peak memory, the jieba baseline, view latency,
and a long-lived Prefect server for the runs."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent


@dataclass
class ChildRun:
    """One child process: wall seconds, peak memory and what it wrote to its --out file."""

    wall: float
    peak_rss: int  # bytes: peak of the sum over the process and all its descendants
    peak_rss_no_server: int  # the same without a temporary Prefect server among the descendants
    returncode: int
    # CPU seconds (user + system) of the process and every descendant it waited for; unlike wall
    # time this hardly changes when other programs compete for the cores.
    cpu: float = 0.0
    out: dict[str, Any] = field(default_factory=dict)
    # (seconds since start, peak GB of the process tree in that second), to tell which stage
    # holds the memory.
    rss_timeline: list[tuple[int, float]] = field(default_factory=list)
    stderr: str = ""


def _tree_rss(proc: psutil.Process) -> tuple[int, int]:
    total = server = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    for p in procs:
        try:
            rss = p.memory_info().rss
            total += rss
            if "prefect.server" in " ".join(p.cmdline()):
                server += rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return total, total - server


def run_child(args: list[str], env: dict[str, str], out: Path, timeout: float = 6 * 3600) -> ChildRun:
    """Run `python -m bench.run_one ARGS --out OUT`, sampling the memory of its process tree
    every 50 ms."""
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.run_one", *args, "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(proc.pid)
    peak = [0, 0]
    per_second: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total, no_server = _tree_rss(watched)
            peak[0] = max(peak[0], total)
            peak[1] = max(peak[1], no_server)
            second = int(time.perf_counter() - started)
            per_second[second] = max(per_second.get(second, 0), total)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = proc.communicate(timeout=timeout)
    finally:
        stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return ChildRun(
        wall=round(wall, 3),
        peak_rss=peak[0],
        peak_rss_no_server=peak[1],
        returncode=proc.returncode,
        cpu=round(cpu, 3),
        rss_timeline=[(s, round(b / 1024**3, 3)) for s, b in sorted(per_second.items())],
        out=data,
        stderr=stderr[-4000:],
    )


def jieba_baseline(texts: Iterable[str]) -> dict[str, float]:
    """Bare `jieba.lcut` (default dictionary, HMM on) over the texts in this process; the
    dictionary's load is timed apart."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    t0 = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    init = time.perf_counter() - t0
    chars = tokens = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        tokens += len(tokenizer.lcut(text))
        chars += len(text)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "chars": chars,
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "init_seconds": round(init, 3),
        "chars_per_s": round(chars / seconds),
        "cpu_seconds": round(cpu, 3),
        "chars_per_cpu_s": round(chars / cpu),
    }


def view_latency(database: Path, repeats: int = 5) -> dict[str, dict[str, float]]:
    """Median seconds of `select * from <view>` (materialized as Arrow) for every view, on a
    read-only connection like an analyst's."""
    import duckdb

    from store.warehouse import duckdb_identifier

    con = duckdb.connect(str(database), read_only=True)
    try:
        views = [
            r[0]
            for r in con.execute(
                "select view_name from duckdb_views() where not internal and schema_name = 'main' order by 1"
            ).fetchall()
        ]
        out: dict[str, dict[str, float]] = {}
        for view in views:
            times = []
            rows = 0
            for _ in range(repeats):
                t0 = time.perf_counter()
                table = con.sql("select * from " + duckdb_identifier(view)).to_arrow_table()
                times.append(time.perf_counter() - t0)
                rows = table.num_rows if table is not None else 0
            out[view] = {
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
                "rows": rows,
            }
        return out
    finally:
        con.close()


class PrefectServer:
    """A long-lived local Prefect server (`prefect server start`), as scheduled runs would use,
    with its state under `home`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.start_seconds = 0.0

    def __enter__(self) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        }
        env.pop("PREFECT_API_URL", None)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-ui",
                "--analytics-off",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prefect server start exited before it was ready")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the Prefect server did not answer within 300 s")
        self.start_seconds = round(time.perf_counter() - t0, 2)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
