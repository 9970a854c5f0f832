"""Pure parsers: response body (text or JSON) -> items. No Scrapy engine, no I/O."""


class ParseError(ValueError):
    """The input could not be parsed at all (malformed JSON/XML, wrong shape).

    Spiders catch it, log one error line and count ``observatory/parse_error/<source>``.
    """


from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402


@dataclass
class Page:
    """What a parser returns for one response.

    items: Article/Post items parsed; next: the next page's URL or cursor (None at the end);
    skipped: one short reason per record that was dropped (missing fields, wrong shape) so the
    spider can log and count each (``observatory/parse_skipped/<source>``); nothing is lost silently.
    """

    items: list[Any] = field(default_factory=list)
    next: str | None = None
    skipped: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. newest id seen, for cursors
