"""`scrapy crawl`, with the observatory's exit codes and up-front checks.

Scrapy's own `crawl` exits 0 whenever the engine started, whatever happened. This one:

- checks the topic file and the spider's typed arguments before the engine starts: a problem is
  one line on stderr and exit 2 (a usage error), not a traceback per spider;
- exits 1 when the run did not do its job: its health check failed, it was interrupted, or the
  database refused it (demo and live data are never mixed); the reason is the last line it logs;
- exits 0 when the run finished with status ok.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.spiders.base import ArgumentError
from crawler.topic import TopicError, topic_from_settings

EXIT_USAGE = 2
EXIT_FAILED = 1


def preflight(spider_loader, settings, name: str, spargs: dict) -> tuple[type | None, str | None]:
    """(spider class, None) when the crawl may start; (None, one-line error) when it may not."""
    try:
        topic_from_settings(settings)
        spidercls = spider_loader.load(name)
        check = getattr(spidercls, "check_arguments", None)
        if check:
            check(spargs)
    except KeyError:
        return None, f"error: no spider named {name!r} (scrapy list shows them)"
    except (TopicError, ArgumentError) as exc:
        return None, f"error: {exc}"
    return spidercls, None


def exit_code(crawler, bootstrap_failed: bool) -> int:
    """0 when the run finished with status ok, else EXIT_FAILED."""
    status = crawler.stats.get_value("observatory/run_status") if crawler.stats else None
    return EXIT_FAILED if bootstrap_failed or status not in ("ok", None) else 0


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider; exit 1 when the run failed its health check, 2 on a usage error"

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError
        assert self.crawler_process
        spidercls, error = preflight(
            self.crawler_process.spider_loader, self.crawler_process.settings, args[0], opts.spargs
        )
        if error:
            print(error, file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        crawler = self._create_crawler(spidercls)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode = exit_code(crawler, self.crawler_process.bootstrap_failed)
