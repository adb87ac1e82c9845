"""The CLI as a user runs it: `baogao ingest` in a fresh process with default settings and no
Prefect server started by hand, timed from exec to exit (start-up included), against bare
`jieba.lcut` over the same text, also in a fresh process with its start-up."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BAOGAO = str(Path(sys.executable).with_name("baogao"))

# Bare jieba as a user would time it: start Python, import jieba, read the corpus, cut every text.
JIEBA = """
import logging, sys
from pathlib import Path
import jieba
jieba.setLogLevel(logging.WARNING)
n = 0
for p in sorted(Path(sys.argv[1]).rglob("*.txt")):
    n += len(jieba.lcut(p.read_text(encoding="utf-8")))
print(n)
"""


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float  # user + system seconds of the process and the children it waited for
    returncode: int
    stdout: str
    stderr: str


def timed(cmd: list[str], env: dict[str, str]) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(round(wall, 2), round(cpu, 2), proc.returncode, proc.stdout, proc.stderr)


def measure(corpus: Path, chars: int, out: Path) -> dict[str, Any]:
    """Four fresh processes, in this order: bare jieba; `baogao ingest` into a new warehouse with
    no server running (its first run starts baogao's background server: `cold`); the same into
    another new warehouse with the server left running (`warm`, the figure a user meets from the
    second run on); and a no-change re-run. The server is stopped at the end."""
    home = out / "as-user-prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOGAO_"))}
    env["PREFECT_HOME"] = str(home)
    result: dict[str, Any] = {"corpus_chars": chars}
    try:
        jieba = timed([sys.executable, "-c", JIEBA, str(corpus)], env)
        result["jieba_lcut"] = {"wall": jieba.wall, "cpu": jieba.cpu}
        for name in ("cold", "warm"):
            wh = out / f"as-user-warehouse-{name}"
            shutil.rmtree(wh, ignore_errors=True)
            run = timed([BAOGAO, "ingest", str(corpus), "--warehouse", str(wh)], env)
            if run.returncode != 0:
                result["error"] = f"baogao ingest ({name}) exited {run.returncode}: {run.stderr[-2000:]}"
                return result
            result[name] = {
                "wall": run.wall,
                "cpu": run.cpu,
                "ratio_to_jieba": round(jieba.wall / run.wall, 2),
                "chars_per_s": round(chars / run.wall),
            }
        rerun = timed([BAOGAO, "ingest", str(corpus), "--warehouse", str(out / "as-user-warehouse-warm")], env)
        result["no_change"] = {"wall": rerun.wall, "cpu": rerun.cpu, "nothing_new": "nothing new" in rerun.stdout}
    finally:
        subprocess.run([BAOGAO, "server", "stop"], env=env, capture_output=True)
    return result
