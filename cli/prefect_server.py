"""The process of baogao's background Prefect server (cli/server.py starts it): Prefect's API and UI
under uvicorn, as `prefect server start` serves them, that stops itself once nobody has used it
for a while.

    python -m cli.prefect_server prefect.server.api.server:create_app --host H --port P --idle-minutes M

Used means an HTTP request (a run reporting its states, `baogao status`, the UI open in a
browser, which polls) or an open websocket (a running flow's event stream). Left running, an idle
server keeps holding a few hundred MB and wakes every few seconds for its own services; the next
command that needs one starts it again. Before stopping it takes the start lock of cli/server.py
and removes its record, so a command never picks a server that is on its way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# How often the server looks whether it has been idle long enough.
CHECK_SECONDS = 15.0


class ActivityWatch:
    """ASGI middleware that keeps the time of the last request or websocket and counts those open."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.last = time.monotonic()
        self.open = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self.open += 1
        self.last = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= 1
            self.last = time.monotonic()

    def idle_seconds(self) -> float:
        return 0.0 if self.open else time.monotonic() - self.last


async def _stop_when_idle(server: Any, watch: ActivityWatch, idle_seconds: float, port: int) -> None:
    from cli.server import forget_if_ours, prefect_home, start_lock

    def stop_if_still_idle() -> None:
        # Under the start lock, so that no command is between finding this server and using it.
        with start_lock(prefect_home()):
            if watch.idle_seconds() >= idle_seconds:
                forget_if_ours(os.getpid(), port)
                server.should_exit = True

    while not server.should_exit:
        await asyncio.sleep(min(CHECK_SECONDS, idle_seconds))
        if watch.idle_seconds() >= idle_seconds:
            await asyncio.to_thread(stop_if_still_idle)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cli.prefect_server")
    parser.add_argument("app", help="the ASGI app factory, module:function")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-minutes", type=float, default=0.0, help="stop after this long unused; 0: never")
    args = parser.parse_args()

    import uvicorn

    module, _, factory = args.app.partition(":")
    app = getattr(__import__(module, fromlist=[factory]), factory)()
    watch = ActivityWatch(app)
    server = uvicorn.Server(uvicorn.Config(watch, host=args.host, port=args.port, log_level="warning"))

    async def serve() -> None:
        stopper = None
        if args.idle_minutes > 0:
            stopper = asyncio.create_task(_stop_when_idle(server, watch, args.idle_minutes * 60, args.port))
        try:
            await server.serve()
        finally:
            if stopper is not None:
                stopper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await stopper

    asyncio.run(serve())


if __name__ == "__main__":
    main()
