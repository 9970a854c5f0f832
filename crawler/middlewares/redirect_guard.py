"""Downloader middleware: an API spider (``same_host_redirects_only = True``) follows no redirect
to another host. A hostile or compromised endpoint could otherwise steer the crawler anywhere;
the redirect is refused, logged once at ERROR by the spider's errback and counted as
``observatory/errors/<spider>/offhost_redirect``. Article spiders follow redirects as usual
(outlets move pages between their own hosts and CDNs).

It sits closer to the downloader (priority 610) than Scrapy's RedirectMiddleware (600), so it
sees the 3xx answer first.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest


class OffHostRedirect(IgnoreRequest):
    """A redirect to another host, refused."""


class RedirectGuardMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        if not getattr(self.crawler.spider, "same_host_redirects_only", False):
            return response
        target = urljoin(request.url, response.headers["Location"].decode("latin-1"))
        if (urlsplit(target).hostname or "") != (urlsplit(request.url).hostname or ""):
            raise OffHostRedirect(f"refused a redirect to another host: {request.url} -> {target}")
        return response
