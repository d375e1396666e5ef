"""A web of many origins on loopback addresses, for broad_crawl and scale_out.

Host i answers on its own address 127.0.X.Y (one nginx listening on all of
them, each address serving its own directory) with P pages, a robots.txt
(every 10th asks `Crawl-delay: 2`), and links within the host and across
hosts. Every host's first page is a seed.
"""

import random
from pathlib import Path

SLOW_EVERY = 10  # every 10th host asks Crawl-delay: SLOW_DELAY
SLOW_DELAY = 2.0


def address(i: int) -> str:
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def build_web(root: Path, hosts: int, pages: int, port: int, seed: int,
              scheme: str = "http") -> list[str]:
    """Writes every host's robots.txt and pages; returns the seed URLs."""
    rng = random.Random(seed)
    filler = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "</p>\n"
    seeds = []
    for i in range(hosts):
        home = root / address(i)
        home.mkdir(parents=True)
        robots = "User-agent: *\nDisallow: /private/\n"
        if i % SLOW_EVERY == 0:
            robots += f"Crawl-delay: {SLOW_DELAY:g}\n"
        (home / "robots.txt").write_text(robots)
        for p in range(pages):
            links = [f"/p{q}.html" for q in (2 * p + 1, 2 * p + 2, p // 2) if q < pages]
            for _ in range(3):  # other hosts' pages, from the same web
                other = rng.randrange(hosts)
                links.append(f"{scheme}://{address(other)}:{port}/p{rng.randrange(pages)}.html")
            body = "".join(f'<li><a href="{link}">link</a></li>\n' for link in links)
            (home / f"p{p}.html").write_text(
                f"<!DOCTYPE html>\n<html><head><title>Host {i} page {p}</title></head>"
                f"<body><h1>Host {i}, page {p}</h1>\n{filler}<ul>\n{body}</ul></body></html>\n")
        seeds.append(f"{scheme}://{address(i)}:{port}/p0.html")
    return seeds
