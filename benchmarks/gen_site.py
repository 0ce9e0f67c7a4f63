"""A deterministic synthetic site in infopages' own format, for the benchmarks.

    .venv/bin/python benchmarks/gen_site.py --news 1000 --out /tmp/bench-1000

N news items (a summary, 4 paragraphs of about 120 words, a list of three
items, a link to a topic and one to another site), 10 topic pages, the demo's
templates, and catalogues for fr, es and ar in which every entry is translated
(pseudo-translations: accented Latin for fr and es, Latin letters mapped to
Arabic ones for ar, with markup, link slots and placeholders kept). Same seed
and N, same bytes: the generator uses its own seeded `random.Random` and fixed
dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder import pipeline  # noqa: E402
from builder.catalogues.merge import new_catalogue, po_path  # noqa: E402
from builder.catalogues.plurals import plural_header
from builder.catalogues.poread import parse_po  # noqa: E402
from builder.render.pseudo import _transform_text, accent  # noqa: E402

TOPICS = 10
LOCALES = ("en", "fr", "es", "ar")
START = dt.date(1990, 1, 1)
ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنه"))
SPANISH = str.maketrans("aeiounAEIOUN", "áéíóúñÁÉÍÓÚÑ")

SITE_YAML = """\
title: Synthetic information pages
organisation: Example Organisation
base_url: https://bench.example.org/
source_locale: en
locales: [en, fr, es, ar]
numbering:
  ar: latn
news_page_size: 10
latest_news: 5
navigation:
  - label: Home
    page: home
  - label: News
    page: news
footer: A synthetic site for the benchmarks.
"""


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai")]
    return sorted({"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(size)})


def words(rng: random.Random, vocab: list[str], count: int) -> str:
    return " ".join(rng.choices(vocab, k=count))


def sentence_block(rng: random.Random, vocab: list[str], count: int) -> str:
    """About `count` words in sentences of 8–20 words."""
    out, left = [], count
    while left > 0:
        n = min(left, rng.randint(8, 20))
        text = words(rng, vocab, n)
        out.append(text[0].upper() + text[1:] + ".")
        left -= n
    return " ".join(out)


def news_item(rng: random.Random, vocab: list[str], index: int) -> tuple[str, str]:
    date = START + dt.timedelta(days=index)
    slug = f"{date.isoformat()}-item-{index:06d}"
    topics = sorted({f"topic-{rng.randrange(TOPICS):02d}" for _ in range(rng.randint(1, 2))})
    paragraphs = [sentence_block(rng, vocab, 120) for _ in range(4)]
    first = paragraphs[0].split(" ")
    first.insert(10, f"[{words(rng, vocab, 3)}](page:topics/{topics[0]})")
    paragraphs[0] = " ".join(first)
    third = paragraphs[2].split(" ")
    third.insert(20, f"[{words(rng, vocab, 2)}](https://example.org/{slug})")
    paragraphs[2] = " ".join(third)
    items = "\n".join(f"- {sentence_block(rng, vocab, 10)}" for _ in range(3))
    body = "\n\n".join(paragraphs[:2] + [items] + paragraphs[2:])
    title = sentence_block(rng, vocab, 8).rstrip(".")
    text = (f"---\ntitle: \"{title}\"\nsummary: \"{sentence_block(rng, vocab, 25)}\"\n"
            f"date: {date.isoformat()}\ntopics: [{', '.join(topics)}]\n---\n{body}\n")
    return slug, text


def topic_page(rng: random.Random, vocab: list[str], index: int) -> str:
    sections = []
    for number in range(3):
        heading = sentence_block(rng, vocab, 4).rstrip(".")
        sections.append(f"## {heading}\n\n{sentence_block(rng, vocab, 80)}\n\n"
                        f"{sentence_block(rng, vocab, 60)}")
    return (f"---\ntitle: \"Topic {index}: {sentence_block(rng, vocab, 3).rstrip('.')}\"\n"
            f"summary: \"{sentence_block(rng, vocab, 20)}\"\norder: {index}\n"
            f"related:\n  - page: topics/topic-{(index + 1) % TOPICS:02d}\n---\n"
            + "\n\n".join(sections) + "\n")


def translate(locale: str, text: str) -> str:
    if locale == "ar":
        return _transform_text(text, lambda piece: "".join(ARABIC.get(c.lower(), c)
                                                           for c in piece))
    if locale == "es":
        return _transform_text(text, lambda piece: piece.translate(SPANISH))
    return _transform_text(text, accent)


def write_catalogues(root: Path, title: str) -> None:
    """Every POT entry translated in every target locale, then normalised by `update`
    so that a later `update` has nothing to change."""
    pot = parse_po((root / "locales" / "messages.pot").read_text("utf-8"))
    for locale in LOCALES[1:]:
        po = new_catalogue(locale, title)
        count, po.metadata["Plural-Forms"] = plural_header(locale)
        for entry in pot:
            copy = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt,
                                 msgid_plural=entry.msgid_plural, comment=entry.comment,
                                 occurrences=entry.occurrences, flags=list(entry.flags))
            if entry.msgid_plural:
                copy.msgstr_plural = {i: translate(locale, entry.msgid_plural if i else
                                                   entry.msgid) for i in range(count)}
            else:
                copy.msgstr = translate(locale, entry.msgid)
            po.append(copy)
        path = po_path(root / "locales", locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(po) + "\n", "utf-8")
    pipeline.update(root)


def copy_theme(out: Path) -> None:
    """The built-in theme's templates and static files as the project's own templates/."""
    theme = REPO / "builder" / "theme"
    (out / "templates").mkdir(parents=True, exist_ok=True)
    for path in sorted(theme.iterdir()):
        if path.is_file() and path.suffix in (".html", ".xml"):
            shutil.copyfile(path, out / "templates" / path.name)
    shutil.copytree(theme / "static", out / "templates" / "static", dirs_exist_ok=True)


def generate(out: Path, news: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "news").mkdir(parents=True)
    (out / "content" / "topics").mkdir()
    (out / "content" / "site.yaml").write_text(SITE_YAML, "utf-8")
    copy_theme(out)   # the built-in theme as the project's templates (the bench edits one)
    shutil.copy(REPO / "babel.cfg", out / "babel.cfg")
    for index in range(TOPICS):
        (out / "content" / "topics" / f"topic-{index:02d}.md").write_text(
            topic_page(rng, vocab, index), "utf-8")
    for index in range(news):
        slug, text = news_item(rng, vocab, index)
        (out / "content" / "news" / f"{slug}.md").write_text(text, "utf-8")
    pipeline.extract(out)
    write_catalogues(out, "Synthetic information pages")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.news, args.seed)
    print(f"{args.out}: {args.news} news items, {TOPICS} topics, locales {', '.join(LOCALES)}")


if __name__ == "__main__":
    main()
