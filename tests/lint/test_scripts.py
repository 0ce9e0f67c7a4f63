"""Lint per script: each script's punctuation counts as what it is, and lengths are compared
per script (a CJK character carries what about three Latin letters do)."""

from __future__ import annotations

import pytest

from builder.lint.glossary import Glossary
from builder.lint.warnings import text_length, warning_problems


def codes(msgid: str, msgstr: str, locale: str) -> list[str]:
    return [p.code for p in warning_problems(msgid, msgstr, locale, Glossary())]


@pytest.mark.parametrize("msgid, msgstr, locale", [
    ("This page shows the latest news.", "本頁顯示最新消息。", "zh_Hant"),
    ("This page shows the latest news.", "本页显示最新消息．", "zh_Hans"),
    ("Topics:", "主題：", "zh_Hant"),
    ("Why does it matter?", "為什麼重要？", "zh_Hant"),
    ("Act now!", "今すぐ行動を！", "ja"),
    ("First; then", "まず；次に", "ja"),
    ("Apples, pears,", "りんご、なし、", "ja"),
    ("Why does it matter?", "لماذا يهم ذلك؟", "ar"),
    ("one; two", "واحد؛ اثنان", "ar"),
    ("This is the end.", "یہ اختتام ہے۔", "ur"),
    ("This is the end.", "यह अंत है।", "hi"),
    ("This is the end.", "এটাই শেষ।", "bn"),
    ("Why does it matter?", "למה זה חשוב?", "he"),
    ("Why does it matter?", "Γιατί έχει σημασία;", "el"),
    ("This is the end.", "Սա վերջն է։", "hy"),
    ("This is the end.", "ይህ መጨረሻ ነው።", "am"),
    ("This is the end.", "ဤသည် အဆုံးဖြစ်သည်။", "my"),
    ("Quoted: “this.”", "引用：「這個。」", "zh_Hant"),
])
def test_punctuation_of_every_script_counts_as_what_it_is(msgid, msgstr, locale):
    assert "punctuation" not in codes(msgid, msgstr, locale)


@pytest.mark.parametrize("msgid, msgstr, locale", [
    ("This page shows the latest news.", "本頁顯示最新消息", "zh_Hant"),     # no full stop
    ("Topics:", "主題。", "zh_Hant"),                                       # colon → full stop
    ("Why does it matter?", "為什麼重要。", "zh_Hant"),
    ("This is the end.", "यह अंत है", "hi"),
    ("Why does it matter?", "Pourquoi ; est-ce", "fr"),    # `;` is a semicolon in French
    ("Why, then", "لماذا, إذن", "ar"),                       # Latin comma in Arabic
])
def test_a_wrong_or_missing_mark_is_still_found(msgid, msgstr, locale):
    assert "punctuation" in codes(msgid, msgstr, locale)


def test_length_is_counted_per_script():
    source = "Information about clean drinking water in every region"
    assert "length" not in codes(source, "關於各地區潔淨飲用水的資訊", "zh_Hant")
    assert "length" not in codes(source, "Informationen über sauberes Trinkwasser in jeder Region",
                                 "de")
    assert "length" in codes(source, "資訊", "zh_Hant")
    problem = [p for p in warning_problems(source, "資訊", "zh_Hant", Glossary())
               if p.code == "length"][0]
    assert "a Chinese, Japanese or Korean character counts as 3" in problem.message
    assert text_length("潔淨 water") == 2 * 3 + 6


def test_placeholders_do_not_make_double_spaces():
    assert "double-space" not in codes(
        "Parts of this page are shown in %(language)s.",
        "Teile dieser Seite werden auf %(language)s angezeigt.", "de")
