"""Links and images in page bodies point at pages and media files that exist."""

from __future__ import annotations

from typing import Mapping, NamedTuple

from builder.errors import Collector
from builder.segments.analysis import Analysis
from builder.segments.blocks import ParsedBody
from builder.source.config import SiteConfig
from builder.source.content import Content, media_problem, suggest


class Refs(NamedTuple):
    """What is checked of a body against the rest of the site: (`page:` target, line),
    (image src, alt text, line), and problems found while parsing it."""
    page_links: tuple[tuple[str, int], ...]
    images: tuple[tuple[str, str, int], ...]
    problems: tuple[tuple[int, str, str], ...] = ()

    @classmethod
    def of(cls, parsed: ParsedBody | Analysis) -> Refs:
        return cls(parsed.page_links, parsed.images, parsed.problems)


def check_body_references(config: SiteConfig, content: Content, refs: Mapping[str, Refs],
                          media: frozenset[str], diags: Collector,
                          checked: frozenset[str] = frozenset()) -> None:
    """Every `page:` link and image of every page body (`refs`: page key → its references)
    but those of the pages whose source is in `checked` (see `load_content`)."""
    # A page that failed to load was reported already: links to it are not.
    known = set(content.by_key()) | {"home", "news"} | content.unloaded
    at = config.root.joinpath   # a page's file: only made for a diagnostic
    for page in content.pages:
        if page.source in checked:
            continue
        found = refs.get(page.key)
        if found is None:
            continue
        for target, line in found.page_links:
            if target.split("#", 1)[0] not in known:
                diags.error(at(page.source), line, f"link to unknown page `{target}`",
                            suggest(target.split("#", 1)[0], known))
        for line, message, hint in found.problems:
            diags.error(at(page.source), line, message, hint)
        for src, alt, line in found.images:
            if problem := media_problem(src, media):
                diags.error(at(page.source), line, *problem)
            if not alt.strip():
                diags.error(at(page.source), line, f"image `{src}` has no alt text",
                            "describe the image between the brackets: ![what it shows](file)")
