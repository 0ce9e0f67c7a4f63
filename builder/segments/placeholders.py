"""Placeholders a translation must keep: `%(name)s` (templates), `{n}` (link slots)."""

from __future__ import annotations

import re

PLACEHOLDER_RE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%%|\{[0-9A-Za-z_]+\}")
# Template strings go through `%` formatting (Jinja's newstyle gettext): a lone
# `%` ("50 %") there would crash the page.
STRAY_PERCENT_RE = re.compile(r"%(?!\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%)")


def placeholders(text: str) -> list[str]:
    if "%" not in text and "{" not in text:   # most text: no placeholder, no regex scan
        return []
    return sorted(PLACEHOLDER_RE.findall(text))
