"""Shared harness for the reliability catalogue (research notes §4): small real reports, child
processes that are killed at calibrated points, and a tally of what the suite tried.

Children run real code (DuckDB, pyarrow, the real ingest flow) in their own process and are
killed with SIGKILL; they talk to the session's Prefect test server (PREFECT_API_URL), so a killed
flow run leaves its "Running" state there for the reconciler to find, and no orphaned temporary
server is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CPPCC, REPO

# What the suite tried, printed at the end of the run (the "counts").
TALLY: Counter[str] = Counter()


def tally(what: str, n: int = 1) -> None:
    TALLY[what] += n


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY:
        terminalreporter.section("reliability tally")
        for key in sorted(TALLY):
            terminalreporter.write_line(f"{key}: {TALLY[key]}")


@pytest.fixture(scope="session")
def paragraphs() -> list[str]:
    """Real paragraphs of the three 政协 reports, each long enough to be a report on its own."""
    out: list[str] = []
    for f in CPPCC:
        out += [p.strip() for p in f.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 100]
    return out


def report_text(paragraphs: list[str], i: int, n: int = 2) -> str:
    """A small report: a title and `n` consecutive real paragraphs (distinct for distinct i)."""
    body = "\n".join(paragraphs[(i * n + k) % len(paragraphs)] for k in range(n))
    return f"政协第{i + 1}号工作报告\n{body}\n"


def write_reports(folder: Path, paragraphs: list[str], first: int, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        p = folder / f"report-{i:03d}.txt"
        p.write_text(report_text(paragraphs, i), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture(scope="session")
def api_url(prefect_harness: None) -> str:
    """The session's Prefect test server, for child processes."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness did not set an API URL"
    return str(url)


def child_env(api_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["PREFECT_LOGGING_LEVEL"] = "WARNING"
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


@dataclass
class Child:
    """A Python child process running `code`; it prints marker lines the parent waits for."""

    proc: subprocess.Popen[str]

    @classmethod
    def start(cls, code: str, *args: str, api_url: str | None = None) -> Child:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(api_url),
            cwd=REPO,
            start_new_session=True,
        )
        return cls(proc)

    def wait_for(self, marker: str, timeout: float = 120) -> float:
        """Block until the child prints a line starting with `marker`; returns the time it did."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"child ended before printing {marker!r}: {err[-3000:]}")
            if line.startswith(marker):
                return time.monotonic()
        raise AssertionError(f"child did not print {marker!r} within {timeout} s")

    def kill(self) -> None:
        """SIGKILL, the fault under test: no handler, no cleanup, no flush."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        tally("faults injected: SIGKILL")

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Children started by a test; any still running at its end are killed (by their own id)."""
    started: list[Child] = []
    yield started
    for c in started:
        if c.proc.poll() is None:
            os.killpg(c.proc.pid, signal.SIGKILL)
            c.proc.wait(timeout=30)


def duck(path: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, paragraphs: list[str], prefect_harness: None) -> Path:
    """A warehouse published by the real flow from three small reports. Read it, or copy it
    (shutil.copytree) before changing anything."""
    from flows.ingest import ingest
    from flows.settings import Settings

    root = tmp_path_factory.mktemp("published")
    write_reports(root / "in", paragraphs, 50, 3)
    ingest(Settings(sources=[root / "in"], warehouse_dir=root / "w", workers=1, batch_size=8))
    return root / "w"
