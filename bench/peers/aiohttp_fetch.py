#!/usr/bin/python3
"""Peer for bench/concurrent_slow: fetch every URL of a file at once with aiohttp.

One ClientSession, TCPConnector(limit=0) (no connection cap), asyncio.gather
over all GETs, bodies read in full. Prints `ok=N errors=E bytes=B seconds=S`
(ok = status 200). It is the idiomatic asyncio baseline, nothing tuned.
"""

import argparse
import asyncio
import collections
import sys
import time

import aiohttp


async def fetch_all(urls: list[str], timeout_s: float) -> tuple[int, int, int, collections.Counter]:
    ok = errors = total_bytes = 0
    reasons: collections.Counter = collections.Counter()
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def fetch(url: str) -> None:
            nonlocal ok, errors, total_bytes
            try:
                async with session.get(url) as response:
                    body = await response.read()
                    total_bytes += len(body)
                    if response.status == 200:
                        ok += 1
                    else:
                        errors += 1
                        reasons[f"http {response.status}"] += 1
            except Exception as e:  # one failed URL must not end the run
                errors += 1
                reasons[type(e).__name__] += 1

        await asyncio.gather(*(fetch(u) for u in urls))
    return ok, errors, total_bytes, reasons


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", required=True, help="file with one URL per line")
    parser.add_argument("--timeout", type=float, default=300.0, help="per-request total timeout, s")
    args = parser.parse_args()
    with open(args.urls) as f:
        urls = [line.strip() for line in f if line.strip()]
    start = time.monotonic()
    ok, errors, total_bytes, reasons = asyncio.run(fetch_all(urls, args.timeout))
    seconds = time.monotonic() - start
    print(f"ok={ok} errors={errors} bytes={total_bytes} seconds={seconds:.3f}")
    if reasons:
        print("error kinds: " + ", ".join(f"{k}={v}" for k, v in reasons.most_common()),
              file=sys.stderr)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
