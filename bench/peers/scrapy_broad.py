"""Peer for bench/broad_crawl: Scrapy crawling many loopback hosts politely.

Run: /usr/bin/python3 -m scrapy runspider bench/peers/scrapy_broad.py -a seeds=FILE
Starts from every URL in FILE, follows every link (a/area href; Scrapy's
dupefilter drops repeats), with DOWNLOAD_DELAY=1 (not randomized, as ours),
one request at a time per domain, robots.txt obeyed (Crawl-delay is not: Scrapy
ignores it), 1,000 requests in flight in all. Prints `pages=N errors=E`.
"""

from scrapy import Request, signals
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import Spider


class BroadSpider(Spider):
    name = "broad"
    custom_settings = {
        "CONCURRENT_REQUESTS": 1000,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 1.0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "RETRY_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "USER_AGENT": "scrapy-bench (+loopback)",
    }

    def __init__(self, seeds: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not seeds:
            raise ValueError("pass -a seeds=FILE")
        with open(seeds) as f:
            self.start_urls = [line.strip() for line in f if line.strip()]
        self.links = LinkExtractor()
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.report, signal=signals.spider_closed)
        return spider

    def start_requests(self):
        for url in self.start_urls:
            yield Request(url, dont_filter=False)

    def parse(self, response):
        if response.status == 200:
            self.pages += 1
        for link in self.links.extract_links(response):
            yield Request(link.url)

    def report(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        errors = stats.get("downloader/exception_count", 0) + sum(
            v for k, v in stats.items()
            if k.startswith("downloader/response_status_count/") and not k.endswith("/200")
            and "robots" not in k)
        print(f"pages={self.pages} errors={errors} reason={reason}", flush=True)
