"""Links and images in page bodies point at pages and media files that exist."""

from __future__ import annotations

from typing import Mapping, NamedTuple

from builder.errors import Collector
from builder.source.config import SiteConfig
from builder.source.content import Content, media_problem, suggest


class Refs(NamedTuple):
    """A body's references: (`page:` target, line) and (image src, alt text, line)."""
    page_links: tuple[tuple[str, int], ...]
    images: tuple[tuple[str, str, int], ...]


def check_body_references(config: SiteConfig, content: Content, refs: Mapping[str, Refs],
                          media: frozenset[str], diags: Collector) -> None:
    """Every `page:` link and image of every page body (`refs`: page key → its references)."""
    # A page that failed to load was reported already: links to it are not.
    known = set(content.by_key()) | {"home", "news"} | content.unloaded
    for page in content.pages:
        path = config.root / page.source
        found = refs.get(page.key)
        if found is None:
            continue
        for target, line in found.page_links:
            if target.split("#", 1)[0] not in known:
                diags.error(path, line, f"link to unknown page `{target}`",
                            suggest(target.split("#", 1)[0], known))
        for src, alt, line in found.images:
            if problem := media_problem(src, media):
                diags.error(path, line, *problem)
            if not alt.strip():
                diags.error(path, line, f"image `{src}` has no alt text",
                            "describe the image between the brackets: ![what it shows](file)")
