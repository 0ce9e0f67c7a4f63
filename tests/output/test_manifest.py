"""The manifest's files: what `manifest_files` writes, `read_manifest` reads back;
each part is JSON in path order; a folder that is not ours (or hostile) reads as
no manifest, and nothing outside it is read."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.output.manifest import (MANIFEST_PATH, PART_SIZE, entry_line, laid_value,
                                     manifest_files, part_count, part_of, read_manifest, spread,
                                     write_files)


def entries(count: int) -> dict[str, dict]:
    return {f"fr/news/item-{n:05}.html": {"key": f"news/item-{n:05}", "locale": "fr",
                                         "fallback_segments": [f"news/item-{n:05}#a.p1"],
                                         "title": "Élan — ١٢٣"} for n in range(count)}


def test_entries_read_back_from_their_parts(tmp_path: Path):
    pages = entries(3 * PART_SIZE)
    names = write_files(tmp_path, manifest_files(pages))
    assert names[0] == MANIFEST_PATH and len(names) == 1 + 4
    assert read_manifest(tmp_path) == pages
    index = json.loads((tmp_path / MANIFEST_PATH).read_text("utf-8"))
    assert index == {"parts": [f"pages/{k}.json" for k in range(4)], "schema_version": 2}
    for k in range(4):
        part = json.loads((tmp_path / "_infopages/pages" / f"{k}.json").read_text("utf-8"))
        assert list(part["pages"]) == sorted(part["pages"])
        assert all(part_of(spread(path), 4) == k for path in part["pages"])
    assert manifest_files(pages) == manifest_files(dict(reversed(pages.items())))


def test_part_count_is_a_power_of_two_for_the_entries():
    assert [part_count(n) for n in (0, 1, PART_SIZE, PART_SIZE + 1, 4 * PART_SIZE + 1)] == [
        1, 1, 1, 2, 8]
    # The top bits of the hash: a path keeps its place when the count doubles.
    for path in entries(50):
        assert part_of(spread(path), 8) // 2 == part_of(spread(path), 4)


def test_an_empty_site_has_one_empty_part(tmp_path: Path):
    write_files(tmp_path, manifest_files({}))
    assert read_manifest(tmp_path) == {}


def test_the_one_file_manifest_of_earlier_versions_is_read(tmp_path: Path):
    (tmp_path / "_infopages").mkdir()
    (tmp_path / MANIFEST_PATH).write_text(json.dumps({"schema_version": 1, "pages": {
        "en/index.html": {"key": "home"}}}), "utf-8")
    assert read_manifest(tmp_path) == {"en/index.html": {"key": "home"}}


def test_parts_outside_the_folder_or_behind_links_are_not_read(tmp_path: Path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"pages": {"x.html": {"key": "leaked"}}}), "utf-8")
    site = tmp_path / "site"
    write_files(site, manifest_files(entries(2)))
    index = site / MANIFEST_PATH
    for name in ("../../secret.json", "/" + str(secret), "pages/../../secret.json"):
        index.write_text(json.dumps({"parts": [name], "schema_version": 2}), "utf-8")
        assert read_manifest(site) is None
    index.write_text(json.dumps({"parts": ["pages/0.json"], "schema_version": 2}), "utf-8")
    part = site / "_infopages/pages/0.json"
    part.unlink()
    os.symlink(secret, part)
    assert read_manifest(site) is None
    assert read_manifest(tmp_path / "nowhere") is None


def test_a_manifest_that_is_not_ours_reads_as_none(tmp_path: Path):
    (tmp_path / "_infopages").mkdir()
    for text in ("[]", "{", '{"parts": "pages/0.json"}', '{"parts": [3]}', "null"):
        (tmp_path / MANIFEST_PATH).write_text(text, "utf-8")
        assert read_manifest(tmp_path) is None, text


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) |
    st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple) |
    st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=500, deadline=None)
@given(path=st.text(max_size=12), entry=st.dictionaries(st.text(max_size=6), JSON, max_size=6)
       | st.dictionaries(st.integers(), JSON, max_size=2))
def test_an_entry_line_is_json_dumps_on_one_line(path, entry):
    """entry_line writes an entry on one line: the text json.dumps(sort_keys=True,
    separators=(",", ":")) gives, on random values."""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    line = entry_line(path, entry)
    assert line == f"  {json.dumps(path, ensure_ascii=False)}: {text}"
    assert "\n" not in line


@settings(max_examples=500, deadline=None)
@given(path=st.text(max_size=12), entry=st.dictionaries(st.text(max_size=6), JSON, max_size=6),
       sources=JSON, other=st.integers() | st.dictionaries(st.integers(), JSON, max_size=2))
def test_a_value_laid_out_once_gives_the_same_line(path, entry, sources, other):
    """A render worker writes a page's sources once (`laid_value`) for the entries of
    all its locales: the line is the one entry_line makes of the whole entry, including
    with a dict with integer keys in it."""
    entry = entry | {"sources": sources, "other": other}
    assert entry_line(path, entry, {"sources": laid_value(sources)}) == entry_line(path, entry)


def test_a_laid_out_value_is_taken_as_it_is():
    """The text given is used, not laid out again (else the worker saves nothing)."""
    assert entry_line("p", {"a": 1, "sources": [1]}, {"sources": "LAID"}) == \
        '  "p": {"a":1,"sources":LAID}'
