"""Template messages without variables are formatted once per locale (the header and
footer of every page ask for the same ones): what the memo gives is what formatting
gives, in every case that changes the result, and every call is still recorded."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

from builder.render.translations import Messages, Translator

UI = "ui"


def translator(locale: str, source: str = "en", **singular: str) -> Translator:
    messages = Messages(locale, {(UI, None, k.replace("_", " ")): v
                                 for k, v in singular.items()}, {})
    return Translator(messages, source, MarkdownIt(), lambda n: 0)


def formatted(t: Translator, message: str) -> Markup:
    return t._format(*t.lookup(None, message, UI), {})


def test_a_memoised_message_is_what_formatting_gives():
    cases = [
        (translator("fr", Skip_to_main_content="Aller au <contenu>"), "Skip to main content"),
        (translator("fr"), "Skip to main content"),          # untranslated: marked English
        (translator("de", "de"), "100%% sure & <b>"),         # source, not English: marked
        (translator("en"), "100%% sure & <b>"),               # source, English: plain
    ]
    for t, message in cases:
        first, again = t.gettext(message), t.gettext(message)
        assert first == again == formatted(t, message) and isinstance(again, Markup)
    assert translator("fr").gettext("Skip to main content") == \
        Markup('<span lang="en" dir="ltr">Skip to main content</span>')
    assert translator("en").gettext("100%% sure & <b>") == Markup("100% sure &amp; &lt;b&gt;")


def test_every_call_is_recorded_and_variables_are_not_memoised():
    t = translator("fr", Published_X="Publié %(date)s")
    t.gettext("Skip to main content")
    t.ui_keys.clear()
    t.gettext("Skip to main content")            # answered from the memo
    assert t.ui_keys == {(UI, None, "Skip to main content")}
    assert str(t.gettext("Published X", date="1 mai")) == "Publié 1 mai"
    assert str(t.gettext("Published X", date="2 mai")) == "Publié 2 mai"
