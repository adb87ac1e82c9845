"""The local Prefect server that baogao starts once and reuses.

Without a server, every Prefect flow starts a temporary one of its own and stops it at the end:
seconds of every run, before any work. So when no Prefect API is configured (PREFECT_API_URL or
the active Prefect profile), the first command that runs a flow starts a server in the
background, bound to 127.0.0.1, and later runs reuse it; its runs stay in Prefect's UI. It is
recorded in PREFECT_HOME/baogao-server.json (pid, port), so `baogao server stop` and
`baogao status` find it wherever they run; it runs in its own session, so Ctrl-C on a run
does not kill it half-started, and a killed run leaves it recorded, not orphaned. Once nobody has
used it for `BAOGAO_SERVER_IDLE_MINUTES` (60 by default; 0: never) it stops itself
(cli/prefect_server.py), and the next command that needs it starts it again.

A run that finds nothing new does not wait for a server to start: when none is up, its record
waits in PREFECT_HOME/baogao-pending-runs.jsonl and is sent when the next command starts one.

Nothing here imports Prefect: a run that finds nothing new should not pay for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_FILE = "baogao-server.json"
LOG_FILE = "baogao-server.log"
PENDING_FILE = "baogao-pending-runs.jsonl"
HOST = "127.0.0.1"
# Prefect's usual port, so the UI is where Prefect's docs say; another free port when it is taken.
PREFERRED_PORT = 4200
# A fresh Prefect database is created and migrated on the first start: tens of seconds on a
# busy 2-core machine.
START_TIMEOUT_SECONDS = 300.0
APP = "prefect.server.api.server:create_app"
IDLE_MINUTES = 60.0


# The PREFECT_API_URL `ensure` set in this process for baogao's server: not one the user configured.
_api_url_set_here: str | None = None


class ServerError(RuntimeError):
    """The server could not be started or reached; the message says what to do."""


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    started_at: float
    log: str
    idle_minutes: float = 0.0  # it stops itself after this long unused; 0: never

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api"


def prefect_home() -> Path:
    """Where Prefect keeps its database and profiles (Prefect's own setting, read the way Prefect
    reads it, without importing Prefect)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def configured_api_url() -> str | None:
    """The Prefect API the user configured: PREFECT_API_URL, the active Prefect profile's, or (in
    a process that already imported Prefect, e.g. under its test harness) Prefect's current one."""
    if (url := os.environ.get("PREFECT_API_URL")) and url != _api_url_set_here:
        return url
    if "prefect.settings" in sys.modules:
        from prefect.settings import get_current_settings

        current = get_current_settings().api.url
        return str(current) if current and str(current) != _api_url_set_here else None
    profiles = prefect_home() / "profiles.toml"
    try:
        data = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    url = data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


def recorded() -> ServerInfo | None:
    """The server baogao started, if it is still running (a stale record is removed)."""
    path = prefect_home() / STATE_FILE
    try:
        info = ServerInfo(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if _is_our_server(info):
        return info
    path.unlink(missing_ok=True)
    return None


def healthy(info: ServerInfo, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(info.api_url + "/health", timeout=timeout) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def ensure(say: Callable[[str], None] = lambda _: None, idle_minutes: float = IDLE_MINUTES, wait: bool = True) -> str:
    """The Prefect API to use: the configured one, else baogao's background server (started now
    when none is running). Sets PREFECT_API_URL for this process and its children. With
    wait=False it returns as soon as the server is started, for the caller to do something else
    while it comes up; a second call then waits for it. Runs recorded for later are sent once it
    answers."""
    if url := configured_api_url():
        return url
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with start_lock(home):  # two commands starting at once share one server
        info = recorded()
        if info is None:
            info = _start(home, say, idle_minutes)
        elif healthy(info):  # a request: a server about to stop when idle now stays up
            wait = True
    global _api_url_set_here
    os.environ["PREFECT_API_URL"] = _api_url_set_here = info.api_url
    if wait:
        _wait_healthy(info, say)
        send_pending(info.api_url)
    return info.api_url


def api_if_up() -> str | None:
    """The Prefect API when one answers now: the configured one, or baogao's server if it is up.
    None when baogao's server is not running or still starting; starts nothing."""
    if url := configured_api_url():
        return url
    info = recorded()
    return info.api_url if info is not None and healthy(info) else None


def forget_if_ours(pid: int, port: int) -> None:
    """Remove the server record when it is the one of the server `pid` on `port` (that server
    stops: the next command starts another)."""
    path = prefect_home() / STATE_FILE
    try:
        info = ServerInfo(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return
    if (info.pid, info.port) == (pid, port):
        path.unlink(missing_ok=True)


def stop() -> ServerInfo | None:
    """Stop baogao's background server; returns what was stopped (None: none was running)."""
    info = recorded()
    if info is None:
        return None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(info.pid, signal.SIGTERM)  # the server and anything it started
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(info.pid):
        time.sleep(0.1)
    if _alive(info.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(info.pid, signal.SIGKILL)
    (prefect_home() / STATE_FILE).unlink(missing_ok=True)
    return info


def _start(home: Path, say: Callable[[str], None], idle_minutes: float) -> ServerInfo:
    port = _free_port()
    say(f"starting a Prefect server in the background (UI: http://{HOST}:{port}; `baogao server stop` stops it)")
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_API_HOST=HOST,
        PREFECT_SERVER_API_PORT=str(port),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT__SERVER_FINAL="1",  # as `prefect server start` marks its own server process
    )
    env.pop("PREFECT_API_URL", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the server compiles what it imports, once
    log = home / LOG_FILE
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.prefect_server",
                APP,
                *("--host", HOST, "--port", str(port), "--idle-minutes", f"{idle_minutes:g}"),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    info = ServerInfo(pid=proc.pid, port=port, started_at=time.time(), log=str(log), idle_minutes=idle_minutes)
    (home / STATE_FILE).write_text(json.dumps(asdict(info)), encoding="utf-8")
    return info


def _wait_healthy(info: ServerInfo, say: Callable[[str], None]) -> None:
    started = time.monotonic()
    while not healthy(info):
        if not _alive(info.pid):
            (prefect_home() / STATE_FILE).unlink(missing_ok=True)
            raise ServerError(
                f"the Prefect server stopped while starting; its log is {info.log}. Set PREFECT_API_URL to a "
                "server you run yourself (`uv run prefect server start`) to go on without it."
            )
        if time.monotonic() - started > START_TIMEOUT_SECONDS:
            raise ServerError(
                f"the Prefect server did not answer within {START_TIMEOUT_SECONDS:.0f} s; its log is {info.log}. "
                "`baogao server stop` stops it."
            )
        time.sleep(0.2)


def _is_our_server(info: ServerInfo) -> bool:
    import psutil

    try:
        cmd = psutil.Process(info.pid).cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return APP in cmd and str(info.port) in cmd


def _alive(pid: int) -> bool:
    import psutil

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _free_port() -> int:
    for port in (PREFERRED_PORT, 0):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise ServerError("no free TCP port on 127.0.0.1 for the Prefect server")


@contextlib.contextmanager
def start_lock(home: Path) -> Iterator[None]:
    """Held while a command finds or starts the server, and by the server while it decides to stop."""
    fd = os.open(home / "baogao-server.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def record_flow_run(api_url: str, flow: str, name: str, message: str, tags: list[str]) -> str:
    """Create a completed run of `flow` on the server at `api_url` through Prefect's REST API (two
    requests, no Prefect import); returns the run's id. Recording the same `name` twice gives one run."""
    flow_id = _post(api_url, "/flows/", {"name": flow})["id"]
    run = _post(
        api_url,
        "/flow_runs/",
        {
            "flow_id": flow_id,
            "name": name,
            "tags": tags,
            "parameters": {},
            "idempotency_key": name,
            "state": {"type": "COMPLETED", "name": "Completed", "message": message},
        },
    )
    return str(run["id"])


def _record_soon(api_url: str, args: tuple[str, str, str, list[str]], tries: int = 4) -> bool:
    """record_flow_run, tried again for a few seconds: a server that has just started can answer
    its health check while its own services still hold its database."""
    for attempt in range(tries):
        try:
            record_flow_run(api_url, *args)
            return True
        except (OSError, ValueError):
            if attempt + 1 < tries:
                time.sleep(0.5 * 2**attempt)
    return False


def record_later(flow: str, name: str, message: str, tags: list[str]) -> None:
    """Keep a run to record for when the server next answers (`send_pending`)."""
    line = json.dumps({"flow": flow, "name": name, "message": message, "tags": tags}, ensure_ascii=False)
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with start_lock(home), open(home / PENDING_FILE, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def send_pending(api_url: str) -> int:
    """Record the runs kept by `record_later` on the server at `api_url`; those it could not send
    stay for the next time. Returns how many were sent."""
    home = prefect_home()
    path = home / PENDING_FILE
    if not path.exists():
        return 0
    with start_lock(home):
        try:
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except OSError:
            return 0
        left: list[str] = []
        for line in lines:
            try:
                run = json.loads(line)
                args = (run["flow"], run["name"], run["message"], run["tags"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short (a full disk): there is nothing to send
            if not _record_soon(api_url, args):  # the server is busy or went away: next time
                left.append(line)
        if left:
            path.write_text("".join(line + "\n" for line in left), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    return len(lines) - len(left)


def _post(api_url: str, path: str, body: dict[str, object]) -> dict[str, object]:
    headers = {"Content-Type": "application/json"}
    if key := os.environ.get("PREFECT_API_KEY"):  # Prefect Cloud
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(api_url.rstrip("/") + path, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        answer: dict[str, object] = json.loads(r.read())
    return answer
