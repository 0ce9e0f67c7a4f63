"""A page's analysis: its segments and the references of its body.

It depends only on the page itself, so `page_digest` keys it wherever it is
remembered (`engine.pagememo`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from builder.segments.blocks import Segment, make_markdown, page_segments, parse_body
from builder.source.content import Page


@dataclass(frozen=True)
class Analysis:
    """A page's segments and its body's references, remembered under `page_digest`."""
    segments: tuple[Segment, ...]
    page_links: tuple[tuple[str, int], ...]
    images: tuple[tuple[str, str, int], ...]
    problems: tuple[tuple[int, str, str], ...] = ()


_HEAD = tuple(f.name for f in fields(Page) if f.name != "body")


def page_digest(page: Page) -> bytes:
    """Of every field. The body, most of a page, is hashed as it is encoded, not as
    `repr` escapes it: half the time (`update` digests every page of the site). Its
    length in the head keeps two pages that split the same text apart. SHA-256, as
    `engine.cache.file_sha`: three times BLAKE2's speed on processors with SHA
    instructions."""
    head = (*(getattr(page, name) for name in _HEAD), len(page.body))
    digest = hashlib.sha256(repr(head).encode("utf-8"))
    digest.update(page.body.encode("utf-8", "surrogatepass"))
    return digest.digest()[:16]


def analyse(page: Page, md=None) -> Analysis:
    parsed = parse_body(page, md or make_markdown())
    return Analysis(tuple(page_segments(page, parsed)), parsed.page_links, parsed.images,
                    parsed.problems)
