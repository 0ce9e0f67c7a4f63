"""`routes.relative`, memoised by folder, links as `posixpath.relpath` does."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from builder.render.routes import relative

SEGMENT = st.sampled_from(["fr", "ar", "news", "topics", "a", "b", "x-y"])
PATH = st.builds(lambda folders, name: "/".join([*folders, name]),
                 st.lists(SEGMENT, max_size=3), st.sampled_from(["index.html", "a.html", "b.css"]))
FRAGMENT = st.sampled_from(["", "#top", "#a#b"])


@given(PATH, FRAGMENT, st.lists(PATH, min_size=1, max_size=4))
def test_relative_links_as_relpath(target: str, fragment: str, pages: list[str]) -> None:
    # Several pages of the same folders in turn: a link memoised for one is right for all.
    for current in pages:
        expected = posixpath.relpath(target, posixpath.dirname(current) or ".") + fragment
        assert relative(target + fragment, current) == expected
