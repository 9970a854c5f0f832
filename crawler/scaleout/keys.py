"""Every Redis key the scale-out uses, under one prefix (``SCALEOUT_KEY_PREFIX``)."""

from __future__ import annotations


class Keys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def requests(self, spider: str) -> str:  # scrapy-redis scheduler queue (sorted set)
        return f"{self.prefix}:{spider}:requests"

    def dupefilter(self, spider: str) -> str:  # scrapy-redis fingerprints (set)
        return f"{self.prefix}:{spider}:dupefilter"

    def inflight(self, spider: str, worker: str) -> str:  # hash: encoded request -> score
        return f"{self.prefix}:{spider}:inflight:{worker}"

    def inflight_pattern(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:inflight:*"

    def heartbeat(self, spider: str, worker: str) -> str:  # "busy" / "idle", expires when the worker dies
        return f"{self.prefix}:{spider}:worker:{worker}"

    def heartbeat_pattern(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:worker:*"

    def host(self, host: str) -> str:  # politeness token / Retry-After hold of one host
        return f"{self.prefix}:host:{host}"

    @property
    def items(self) -> str:  # workers push messages here
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:  # the writer's batch in progress
        return f"{self.prefix}:items:processing"

    @property
    def worker_stats(self) -> str:  # hash: "<worker>:items" / "<worker>:pages" -> counts (monitoring)
        return f"{self.prefix}:stats"

    @property
    def writer_stats(self) -> str:
        return f"{self.prefix}:writer"


def keys_from_settings(settings) -> Keys:
    return Keys(settings.get("SCALEOUT_KEY_PREFIX") or "observatory")
