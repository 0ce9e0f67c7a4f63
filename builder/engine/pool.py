"""The one way the engine runs work on every core: a pool of forked processes."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def fork_pool(workers: int, initializer: Callable[..., Any] | None = None,
              initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes forked from this one, so they inherit what the
    parent loaded (templates, the content model) instead of pickling it over.

    Imported here, not at the top: the process pool's modules (multiprocessing's
    connections and queues, sockets, logging) take about 20 ms to import, and an
    incremental build of one page, which runs in one process, must not pay them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a piece of work that makes no cycles
    worth collecting, and in the processes forked meanwhile (which inherit it).

    A clean build at N = 1,000 ran some 170 collections over its processes. Without
    them it took about 2 % less CPU (8 interleaved pairs), a one-page rebuild 34
    collections fewer. Sound only while what a build makes in bulk (pages, tokens,
    rows, renderers) is freed by reference counting: anything caught in a cycle waits
    for the first collection after the build (`tests/engine/test_build.py`). Only
    Jinja's and markdown-it's own objects are. Restored afterwards, so a long-lived
    process (`serve`) still collects between builds."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
