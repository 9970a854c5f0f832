"""Public RedNote (Xiaohongshu) note pages, one request per note URL.

    scrapy crawl rednote -a urls=notes.txt                      # one URL per line, # comments
    scrapy crawl rednote -a urls=https://www.xiaohongshu.com/explore/<id>?xsec_token=...,...
    scrapy crawl rednote -s REDNOTE_NOTE_URLS=URL,URL [-a base_url=http://127.0.0.1:8765/rednote] [-a refetch=1]

Note URLs come from ``-a urls=`` (a file or a comma-separated list) and the REDNOTE_NOTE_URLS
setting, else the topic file's [sources.rednote] urls. Each note is fetched once per run from
``-a base_url=`` or REDNOTE_BASE_URL (default ``https://www.xiaohongshu.com``; the demo and the
tests point it at the demo server's ``/rednote``) as ``<base>/explore/<id>``, keeping ``xsec_token``/``xsec_source``
(the site wants the token to open a note; it is not part of the note's identity).

A note already stored (``posts`` with platform ``xiaohongshu`` and the note id as platform_id) is
not fetched again: ``observatory/rednote/known_skipped``. ``-a refetch=1`` fetches every note (to
refresh its counts or apply a parser fix). A page that held no note stored nothing, so it is asked
for again by the next run.

RedNote rate-limits hard: this spider asks for one request at a time per host and a longer delay
than the project default (``-s`` values still win). robots.txt is obeyed like everywhere else.
Pages without a note (login wall, deleted note, captcha) are logged and counted in
``observatory/parse_skipped/rednote`` and ``observatory/rednote/no_note/<reason>``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import scrapy

from crawler.parsers import ParseError
from crawler.parsers.rednote import note_id_from_url, note_id_in_path, parse_note_page
from crawler.spiders.base import ObservatorySpider, parse_list

DEFAULT_BASE_URL = "https://www.xiaohongshu.com"
KEEP_PARAMS = ("xsec_token", "xsec_source")
PLATFORM = "xiaohongshu"  # posts.platform of the notes crawler/parsers/rednote.py yields


def read_note_urls(value: str | list[str] | None) -> tuple[list[str], str | None]:
    """``-a urls=`` value -> (URLs, the file they came from or None).

    A value naming an existing file is read as one URL per line (blank lines and ``#`` comments
    ignored); anything else is a comma-separated list.
    """
    if isinstance(value, str) and value.strip() and "://" not in value and Path(value.strip()).is_file():
        path = Path(value.strip())
        lines = path.read_text(encoding="utf-8").splitlines()
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")], str(path)
    return parse_list(value), None


def note_request_url(base: str, url: str) -> tuple[str, str] | None:
    """A note URL -> (note id, URL to fetch under ``base``); None if it is not a note URL."""
    note_id = note_id_from_url(url) or note_id_in_path(url)
    if note_id is None:
        return None
    # keep the token exactly as given (it ends in "=", which re-encoding would turn into %3D)
    query = [part for part in urlsplit(url).query.split("&") if part.split("=", 1)[0] in KEEP_PARAMS]
    target = f"{base.rstrip('/')}/explore/{note_id}"
    return note_id, target + ("?" + "&".join(query) if query else "")


class RednoteSpider(ObservatorySpider):
    name = "rednote"
    custom_settings = {  # spider priority: a `-s` on the command line still overrides these
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 5.0,
        "AUTOTHROTTLE_START_DELAY": 5.0,
    }

    async def start(self):
        arg_urls, source = read_note_urls(getattr(self, "urls", None))
        setting_urls = parse_list(self.settings.getlist("REDNOTE_NOTE_URLS"))
        urls = arg_urls + setting_urls
        if not urls:
            urls = parse_list(self.topic.source(self.name).get("urls"))
        base = self.setting_or_arg("base_url", "REDNOTE_BASE_URL") or DEFAULT_BASE_URL
        if not urls:
            self.logger.error(
                "no RedNote note URLs configured (-a urls=FILE_OR_LIST, REDNOTE_NOTE_URLS or topic [sources.rednote] urls)"
            )
            return
        refetch = str(getattr(self, "refetch", "") or "").lower() in ("1", "true", "yes")
        known = set() if refetch else self.store.platform_ids(PLATFORM)
        seen: set[str] = set()
        for url in urls:
            target = note_request_url(base, url)
            if target is None:
                self.logger.error("not a RedNote note URL: %s", url)
                self.count(f"observatory/errors/{self.name}/bad_url")
                continue
            note_id, request_url = target
            if note_id in seen:
                self.count(f"observatory/{self.name}/duplicate_url")
                continue
            seen.add(note_id)
            if note_id in known:  # stored by an earlier run: not fetched again
                self.count(f"observatory/{self.name}/known_skipped")
                continue
            yield scrapy.Request(
                request_url,
                callback=self.parse_note,
                errback=self.errback,
                cb_kwargs={"note_id": note_id, "source": source or "urls"},
            )

    def parse_note(self, response, note_id: str, source: str):
        text = getattr(response, "text", None)
        if text is None:
            self.parse_failed(response.url, ParseError("not a text response"))
            return
        # the requested URL carries the id even when the site redirected to a login/404 page
        url = response.request.meta.get("redirect_urls", [response.request.url])[0]
        page = self.parsed(response.url, lambda: parse_note_page(text, url), count_skipped=False)
        if page is None:
            return
        for reason in page.skipped:  # a deleted note or a login wall is the page's state, not a crawl error
            self.logger.warning("no note in %s: %s", response.url, reason)
            self.count(f"observatory/{self.name}/no_note/{reason.replace(' ', '_')}")
            self.count(f"observatory/parse_skipped/{self.name}")
        for post in page.items:
            if post.platform_id != note_id:
                self.logger.warning("asked for note %s, page holds note %s", note_id, post.platform_id)
            post.source_query = source
            self.count(f"observatory/{self.name}/notes")
            yield post
