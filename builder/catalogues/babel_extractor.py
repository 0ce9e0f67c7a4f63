"""Babel extractor for content files, so `pybabel extract -F babel.cfg` gives the
same catalogue as `infopages extract` (registered under `babel.extractors`).

The option `domain = NAME` (in the mapping file, under each `[infopages_content: …]`
section) keeps only the messages of one domain (`catalogues.domains`): then
`pybabel extract` gives the same messages as `locales/NAME.pot`."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Iterator

from builder.catalogues.domains import domain_of, ui_domain
from builder.catalogues.extract import site_segments
from builder.errors import Collector
from builder.segments.blocks import make_markdown, page_segments, parse_body
from builder.source.config import load_config
from builder.source.content import KINDS, load_page


def _project_root(path: Path) -> Path:
    for parent in path.resolve().parents:
        if parent.name == "content":
            return parent.parent
    raise ValueError(f"{path} is not inside a content/ folder")


def extract_content(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield (line, function, message, comments) as Babel expects from an extractor."""
    path = Path(getattr(fileobj, "name", ""))
    root = _project_root(path)
    config = load_config(root)
    if path.name == "site.yaml":
        domain, segments = ui_domain(config.catalogues), site_segments(config)
    else:
        folder = path.parent.name
        diags = Collector(root)
        page = load_page(path, KINDS[folder], folder, diags)
        diags.raise_if_errors()
        assert page is not None
        domain = domain_of(config.catalogues, page)
        segments = page_segments(page, parse_body(page, make_markdown()))
    if (options or {}).get("domain", domain) != domain:
        return
    for seg in segments:
        comments = seg.comment().splitlines() + ([seg.note] if seg.note else [])
        if seg.msgctxt:
            yield seg.line, "pgettext", (seg.msgctxt, seg.msgid), comments
        else:
            yield seg.line, "gettext", seg.msgid, comments
