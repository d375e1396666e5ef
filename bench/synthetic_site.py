"""Deterministic synthetic static site for bench/crawl_site.

Owns: the page layout and link graph of the site. What must stay true: the same
parameters give byte-identical files (seeded RNG, no clock); every page is
reachable from /index.html (a B-ary spanning tree, parent(i) = (i-1)//B, each
page links to its children); every href resolves to a page of the site, so a
correct crawler stores exactly `pages` pages; no href leaves 127.0.0.1 and no
page pulls in other resources (no img/script/stylesheet), so mirrors such as
wget2 download only the pages.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

GENERATOR_VERSION = 1  # bump when the output changes, to invalidate caches
BRANCHING = 8
PAGES_PER_SECTION = 200

_WORDS = """
time year people way day man thing woman life child world school state family
student group country problem hand part place case week company system program
question work government number night point home water room mother area money
story fact month lot right study book eye job word business issue side kind head
house service friend father power hour game line end member law car city
community name president team minute idea kid body information back parent face
others level office door health person art war history party result change
morning reason research girl guy moment air teacher force education foot boy age
policy everything process music market sense nation plan college interest death
experience effect use class control care field development role effort rate heart
drug show leader light voice wife police mind price report decision son view
relationship town road arm difference value building action model season society
tax director position player record paper space ground form event official matter
center couple site project activity star table need court oil situation cost
industry figure street image phone data picture practice piece land product doctor
wall patient worker news test movie north love support technology step baby
computer type attention film tree source organization hair window evidence
population site crawler network protocol request response header latency socket
buffer queue parser index archive library journal garden river mountain harbor
""".split()

_VERBS = """
is was makes takes finds gives tells becomes leaves feels brings begins keeps holds
writes stands hears lets means sets meets runs pays sits speaks lies leads reads
grows loses falls sends builds stays reaches remains suggests raises passes sells
requires reports decides pulls describes explains carries develops""".split()

_ADJECTIVES = """
other new good high old great big small large national young different long little
important political bad white real best right social only public sure low early
able human local late hard major better economic strong possible whole free
military true federal international full special easy clear recent certain
personal open red difficult available likely short single medical current wrong
private past foreign fine common poor natural significant similar hot dead central
happy serious ready simple left physical general environmental financial blue""".split()


def _sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(2, 4)):
        words.append(rng.choice(_ADJECTIVES))
        words.append(rng.choice(_WORDS))
        words.append(rng.choice(_VERBS))
    words += ["the", rng.choice(_ADJECTIVES), rng.choice(_WORDS)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def page_path(i: int) -> str:
    """URL path of page i; page 0 is the index."""
    if i == 0:
        return "/index.html"
    return f"/s{(i - 1) // PAGES_PER_SECTION:03d}/p{i:05d}.html"


def _href(rng: random.Random, source: int, target: int) -> str:
    """A mix of absolute-path and relative hrefs, all resolving to page_path(target)."""
    path = page_path(target)
    if target == 0 or rng.random() < 0.5:
        return path
    if source == 0:
        return path[1:] if rng.random() < 0.7 else "./" + path[1:]
    same_dir = path.rsplit("/", 1)[0] == page_path(source).rsplit("/", 1)[0]
    name = path.rsplit("/", 1)[1]
    if same_dir:
        return name if rng.random() < 0.8 else "./" + name
    return ".." + path


def _link_targets(rng: random.Random, i: int, pages: int, links: int) -> list[int]:
    children = [c for c in range(i * BRANCHING + 1, i * BRANCHING + BRANCHING + 1) if c < pages]
    parent = [(i - 1) // BRANCHING] if i > 0 else []
    targets = children + parent
    while len(targets) < links:
        targets.append(rng.randrange(pages))
    return targets


def _titles(seed: int, pages: int) -> list[str]:
    rng = random.Random(seed * 7919 + 1)
    return [f"{rng.choice(_ADJECTIVES).title()} {rng.choice(_WORDS)} {i}" for i in range(pages)]


def render_page(i: int, pages: int, *, seed: int, page_bytes: int, links: int,
                sentences: list[str], titles: list[str]) -> str:
    rng = random.Random(seed * 1_000_003 + i)
    title = titles[i]
    targets = _link_targets(rng, i, pages, links)
    # The first few targets go to the nav bar, the next into paragraphs, the
    # rest to a "related" aside and the footer.
    nav_n = min(len(targets), 10)
    nav = targets[:nav_n]
    inline = targets[nav_n:nav_n + 14]
    aside = targets[nav_n + 14:]

    def anchor(t: int) -> str:
        return f'<a href="{_href(rng, i, t)}">{titles[t]}</a>'

    head = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        f"<meta name=\"description\" content=\"{rng.choice(sentences)}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "nav ul{list-style:none;display:flex;gap:1em}</style>\n"
        "</head>\n<body>\n<header id=\"top\">\n<nav>\n<ul>\n"
        + "".join(f"<li>{anchor(t)}</li>\n" for t in nav)
        + "</ul>\n</nav>\n</header>\n<main>\n"
        f"<h1>{title}</h1>\n")
    aside_html = ("<aside>\n<h2>Related</h2>\n<ul>\n"
                  + "".join(f"<li>{anchor(t)}</li>\n" for t in aside)
                  + "</ul>\n</aside>\n")
    tail = ("</main>\n" + aside_html
            + "<footer>\n<p><a href=\"#top\">Back to top</a> &middot; "
            f"<a href=\"/index.html\">Home</a> &middot; page {i} of {pages}</p>\n"
            "</footer>\n</body>\n</html>\n")

    parts = [head]
    size = len(head) + len(tail)
    section = 0
    pending_links = list(inline)
    while size < page_bytes or pending_links:
        if section % 3 == 0:
            h2 = f"<h2>{rng.choice(sentences)[:-1]}</h2>\n"
            parts.append(h2)
            size += len(h2)
        section += 1
        chosen = [rng.choice(sentences) for _ in range(rng.randint(4, 8))]
        if pending_links:
            link = "See " + anchor(pending_links.pop()) + "."
            chosen.insert(rng.randrange(len(chosen) + 1), link)
        para = "<p>" + " ".join(chosen) + "</p>\n"
        parts.append(para)
        size += len(para)
    parts.append(tail)
    return "".join(parts)


def ensure_site(root: Path, *, pages: int, page_bytes: int = 20_000, links: int = 40,
                seed: int = 1, log=print) -> Path:
    """Generates the site under root/site-... once; later calls reuse it.

    Returns the document root (contains index.html). Generation writes to a
    temporary directory renamed into place, so a cache is never half-written.
    """
    params = {"version": GENERATOR_VERSION, "pages": pages, "page_bytes": page_bytes,
              "links": links, "seed": seed}
    site = root / f"site-{pages}p-{page_bytes // 1000}k-{links}l-s{seed}-v{GENERATOR_VERSION}"
    stamp = site / "site.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params:
        return site / "htdocs"
    if site.exists():
        shutil.rmtree(site)
    log(f"generating synthetic site: {pages} pages of ~{page_bytes // 1000} KB, "
        f"~{links} links each, seed {seed} -> {site}")
    tmp = root / (site.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    htdocs = tmp / "htdocs"
    htdocs.mkdir(parents=True)
    pool_rng = random.Random(seed)
    sentences = [_sentence(pool_rng) for _ in range(5000)]
    titles = _titles(seed, pages)
    made_dirs: set[str] = set()
    for i in range(pages):
        rel = page_path(i)[1:]
        directory = os.path.dirname(rel)
        if directory and directory not in made_dirs:
            (htdocs / directory).mkdir()
            made_dirs.add(directory)
        html = render_page(i, pages, seed=seed, page_bytes=page_bytes, links=links,
                           sentences=sentences, titles=titles)
        (htdocs / rel).write_text(html, encoding="utf-8")
    (tmp / "site.json").write_text(json.dumps(params))
    tmp.rename(site)
    return site / "htdocs"
