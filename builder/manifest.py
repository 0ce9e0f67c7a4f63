"""What the builder knows about every page it wrote, for the checker's probes.

Written to `_infopages/pages.json` in the site: per page its key, locale,
direction, translations (hreflang alternates) and which segments fell back to
the source language, so `check` can verify that each of them is marked.
"""

from __future__ import annotations

import json
from typing import Any

from .render import LocaleRenderer, news_page_keys
from .routes import output_path
from .segments import front_matter_segments

MANIFEST_PATH = "_infopages/pages.json"


def page_keys(renderer: LocaleRenderer) -> list[str]:
    content = renderer.model.content
    return ["home", *(p.key for p in content.pages),
            *news_page_keys(content, renderer.config.news_page_size)]


def manifest_entry(r: LocaleRenderer, key: str) -> dict[str, Any] | None:
    """What the checker needs to know about one published page of one locale."""
    if not r.published(key):
        return None
    page = r.model.content.by_key().get(key)
    fallbacks = []
    if page is not None and not r.t.is_source:
        segments = front_matter_segments(page) + [s.segment for s in r.model.parsed[key].slots]
        fallbacks = [s.anchor for s in segments if r.t.lookup(s.msgctxt, s.msgid)[1]]
    return {
        "key": key, "locale": r.info.bcp47, "dir": r.info.direction,
        "source_locale": r.config.source_locale,
        "title_fallback": page is not None and r.title(page).fallback,
        "fallback_segments": fallbacks,
        "alternates": {info.bcp47: output_path(key, info.code)
                       for info in r.published_locales if r.published(key, info.code)},
    }


def locale_manifest(r: LocaleRenderer) -> dict[str, dict[str, Any]]:
    out = {}
    for key in page_keys(r):
        entry = manifest_entry(r, key)
        if entry is not None:
            out[output_path(key, r.info.code)] = entry
    return out


def manifest_bytes(renderers: dict[str, LocaleRenderer], locales: tuple[str, ...]) -> bytes:
    pages: dict[str, Any] = {}
    for code in locales:
        pages |= locale_manifest(renderers[code])
    return manifest_document(pages)


def manifest_document(pages: dict[str, Any]) -> bytes:
    document = {"schema_version": 1, "pages": pages}
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
