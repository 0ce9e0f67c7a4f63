"""The one way the engine runs work on every core: a pool of forked processes."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

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


# In each process of `inherited_map`: its function and what it shares, set once by the
# pool's initializer (fork: inherited, not pickled).
_inherited: tuple[Callable[[Any, Any], Any], Any] | None = None


def inherited_map(workers: int, function: Callable[[Any, Any], Any], shared: Any,
                  items: Iterable[Any]) -> list[Any]:
    """`function(shared, item)` of every item, in `workers` processes forked from this
    one: they inherit `shared` (a loaded site) instead of receiving it pickled; only
    the items and the results cross. In the items' order."""
    with fork_pool(workers, _inherit, (function, shared)) as pool:
        return list(pool.map(_apply, items))


def _inherit(function: Callable[[Any, Any], Any], shared: Any) -> None:
    global _inherited
    _inherited = (function, shared)


def _apply(item: Any) -> Any:
    assert _inherited is not None
    function, shared = _inherited
    return function(shared, item)


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
