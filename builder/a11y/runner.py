"""Run checks on a pool of browser sessions, local or remote, with a results cache.

Threads, not processes: each worker only drives its own browser over HTTP
and waits, so the GIL is no bottleneck and results need no pickling. The
cache is touched by the calling thread only (SQLite connections are not
shared between threads).
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from builder.a11y.axe import AxeScript, load_axe_script, preload_axe
from builder.a11y.browser import BrowserSession, local_versions
from builder.a11y.cache import ResultsCache, cache_key, input_digest
from builder.a11y.page import check_page
from builder.a11y.model import (
    CheckOptions,
    CheckRun,
    CheckTarget,
    PageResult,
    RenderCell,
)
from builder.a11y.serial import page_dict, page_from
from builder.a11y.server import serve_directory

Progress = Callable[[int, int, str], None]  # pages done, pages total, last page path


@dataclass(frozen=True)
class RunConfig:
    """How checks are run: browser sessions and their endpoints, the results cache, progress."""

    jobs: int = 1  # browser sessions per endpoint (local: Chromium processes)
    webdriver_urls: tuple[str, ...] = ()  # remote endpoints; empty = local Chromium
    cache_path: Path | None = None  # None = no cache
    progress: Progress | None = None


@dataclass(frozen=True)
class _Job:
    """One page for a worker, with the render cells the cache could not answer."""

    index: int
    target: CheckTarget
    cells: tuple[RenderCell, ...]  # the cells not answered by the cache


def run_checks(root: Path | None, targets: tuple[CheckTarget, ...], options: CheckOptions,
               config: RunConfig) -> CheckRun:
    script = load_axe_script()
    remote = bool(config.webdriver_urls)
    chromium, chromedriver = ("", "") if remote else local_versions()
    with ExitStack() as stack:
        base_url = stack.enter_context(serve_directory(root)) if root is not None else ""
        cache = ResultsCache(config.cache_path) if config.cache_path and root is not None else None
        if cache is not None:
            stack.callback(cache.close)
        sessions = _sessions(script, options, config)
        stack.callback(lambda: [s.close() for s in sessions])
        if remote:  # the cache key needs the version of the browser that will answer
            chromium, chromedriver = sessions[0].chromium_version, sessions[0].chromedriver_version
        keys = _keys(root, targets, options, script, chromium) if cache else {}
        results = _cached(cache, keys, base_url)
        hits = len(results)
        jobs = [_Job(i, t, tuple(c for c in options.cells if (i, c) not in results))
                for i, t in enumerate(targets)]
        done = sum(1 for j in jobs if not j.cells)
        _report(config, done, len(targets), "")
        for job, page in _execute(sessions, [j for j in jobs if j.cells], root, base_url, script,
                                  options):
            for result in page:
                results[(job.index, result.cell)] = result
                if cache is not None and result.error is None:
                    cache.put(keys[(job.index, result.cell)], page_dict(result))
            done += 1
            _report(config, done, len(targets), job.target.path)
    ordered = tuple(results[(i, c)] for i in range(len(targets)) for c in options.cells)
    return CheckRun(results=ordered, axe_version=script.version, axe_sha256=script.sha256,
                    chromium_version=chromium, chromedriver_version=chromedriver,
                    options=options.as_dict(), cache_hits=hits)


def _report(config: RunConfig, done: int, total: int, path: str) -> None:
    if config.progress is not None:
        config.progress(done, total, path)


def _sessions(script: AxeScript, options: CheckOptions, config: RunConfig) -> list[BrowserSession]:
    """Sessions are created unstarted: a fully cached run never starts a browser
    (remote ones excepted: their version is part of the cache key)."""
    def on_start(driver) -> None:
        if options.preload:
            preload_axe(driver, script)

    endpoints = config.webdriver_urls or (None,)
    sessions = [BrowserSession(deadline=options.deadline, on_start=on_start, remote_url=url)
                for url in endpoints for _ in range(max(1, config.jobs))]
    if config.webdriver_urls:
        sessions[0].start()
    return sessions


def _keys(root: Path | None, targets: Sequence[CheckTarget], options: CheckOptions,
          script: AxeScript, chromium: str) -> dict[tuple[int, RenderCell], str]:
    keys = {}
    as_dict = options.as_dict()
    for i, target in enumerate(targets):
        if target.url is not None or root is None or not (root / target.path).is_file():
            continue  # URL targets: the bytes are not ours to hash; missing: an error anyway
        digest = input_digest(root, target.path)
        for cell in options.cells:
            keys[(i, cell)] = cache_key(digest, target, cell, as_dict, script.sha256, chromium)
    return keys


def _cached(cache: ResultsCache | None, keys: dict[tuple[int, RenderCell], str],
            base_url: str) -> dict[tuple[int, RenderCell], PageResult]:
    found = {}
    for slot, key in keys.items():
        value = cache.get(key) if cache is not None else None
        if value is not None:
            found[slot] = page_from(value, url=base_url + quote(value["path"]))
    return found


def _execute(sessions: list[BrowserSession], jobs: list[_Job], root: Path | None, base_url: str,
             script: AxeScript, options: CheckOptions) -> Iterator[tuple[_Job, list[PageResult]]]:
    """Yield (job, its results) as workers finish, in completion order."""
    if not jobs:
        return
    if not sessions[0].started:
        sessions[0].start()  # no browser at all: CheckUnavailable, before any page is tried
    idle: queue.Queue[BrowserSession] = queue.Queue()
    for session in sessions[:len(jobs)]:
        idle.put(session)

    def work(job: _Job) -> list[PageResult]:
        session = idle.get()
        try:
            return check_page(session, root, base_url, job.target, job.cells, script, options)
        except Exception as err:  # noqa: BLE001 - one page must never end the whole run
            return [PageResult(url=job.target.url or base_url + quote(job.target.path),
                               path=job.target.path, locale=job.target.locale, cell=cell,
                               error=f"not checked: internal error {type(err).__name__}: {err}",
                               key=job.target.page.key if job.target.page else None)
                    for cell in job.cells]
        finally:
            idle.put(session)

    workers = min(len(sessions), len(jobs))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="a11y-worker") as pool:
        futures = {pool.submit(work, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
