"""The messages workers push to ``<prefix>:items`` and the writer reads, as JSON.

``{"op": "item", "run", "spider", "worker", "at", "type": "Article"|"Post", "item": {fields}}``
``{"op": "run_started", "run", "spider", "args"}``            when a worker opens
``{"op": "validators", "run", "spider", "keep": [...], "forget": [...]}``   at a clean finish
``{"op": "close", "run", "spider", "reason", "seen_again": [...], "cursors": {...}}``
``{"op": "run_finished", "run", "spider", "reason", "stats": {...}}``  last, at every close
``{"op": "stop"}``                                              the writer exits after it

A worker pushes its end-of-run messages after all of its items, so the writer writes cursors,
sightings and validators only after the items they cover are committed.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from crawler.items import Article, Post

TYPES = {"Article": Article, "Post": Post}


def _default(value: Any):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def encode(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False, default=_default).encode("utf-8")


def decode(data: bytes) -> dict:
    return json.loads(data)


def item_message(item, **meta) -> dict:
    return {"op": "item", **meta, "type": type(item).__name__, "item": dataclasses.asdict(item)}


def item_from(message: dict):
    cls = TYPES[message["type"]]
    fields = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in message["item"].items() if k in fields})
