"""What the builder knows about every page it wrote, for the checker's probes.

Written to `_infopages/pages.json` in the site: per page its key, locale and
source locale (BCP 47 tags: pt-BR, zh-Hant), direction, translations (hreflang
alternates) and which segments fell back to the source language, so `check`
can verify that each of them is marked.
"""

from __future__ import annotations

import json
from typing import Any

from builder.render.locale import LocaleRenderer
from builder.segments.blocks import front_matter_segments

MANIFEST_PATH = "_infopages/pages.json"


def manifest_entry(r: LocaleRenderer, key: str) -> dict[str, Any] | None:
    """What the checker needs to know about one published page of one locale."""
    if not r.published(key):
        return None
    page = r.model.content.by_key().get(key)
    fallbacks = []
    if page is not None and not r.t.is_source:
        segments = front_matter_segments(page) + [s.segment for s in r.model.parsed[key].slots]
        domain = r.domain(page)
        fallbacks = [s.anchor for s in segments if r.t.lookup(s.msgctxt, s.msgid, domain)[1]]
    return {
        "key": key, "locale": r.info.bcp47, "dir": r.info.direction,
        "source_locale": r.source_info.bcp47,
        "title_fallback": page is not None and r.title(page).fallback,
        "fallback_segments": fallbacks,
        "alternates": {info.bcp47: r.path(key, info.code)
                       for info in r.published_locales if r.published(key, info.code)},
    }


def manifest_document(pages: dict[str, Any]) -> bytes:
    document = {"schema_version": 1, "pages": pages}
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
