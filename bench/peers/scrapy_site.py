"""Peer for bench/crawl_site: Scrapy crawling the synthetic site by its links.

Run: /usr/bin/python3 -m scrapy runspider bench/peers/scrapy_site.py \
       -a start_url=http://127.0.0.1:PORT/index.html
A CrawlSpider whose one Rule follows every link LinkExtractor finds (a/area
href, fragments stripped, duplicates dropped by Scrapy's dupefilter), limited
to 127.0.0.1. Concurrency 64 in total and per domain, no delay, no robots.txt,
no telnet console. Prints `pages=N errors=E` when the spider closes.
"""

from scrapy import Request, signals
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class SiteSpider(CrawlSpider):
    name = "site"
    allowed_domains = ["127.0.0.1"]
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "CONCURRENT_REQUESTS_PER_IP": 0,  # 0: the per-domain limit applies
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "RETRY_ENABLED": False,
        "DEPTH_LIMIT": 0,
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",  # silences a 2.7+ deprecation warning
        "USER_AGENT": "scrapy-bench (+loopback)",
    }
    # NOTE: no LinkExtractor(allow_domains=...): in Scrapy 2.8 it compares the
    # netloc, port included, so "127.0.0.1" never matches "127.0.0.1:PORT" and
    # nothing is followed. The spider's allowed_domains (OffsiteMiddleware,
    # which compares the hostname) keeps the crawl on 127.0.0.1.
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def __init__(self, start_url: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not start_url:
            raise ValueError("pass -a start_url=http://127.0.0.1:PORT/index.html")
        self.start_urls = [start_url]
        self.pages = 0
        self.errors = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.report, signal=signals.spider_closed)
        return spider

    def start_requests(self):
        # Spider's default sets dont_filter=True, so the seed would be fetched
        # again when a page links back to it: let the dupefilter see it.
        for url in self.start_urls:
            yield Request(url, dont_filter=False)

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        if response.status == 200:
            self.pages += 1
        else:
            self.errors += 1
        return []

    def report(self, spider, reason):
        # HttpErrorMiddleware keeps non-2xx responses from the callback: take
        # them, and download exceptions, from the stats instead.
        stats = self.crawler.stats.get_stats()
        errors = self.errors + stats.get("downloader/exception_count", 0) + sum(
            v for k, v in stats.items()
            if k.startswith("downloader/response_status_count/") and not k.endswith("/200"))
        print(f"pages={self.pages} errors={errors} reason={reason}", flush=True)
