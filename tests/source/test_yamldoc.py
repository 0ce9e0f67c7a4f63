"""The limits on YAML that parse_yaml enforces before building anything large: the
values are counted expanded only when aliases (or a great many values) are there."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.errors import Collector
from builder.source.yamldoc import MAX_DEPTH, MAX_VALUES, parse_yaml


def _parse(text: str):
    diags = Collector()
    return parse_yaml(text, Path("front.md"), 1, diags), [d.format() for d in diags.items]


def test_many_values_without_an_alias_are_refused():
    doc, errors = _parse("items: [" + "1," * MAX_VALUES + "1]\n")
    assert doc is None
    assert errors and f"YAML expands to more than {MAX_VALUES:,} values" in errors[0]


def test_as_many_values_as_allowed_are_taken():
    """The mapping, its key and the list count too: MAX_VALUES values in all."""
    doc, errors = _parse("items: [" + "1," * (MAX_VALUES - 4) + "1]\n")
    assert errors == [] and len(doc.data["items"]) == MAX_VALUES - 3


def test_aliases_are_counted_expanded():
    text = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(4))
    doc, errors = _parse(text)
    assert doc is None and "YAML expands to more than" in errors[0]
    small, errors = _parse("a: &a [1, 2]\nb: *a\n")
    assert errors == [] and small.data == {"a": [1, 2], "b": [1, 2]}


def test_nesting_is_limited_in_block_and_flow_style():
    flow, errors = _parse("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert flow is None and f"nested more than {MAX_DEPTH} levels" in errors[0]
    block = "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH)) + "  " * MAX_DEPTH + "x: 1\n"
    doc, errors = _parse(block)
    assert doc is None and f"nested more than {MAX_DEPTH} levels" in errors[0]
    fine, errors = _parse("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert errors == [] and fine is not None


SCALARS = st.one_of(st.integers(), st.booleans(), st.none(),
                    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                            max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text("abcxyz", min_size=1, max_size=4), inner,
                                        max_size=4), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), VALUES, max_size=6),
       flow=st.booleans())
def test_what_yaml_reads_is_read_the_same(data, flow):
    """Within the limits, parse_yaml gives the data PyYAML's own safe loader gives."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    doc, errors = _parse(text)
    assert errors == []
    assert doc.data == yaml.safe_load(text)
