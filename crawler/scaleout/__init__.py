"""Scale-out on scrapy-redis: a shared Redis frontier, N crawler processes, one writer.

Switched on by ``OBSERVATORY_REDIS_URL`` (read in crawler/settings.py, which then applies
``config.worker_settings``). Workers share the scrapy-redis scheduler queue and duplicate filter;
their item pipeline only pushes serialised items to a Redis list; ``python -m crawler.ops.writer``
runs the project's own pipelines over that list into SQLite. See docs/scaling.md.

- ``config``: the settings a worker gets; ``keys``: every Redis key name; ``redisconn``: one
  connection helper (fails with one line when Redis is unreachable, waits through a restart);
- ``queue``: the scrapy-redis priority queue plus a per-worker in-flight hash (requests popped but
  not yet fully processed go back to the queue if the worker dies);
- ``worker``: the worker extension (heartbeat, in-flight recovery, shared idle detection), the
  in-flight acknowledgement middlewares and the per-host gate (delay and Retry-After across workers);
- ``push``: the worker's item pipeline and its end-of-run messages; ``messages``: their format.
"""
