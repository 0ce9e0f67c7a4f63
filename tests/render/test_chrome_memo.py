"""A renderer makes the links and texts every page of a folder shares once
(`LocaleRenderer.common`), and keeps the cards it made (`LocaleRenderer.card`): every
page it renders, in any order, is the page a fresh renderer makes — on the demo, on a
site of random text, and on one whose related link gives a card a label of its own
(a card changed in place would carry it to the next page that lists it)."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from builder.engine.build import BuildOptions, load_all_messages, load_site, with_messages
from builder.render.outputs import Renderers, render_output
from builder.render.routes import STATIC
from builder.source.config import load_config
from builder.source.inputs import checked_scan
from tests.conftest import make_project

ROOT = Path(__file__).resolve().parents[2]


def site(name: str, tmp_path: Path) -> Path:
    if name == "demo":
        return ROOT
    if name == "labels":   # one page linked from two pages of a folder, once with a label
        root = make_project(tmp_path, "mini")
        safety = root / "content" / "topics" / "safety.md"
        safety.write_text(safety.read_text("utf-8").replace(
            "  - page: pages/about\n", "  - page: pages/about\n    label: Who we are\n"), "utf-8")
        (root / "content" / "topics" / "health.md").write_text(
            "---\ntitle: Health\nsummary: Care.\nrelated:\n  - page: pages/about\n---\n\n"
            "Text.\n", "utf-8")
        return root
    spec = importlib.util.spec_from_file_location("gen_site", ROOT / "benchmarks" / "gen_site.py")
    gen_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_site)
    return gen_site.generate(tmp_path / "random", 12, seed=11)


@pytest.mark.parametrize("name", ["demo", "random", "labels"])
def test_pages_rendered_in_any_order_equal_pages_of_a_fresh_renderer(name: str,
                                                                     tmp_path: Path) -> None:
    root = site(name, tmp_path)
    config = load_config(root)
    source = load_site(root, root / "site", checked_scan(root, config), config, {}, True,
                       BuildOptions())       # preview too: its pages carry markers
    source = with_messages(source, load_all_messages(config, config.locales, 1))

    def renderers() -> Renderers:
        return Renderers(source.model, source.messages, source.variants, None, source.read)

    outputs = [o for o in source.outputs() if not o.key.startswith(STATIC)]
    assert len({o.variant for o in outputs}) == 2 and any(o.key == "404" for o in outputs)
    fresh = {o: render_output(renderers(), o) for o in outputs}
    for order in (outputs, outputs[::-1], random.Random(3).sample(outputs, len(outputs))):
        shared = renderers()
        for o in order:
            assert render_output(shared, o) == fresh[o], o
