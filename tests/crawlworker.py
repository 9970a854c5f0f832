"""A long-lived crawl process for the tests: the real Scrapy engine, one reactor, many crawls.

A fresh ``python -m scrapy crawl`` costs about 2 s of start-up (imports, reactor, jieba, the
language model) before its first request. Tests that are not about the process itself (kills,
cron, replay keep their own subprocess) send their crawls here instead: the worker runs each one
with ``CrawlerRunner`` on the same settings path as ``scrapy crawl`` (project settings, ``-s``
values at command-line priority, ``-a`` arguments as spider kwargs), one at a time, and answers
with the exit code the project's ``scrapy crawl`` gives (crawler/commands/crawl.py) and the log lines it would print on stderr.

Protocol: one JSON object per line on stdin ``{"spider", "settings", "args"}``; one JSON line on
stdout ``{"returncode", "stderr"}``. The reactor stays out of the pytest process.
"""

from __future__ import annotations

import json
import logging
import sys
import threading


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s", "%Y-%m-%d %H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line must never stop a crawl
            pass


def main() -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import CrawlerRunner
    from scrapy.utils.log import configure_logging
    from scrapy.utils.project import get_project_settings
    from twisted.internet import reactor

    from crawler.commands.crawl import EXIT_USAGE, exit_code, preflight

    configure_logging(install_root_handler=False)
    root = logging.getLogger()
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the protocol stream

    def answer(result: dict) -> None:
        out.write(json.dumps(result) + "\n")
        out.flush()

    def run(job: dict) -> None:
        settings = get_project_settings()
        settings.setdict(job.get("settings") or {}, priority="cmdline")
        capture = _Capture()
        capture.setLevel(settings.get("LOG_LEVEL") or "DEBUG")
        root.addHandler(capture)
        root.setLevel(logging.DEBUG)
        runner = CrawlerRunner(settings)
        args = job.get("args") or {}
        spidercls, error = preflight(runner.spider_loader, settings, job["spider"], args)
        if error:  # what crawler/commands/crawl.py prints before any engine starts
            root.removeHandler(capture)
            answer({"returncode": EXIT_USAGE, "stderr": error + "\n"})
            return
        crawler = runner.create_crawler(spidercls)

        def done(failure=None):
            root.removeHandler(capture)
            if failure is not None:
                capture.lines.append(failure.getTraceback())
            code = exit_code(crawler, failure is not None)
            answer({"returncode": code, "stderr": "\n".join(capture.lines) + "\n"})

        d = runner.crawl(crawler, **args)
        d.addCallbacks(lambda _: done(), done)

    def read_jobs() -> None:
        for line in sys.stdin:
            if line.strip():
                reactor.callFromThread(run, json.loads(line))
        reactor.callFromThread(reactor.stop)

    threading.Thread(target=read_jobs, daemon=True).start()
    reactor.run(installSignalHandlers=False)


if __name__ == "__main__":
    main()
