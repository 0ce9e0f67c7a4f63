"""The one way the engine runs work on every core: a pool of forked processes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

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
