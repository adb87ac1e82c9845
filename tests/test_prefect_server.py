"""The Prefect server baogao starts in the background and reuses, as a user meets it: real
`baogao` processes with no PREFECT_API_URL and a Prefect home of their own.

The tests run in file order and share one server (each start is tens of seconds on 2 cores);
the module's teardown stops it and checks nothing is left running."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import CPPCC

pytestmark = pytest.mark.slow
BAOGAO = str(Path(sys.executable).with_name("baogao"))


class Home:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefect = root / "prefect-home"
        self.prefect.mkdir()
        self.inputs = root / "in"
        self.inputs.mkdir()
        shutil.copy(CPPCC[2], self.inputs)
        self.warehouse = root / "warehouse"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        self.env["PREFECT_HOME"] = str(self.prefect)

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [BAOGAO, *args], env=self.env, capture_output=True, text=True, encoding="utf-8", timeout=timeout
        )

    def ingest(self) -> subprocess.CompletedProcess[str]:
        return self.run("ingest", str(self.inputs), "-w", str(self.warehouse), "--workers", "1")

    def server(self) -> dict[str, object] | None:
        state = self.prefect / "baogao-server.json"
        return json.loads(state.read_text(encoding="utf-8")) if state.exists() else None

    def api(self, path: str, body: dict[str, object] | None = None) -> object:
        info = self.server()
        assert info is not None
        req = urllib.request.Request(
            f"http://127.0.0.1:{info['port']}/api{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    h = Home(tmp_path_factory.mktemp("server"))
    pids: set[int] = set()
    yield h
    info = h.server()
    if info is not None:
        pids.add(int(info["pid"]))  # type: ignore[call-overload]
    h.run("server", "stop")
    for pid in pids:  # never leave a server behind, whatever the tests did
        if _running(pid):
            os.killpg(pid, signal.SIGKILL)
            pytest.fail(f"the server {pid} was still running after `baogao server stop`")


@pytest.fixture
def running(home: Home) -> Home:
    """`home` with its background server up: started by the first test's run, or here when a
    test runs alone."""
    if home.server() is None:
        started = home.run("server", "start")
        assert started.returncode == 0, started.stdout + started.stderr
    return home


def test_a_first_ingest_killed_while_the_server_starts_leaves_it_recorded(home: Home) -> None:
    proc = subprocess.Popen(
        [BAOGAO, "ingest", str(home.inputs), "-w", str(home.warehouse), "--workers", "1"],
        env=home.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while home.server() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait(timeout=30)
    assert proc.stderr is not None
    assert "starting a Prefect server in the background (UI: http://127.0.0.1:" in proc.stderr.read()
    info = home.server()
    assert info is not None, "the first ingest did not record the server it started"
    pid = int(info["pid"])  # type: ignore[call-overload]
    assert psutil.pid_exists(pid)
    assert os.getsid(pid) == pid, "the server shares a session with the ingest that started it"


def test_runs_reuse_the_server_and_say_where_its_ui_is(running: Home) -> None:
    home = running
    before = home.server()
    first = home.ingest()
    assert first.returncode == 0, first.stdout + first.stderr
    assert home.server() == before
    assert "starting a Prefect server" not in first.stderr
    assert re.search(r"seconds\s+[\d.]+ in the flow, [\d.]+ since the command started", first.stdout), first.stdout
    runs = home.api("/flow_runs/filter", {"flows": {"name": {"any_": ["baogao-ingest"]}}})
    assert [r["state_type"] for r in runs] == ["COMPLETED"]  # type: ignore[union-attr, index]


def test_a_run_that_finds_nothing_new_runs_no_flow_and_is_recorded_as_such(running: Home) -> None:
    home = running
    if not (home.warehouse / "warehouse.duckdb").exists():  # run alone: the first load
        assert home.ingest().returncode == 0
    again = home.ingest()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing new" in again.stdout
    runs = home.api("/flow_runs/filter", {"sort": "START_TIME_DESC", "flows": {"name": {"any_": ["baogao-ingest"]}}})
    latest = runs[0]  # type: ignore[index]
    assert latest["state_type"] == "COMPLETED" and "no-change" in latest["tags"]
    assert "nothing new" in latest["state"]["message"]


def test_status_shows_the_server_and_how_to_stop_it(running: Home) -> None:
    home = running
    if not (home.warehouse / "warehouse.duckdb").exists():  # run alone: status needs a warehouse
        assert home.ingest().returncode == 0
    info = home.server()
    assert info is not None
    out = home.run("status", "-w", str(home.warehouse)).stdout
    assert f"http://127.0.0.1:{info['port']}" in out and "baogao server stop" in out


def test_serve_without_an_api_url_schedules_on_that_server_and_ctrl_c_stops_it_quietly(running: Home) -> None:
    home = running
    proc = subprocess.Popen(
        [BAOGAO, "serve", str(home.inputs), "--cron", "15 3 * * *", "-w", str(home.warehouse)],
        env=home.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        found = None
        deadline = time.monotonic() + 180
        while found is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                found = home.api("/deployments/name/baogao-ingest/nightly")
            except OSError:
                time.sleep(1)
        assert found is not None, "serve registered no deployment"
        assert [s["schedule"]["cron"] for s in found["schedules"]] == ["15 3 * * *"]  # type: ignore[index]
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in out
    assert proc.returncode in (0, 130), out


def test_server_stop_stops_it_and_leaves_no_process(running: Home) -> None:
    home = running
    info = home.server()
    assert info is not None
    stopped = home.run("server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not _running(int(info["pid"]))  # type: ignore[call-overload]
    assert home.server() is None
    assert "no baogao Prefect server" in home.run("server", "stop").stdout


def test_a_run_that_finds_nothing_new_starts_no_server_and_keeps_its_record(home: Home) -> None:
    if not (home.warehouse / "warehouse.duckdb").exists():  # run alone: the first load
        assert home.ingest().returncode == 0
    home.run("server", "stop")  # stopped already when the tests run in order
    again = home.ingest()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing new" in again.stdout
    assert "recorded in Prefect when the next run starts one" in " ".join(again.stderr.split())
    assert home.server() is None, "a run with nothing to do started a server"
    kept = (home.prefect / "baogao-pending-runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(kept) == 1 and json.loads(kept[0])["tags"] == ["no-change"]


def test_the_next_server_records_the_kept_check_and_stops_itself_once_unused(home: Home) -> None:
    pending = home.prefect / "baogao-pending-runs.jsonl"
    if not pending.exists():  # run alone: keep a check as the test before does
        test_a_run_that_finds_nothing_new_starts_no_server_and_keeps_its_record(home)
    kept = json.loads(pending.read_text(encoding="utf-8"))
    home.env["BAOGAO_SERVER_IDLE_MINUTES"] = "0.2"  # 12 s
    try:
        started = home.run("server", "start")
    finally:
        del home.env["BAOGAO_SERVER_IDLE_MINUTES"]
    assert started.returncode == 0, started.stdout + started.stderr
    assert "stops itself after 0.2 min unused" in " ".join(started.stdout.split())
    info = home.server()
    assert info is not None and info["idle_minutes"] == 0.2
    runs = home.api("/flow_runs/filter", {"flow_runs": {"tags": {"all_": ["no-change"]}}})
    assert kept["name"] in [r["name"] for r in runs]  # type: ignore[union-attr, index]
    assert not pending.exists()
    deadline = time.monotonic() + 120
    while home.server() is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert home.server() is None, "the server did not stop itself once unused"
    while _running(int(info["pid"])) and time.monotonic() < deadline:  # type: ignore[call-overload]
        time.sleep(0.5)
    assert not _running(int(info["pid"]))  # type: ignore[call-overload]


def _running(pid: int) -> bool:
    """Alive and not a zombie: a stopped server whose parent exited waits for init to reap it, and
    an init that reaps late (as in some containers) leaves it in the process table meanwhile."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
