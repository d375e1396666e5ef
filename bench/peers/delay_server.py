#!/usr/bin/python3
"""Stand-in for crawler-test-server's /delay/{ms} route, for testing the harness.

Same command line and banner as the real server (`--host H --port 0` prints
`listening on http://H:PORT`), serves until SIGTERM. It is Python, so at large
K its own CPU use competes with the client: measure with the real server.
"""

import argparse
import asyncio
import signal
import sys

from aiohttp import web

BODY = b"<!doctype html><html><head><title>delay</title></head><body>ok</body></html>"


async def delay(request: web.Request) -> web.Response:
    ms = int(request.match_info["ms"])
    await asyncio.sleep(ms / 1000.0)
    return web.Response(body=BODY, content_type="text/html")


async def serve(host: str, port: int) -> None:
    app = web.Application()
    app.router.add_get("/delay/{ms:[0-9]+}", delay)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    # The default backlog (128) makes 10,000 simultaneous connects wait on SYN
    # retransmits; the kernel still caps it at net.core.somaxconn.
    site = web.TCPSite(runner, host, port, backlog=16384)
    await site.start()
    bound_port = site._server.sockets[0].getsockname()[1]
    print(f"listening on http://{host}:{bound_port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
