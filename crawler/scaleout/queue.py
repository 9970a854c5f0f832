"""The scheduler queue: scrapy-redis's priority queue (a sorted set) with an in-flight hash.

scrapy-redis pops a request (ZRANGE + ZREMRANGEBYRANK) and from then on it lives only in the
worker's memory: a worker killed before the request was processed loses it, and because its
fingerprint is already in the shared duplicate filter, no one asks for it again. Here the pop is
one Lua script that moves the request into the worker's in-flight hash
(``<prefix>:<spider>:inflight:<worker>``, field = the encoded request, value = its score); the
request is acknowledged (removed) once its callback's output was fully processed, or its final
failure reached the errback (crawler/scaleout/worker.py). A retried or redirected copy carries
the in-flight field in its meta, and pushing it removes the old entry in the same transaction.
Whatever is left in a dead worker's hash goes back to the queue (``requeue``).
"""

from __future__ import annotations

from scrapy_redis.queue import PriorityQueue

from crawler.scaleout.keys import keys_from_settings
from crawler.scaleout.redisconn import retrying

META = "scaleout_inflight"  # (hash key, field) of the in-flight entry of a popped request

POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], found[1], found[2])
return found[1]
"""

REQUEUE = """
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do redis.call('ZADD', KEYS[2], entries[i + 1], entries[i]) end
redis.call('DEL', KEYS[1])
return #entries / 2
"""


def requeue(server, inflight_key: str, queue_key: str) -> int:
    """Move every request of an in-flight hash back to the queue (atomic); returns how many."""
    return int(server.eval(REQUEUE, 2, inflight_key, queue_key))


class ReliablePriorityQueue(PriorityQueue):
    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.worker = settings.get("SCALEOUT_WORKER_ID")
        self.wait = settings.getfloat("SCALEOUT_REDIS_WAIT", 60)
        self.inflight = keys_from_settings(settings).inflight(spider.name, self.worker)
        self._pop = server.register_script(POP)

    def __len__(self):
        return retrying(lambda: self.server.zcard(self.key), self.wait, "queue length")

    def push(self, request):
        old = request.meta.pop(META, None)
        data = self._encode_request(request)

        def go():
            pipe = self.server.pipeline(transaction=True)
            pipe.execute_command("ZADD", self.key, -request.priority, data)
            if old:  # a retry / redirect of a request in flight: it replaces that entry
                pipe.hdel(old[0], old[1])
            pipe.execute()

        retrying(go, self.wait, "push a request")

    def pop(self, timeout=0):
        data = retrying(lambda: self._pop(keys=[self.key, self.inflight]), self.wait, "pop a request")
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[META] = (self.inflight, data)
        return request

    def ack(self, request) -> None:
        entry = request.meta.pop(META, None)
        if entry:
            retrying(lambda: self.server.hdel(entry[0], entry[1]), self.wait, "acknowledge a request")
