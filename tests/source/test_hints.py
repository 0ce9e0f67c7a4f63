"""Hints come from the project, never from the demo: every message a new site's mistakes
produce names that site's own pages, or none — not the demo's."""

from __future__ import annotations

from pathlib import Path

from builder.cli.app import main

DEMO_WORDS = ("crimes", "children", "interpol", "partnerships", "yellow", "trafficking",
              "togo")


def test_mistakes_in_a_new_site_get_hints_from_that_site(tmp_path: Path, capsys):
    root = tmp_path / "site"
    assert main(["new", str(root), "--locales", "en,fr"]) == 0
    topic = root / "content/topics/our-work.md"
    topic.write_text(topic.read_text("utf-8")
                     .replace("order: 1", "order: 1\nrelated:\n  - page: pages/abuot\n"
                              "required: 3\nsumary: x")
                     .replace("(page:pages/about)", "(page:pages/abot)"), "utf-8")
    news = next((root / "content/news").glob("*.md"))
    news.write_text(news.read_text("utf-8").replace("topics: [our-work]", "topics: [our-wrok]"),
                    "utf-8")
    settings = root / "content/site.yaml"
    settings.write_text(settings.read_text("utf-8").replace("page: pages/about", "page: about")
                        + "footer_links:\n  - {label: X, page: topics/ourwork}\n", "utf-8")
    capsys.readouterr()
    assert main(["build", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    assert "did you mean `summary`?" in err
    assert "footer link to unknown page `topics/ourwork` — did you mean `topics/our-work`?" in err
    assert "navigation to unknown page `about`" in err
    assert not [word for word in DEMO_WORDS if word in err.lower()], err
    settings.write_text(settings.read_text("utf-8").replace("page: about", "page: pages/about")
                        .replace("page: topics/ourwork}", "page: topics/our-work}"), "utf-8")
    topic.write_text(topic.read_text("utf-8").replace("required: 3\nsumary: x\n", ""), "utf-8")
    assert main(["build", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    assert "related link to unknown page `pages/abuot` — did you mean `pages/about`?" in err
    assert "unknown topic `our-wrok` — did you mean `our-work`?" in err
    assert "link to unknown page `pages/abot` — did you mean `pages/about`?" in err
    assert not [word for word in DEMO_WORDS if word in err.lower()], err
