"""A site made by `infopages new` for en, de, pt-BR, zh-Hant and he, as another
organisation would start one: a second topic, a news item in two topics (Hebrew's
dual), a publish gate for Traditional Chinese, and real translations of part of
the catalogues — the rest left out on purpose, so every kind of fallback shows.

Used by the end-to-end test (tests/tools/test_new_site.py) and the golden files of
the default theme (tests/golden.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib

from builder.cli.app import main

LOCALES = ("en", "de", "pt-BR", "zh-Hant", "he")
TODAY = dt.date(2025, 3, 14)
SECOND_TOPIC = """\
---
title: Water safety
summary: How to keep drinking water safe at home.
order: 2
---

Boil water for one minute when a warning is in force.
"""
TWO_TOPICS = """\
---
title: Two topics in one item
summary: An item about our work and water safety.
date: 2025-03-10
topics: [our-work, water-safety]
---

Both topics, in one item.
"""
GATE = """
publish:
  zh-Hant: {min_percent: 100}
"""

# Real translations of part of the catalogues. Left out on purpose: de the news items
# and the About page; pt-BR "Published %(date)s" and the topic page; zh-Hant the news
# items and the About page (its gate keeps them out: links say "(in English)" in
# Chinese); he the bodies of the news items.
UI = {
    "de": {"Skip to main content": "Zum Hauptinhalt springen", "Languages": "Sprachen",
           "Main menu": "Hauptmenü", "Topics": "Themen", "Latest news": "Neueste Nachrichten",
           "All news": "Alle Nachrichten", "News": "Nachrichten",
           "Published %(date)s": "Veröffentlicht am %(date)s",
           "Read this site in %(language)s": "Diese Website auf %(language)s lesen",
           "Parts of this page are not yet translated and are shown in %(language)s.":
               "Teile dieser Seite sind noch nicht übersetzt und werden auf %(language)s "
               "angezeigt."},
    "pt_BR": {"Skip to main content": "Pular para o conteúdo principal", "Languages": "Idiomas",
              "Main menu": "Menu principal", "More news": "Mais notícias",
              "Newer": "Mais recente", "Older": "Mais antiga", "All news": "Todas as notícias",
              "News": "Notícias", "Latest news": "Últimas notícias", "Topics": "Temas",
              "Read this site in %(language)s": "Leia este site em %(language)s"},
    "zh_Hant": {"Skip to main content": "跳至主要內容", "Languages": "語言", "Main menu": "主選單",
                "Topics": "主題", "Latest news": "最新消息", "All news": "所有新聞", "News": "新聞",
                "(in %(language)s)": "（%(language)s）", "Published %(date)s": "發布於 %(date)s",
                "Read this site in %(language)s": "以%(language)s閱讀本網站",
                "Related links": "相關連結", "News pages": "新聞頁面",
                "Parts of this page are not yet translated and are shown in %(language)s.":
                    "本頁部分內容尚未翻譯，以%(language)s顯示。"},
    "he": {"Skip to main content": "דילוג לתוכן הראשי", "Languages": "שפות",
           "Main menu": "תפריט ראשי", "Published %(date)s": "פורסם ב־%(date)s",
           "News": "חדשות", "Latest news": "חדשות אחרונות", "Topics": "נושאים",
           "Read this site in %(language)s": "לקריאת האתר ב%(language)s",
           "Parts of this page are not yet translated and are shown in %(language)s.":
               "חלקים מדף זה עדיין לא תורגמו ומוצגים ב%(language)s."},
}
CONTENT = {
    "de": {"Clean Water Information": "Informationen zu sauberem Wasser",
           ("nav", "Home"): "Startseite", ("nav", "Our work"): "Unsere Arbeit",
           ("nav", "News"): "Nachrichten", ("nav", "About us"): "Über uns",
           "Our work": "Unsere Arbeit", "What we do, for whom, and how.":
               "Was wir tun, für wen und wie.", "How we help": "Wie wir helfen",
           "We answer questions.": "Wir beantworten Fragen.",
           "Service": "Dienstleistungsangebot", "For whom": "Für wen", "Advice": "Beratung",
           "Everyone": "Alle", "Training": "Schulung", "Professionals": "Fachkräfte"},
    "pt_BR": {"Clean Water Information": "Informações sobre água limpa",
              ("nav", "Home"): "Início", ("nav", "Our work"): "Nosso trabalho",
              ("nav", "News"): "Notícias", ("nav", "About us"): "Quem somos",
              "Our new website": "Nosso novo site",
              "The site is open, in every language we publish in.":
                  "O site está aberto, em todos os idiomas em que publicamos.",
              "About us": "Quem somos", "Who we are.": "Quem somos."},
    "zh_Hant": {"Clean Water Information": "潔淨用水資訊", ("nav", "Home"): "首頁",
                ("nav", "Our work"): "我們的工作", ("nav", "News"): "新聞",
                ("nav", "About us"): "關於我們", "Our work": "我們的工作",
                "What we do, for whom, and how.": "我們做什麼、為誰做、如何做。",
                "Describe one area of your work here. Each topic is a page of its own, listed "
                "on the home page; news items name the topics they belong to.":
                    "請在此描述您工作的一個領域。每個主題都是獨立的頁面，列在首頁上；新聞項目會註明所屬的主題。",
                "How we help": "我們如何提供協助", "We answer questions.": "我們回答問題。",
                "We train the people who work with us.": "我們培訓與我們合作的人員。",
                "Service": "服務", "For whom": "對象", "Advice": "諮詢", "Everyone": "所有人",
                "Training": "培訓", "Professionals": "專業人員",
                "Read more [about us]{1}.": "進一步[了解我們]{1}。",
                "Information pages of Example Water Agency.": "範例水務署的資訊頁面。"},
    "he": {"Clean Water Information": "מידע על מים נקיים", ("nav", "Home"): "דף הבית",
           ("nav", "Our work"): "העבודה שלנו", ("nav", "News"): "חדשות",
           ("nav", "About us"): "אודותינו", "Our new website": "האתר החדש שלנו",
           "The site is open, in every language we publish in.":
               "האתר פתוח, בכל השפות שבהן אנו מפרסמים.",
           "Two topics in one item": "שני נושאים בפריט אחד", "Our work": "העבודה שלנו"},
}
PLURALS = {   # "Topic:" / "Topics:", every form of the locale's rule
    "de": ["Thema:", "Themen:"],
    "pt_BR": ["Tema:", "Temas:", "Temas:"],
    "zh_Hant": ["主題："],
    "he": ["נושא:", "שני נושאים:", "נושאים:"],    # one, two, other
}


def make_new_site(parent: Path, name: str = "site") -> Path:
    """`infopages new`, then a few more sources and the translations above."""
    root = parent / name
    assert main(["new", str(root), "--name", "Clean Water Information",
                 "--organisation", "Example Water Agency", "--locales", ",".join(LOCALES)]) == 0
    news = sorted((root / "content/news").glob("*.md"))[0]
    news.rename(news.with_name(f"{TODAY.isoformat()}-our-new-site.md"))
    text = news.with_name(f"{TODAY.isoformat()}-our-new-site.md")
    text.write_text(_dated(text.read_text("utf-8")), "utf-8")
    (root / "content/topics/water-safety.md").write_text(SECOND_TOPIC, "utf-8")
    (root / "content/news/2025-03-10-two-topics.md").write_text(TWO_TOPICS, "utf-8")
    with (root / "content/site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(GATE)
    assert main(["update", "--project", str(root)]) == 0
    for code in ("de", "pt_BR", "zh_Hant", "he"):
        translate(root / "locales" / code / "LC_MESSAGES" / "messages.po",
                  UI[code] | CONTENT[code], PLURALS[code])
    return root


def _dated(text: str) -> str:
    lines = [f"date: {TODAY.isoformat()}" if line.startswith("date:") else line
             for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def translate(path: Path, messages: dict, plural: list[str]) -> None:
    catalogue = polib.pofile(str(path), wrapwidth=79)
    for entry in catalogue:
        if entry.msgid_plural == "Topics:":
            entry.msgstr_plural = dict(enumerate(plural))
            continue
        found = messages.get((entry.msgctxt, entry.msgid)) if entry.msgctxt else \
            messages.get(entry.msgid)
        if found:
            entry.msgstr = found
    catalogue.save()
