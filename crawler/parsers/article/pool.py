"""Article extraction in worker processes, off the crawl's reactor thread (``ARTICLE_EXTRACT_WORKERS``).

Scrapy runs every callback on one thread; extraction is CPU work (about 10-30 ms a page), so a
crawl of article pages is bound by that one core. ``ExtractPool`` sends pages, as bytes, to a
small ``ProcessPoolExecutor`` (1-2 workers, started once per crawl) and gets the extractor's
fields back as a dict; the spider awaits the result (``asyncio.wrap_future``, the reactor is
asyncio), so downloads, pipelines and the archive go on meanwhile.

Robustness (a bad page costs that page, never the crawl):
    * a worker that dies (segfault, ``os._exit``, OOM kill) breaks the executor: a new one is
      started, and every page that was in flight is sent again, alone, to a one-off worker; the
      page whose own worker dies raises ``ExtractionFailed``, the others come back;
    * a page that takes longer than ``timeout`` seconds (queueing included) raises
      ``ExtractionFailed``; its worker cannot be interrupted, so the executor's processes are
      killed and a new one started (the other in-flight pages are sent again, as above);
    * the workers die with the crawl: they are forked from it (``_context``), and each asks Linux to
      SIGKILL it when its parent dies (``prctl(PR_SET_PDEATHSIG)``; the forking thread is the
      reactor's, which lives as long as the process) and also checks ``os.getppid()`` before each
      page; SIGINT is ignored in workers (the crawl process handles Ctrl-C and shuts the pool down);
    * ``shutdown()`` (the spider calls it when it closes) kills the workers and waits for them, so
      no zombie is left.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .dates import warm_up
from .decoding import decode_html

logger = logging.getLogger(__name__)

TIMEOUT = 60.0  # seconds one page may take in a worker before it is given up
STARTUP = 30.0  # more seconds for the first page of a new executor (workers start, imports, warm-up)
_ready: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()  # executors that have answered once
_killed: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()  # executors _kill stopped
_PR_SET_PDEATHSIG = 1
_parent: int | None = None


class ExtractionFailed(Exception):
    """The page could not be extracted in a worker (it hung, or the worker it had alone died)."""


def extract_page(body: bytes, content_type: str | None, url: str) -> dict[str, Any]:
    """bytes -> {"fields": extract_article's dict, "lied": charset header lied}; what a worker runs."""
    from . import extract_article

    _check_parent()
    html, _encoding, lied = decode_html(body, content_type)
    return {"fields": extract_article(html, url), "lied": lied}


def _check_parent() -> None:
    if _parent is not None and os.getppid() != _parent:  # orphaned (PDEATHSIG unavailable): stop
        os._exit(1)


def _init_worker() -> None:
    global _parent
    _parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except OSError:  # no libc by that name: the getppid check still applies
            pass
    if _parent == 1:  # the parent died before prctl took effect
        os._exit(1)
    warm_up()


def _context() -> multiprocessing.context.BaseContext:
    """'fork' on Linux: a worker starts in milliseconds with everything the crawl has loaded (the
    extractor, dateparser's data, the language model), where 'forkserver' or 'spawn' import it all
    again (2-3 s before the first page). Its one known trap is handled in ``_forking``."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _forking:  # noqa: N801 -- used as ``with _forking():``
    """Around ``submit`` (which forks the workers): ``sys.stdin`` is None for the moment. The child
    closes its copy of ``sys.stdin`` first thing (multiprocessing does), and when another thread of
    the crawl is blocked reading stdin (the tests' crawl worker reads its jobs so), the copy's lock is
    held forever in the child: the worker would hang before its first page. The reading thread keeps
    its own reference, so the parent does not notice."""

    def __enter__(self) -> None:
        self.saved, sys.stdin = sys.stdin, None

    def __exit__(self, *exc: object) -> None:
        sys.stdin = self.saved


class ExtractPool:
    """A restartable process pool for ``extract_page`` (or ``func``, for tests)."""

    def __init__(self, workers: int, timeout: float = TIMEOUT, func: Callable[..., Any] = extract_page) -> None:
        self.workers = max(1, int(workers))
        self.timeout = timeout
        self.func = func
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker)

    def _pool(self) -> ProcessPoolExecutor:
        if self._closed:
            raise ExtractionFailed("the extraction pool is shut down")
        if self._executor is None:
            self._executor = self._new_executor(self.workers)
        return self._executor

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        """Kill the processes of ``broken`` and forget it (the next page starts a new executor)."""
        if self._executor is broken:
            self._executor = None
            self.restarts += 1
        _kill(broken)

    async def _run(self, executor: ProcessPoolExecutor, args: tuple[Any, ...]) -> Any:
        """One call in ``executor``. A fresh executor gets ``STARTUP`` more seconds (its workers
        start and warm up); a future cancelled because ``_kill`` stopped its executor counts as a
        broken pool, not as a cancellation of the caller."""
        with _forking():
            future = executor.submit(self.func, *args)
        limit = self.timeout + (0 if executor in _ready else STARTUP)
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), limit)
        except TimeoutError as err:
            raise ExtractionFailed(f"extraction took longer than {self.timeout:g} s") from err
        except asyncio.CancelledError:
            if executor in _killed and future.cancelled():
                raise BrokenProcessPool("the executor was stopped") from None
            raise
        _ready.add(executor)
        return result

    async def extract(self, *args: Any) -> Any:
        """``func(*args)`` in a worker; ExtractionFailed if it hangs or kills its worker.

        When the pool breaks (some worker died), the pages that were in it cannot tell which of them
        did it: each is sent again, alone, to a one-off worker, so only the guilty page fails.
        """
        executor = self._pool()
        try:
            return await self._run(executor, args)
        except ExtractionFailed:
            self._restart(executor)  # the hung worker cannot be interrupted: kill the pool
            raise
        except BrokenProcessPool:
            self._restart(executor)
        if self._closed:
            raise ExtractionFailed("the extraction pool was shut down")
        logger.warning("an extraction worker died; the page is sent again to a worker of its own")
        alone = self._new_executor(1)
        try:
            return await self._run(alone, args)
        except BrokenProcessPool as err:
            raise ExtractionFailed("the extraction worker died on this page") from err
        finally:
            _kill(alone)

    def shutdown(self) -> None:
        self._closed = True
        if self._executor is not None:
            _kill(self._executor)
            self._executor = None


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop an executor now: SIGKILL its workers, reap them, cancel what is queued."""
    _killed.add(executor)
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.kill()
        except (OSError, AttributeError):
            pass
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.join(5)
        except (OSError, AssertionError):
            pass
