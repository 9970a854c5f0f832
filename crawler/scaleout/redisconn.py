"""One Redis connection helper: a clear one-line failure when Redis cannot be reached, and
bounded waiting (``SCALEOUT_REDIS_WAIT`` seconds) through a Redis restart."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import redis

logger = logging.getLogger(__name__)
T = TypeVar("T")
DOWN = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached: the process stops with one line (never a silent local crawl)."""


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)


def check(url: str) -> redis.Redis:
    """A connection that answered PING, or RedisUnavailable with a one-line reason."""
    if not url:
        raise RedisUnavailable("OBSERVATORY_REDIS_URL is empty")
    server = connect(url)
    try:
        server.ping()
    except (redis.RedisError, OSError) as exc:
        raise RedisUnavailable(
            f"Redis at {url} is unreachable ({exc}); start it or unset OBSERVATORY_REDIS_URL"
        ) from None
    return server


def die(message: str) -> None:
    """Print one error line and leave with status 2 (used before any crawling has started)."""
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    import os

    os._exit(2)  # inside the reactor a raised SystemExit would become a traceback


def retrying(call: Callable[[], T], wait: float, what: str) -> T:
    """call(), retried every 0.5 s while Redis is down, for at most `wait` seconds."""
    deadline = time.monotonic() + wait
    warned = False
    while True:
        try:
            return call()
        except DOWN as exc:
            if time.monotonic() >= deadline:
                raise RedisUnavailable(f"Redis did not come back within {wait:.0f} s ({what}: {exc})") from None
            if not warned:
                logger.warning("Redis is down (%s: %s); waiting up to %.0f s", what, exc, wait)
                warned = True
            time.sleep(0.5)
