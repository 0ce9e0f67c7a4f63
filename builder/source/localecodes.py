"""Locale codes as people write them, and the forms each tool needs.

`site.yaml` takes BCP 47 tags (`pt-BR`, `zh-Hant`, `sr-Latn`, `es-419`) or
their gettext spelling (`pt_BR`); case does not matter. Inside the builder a
locale is its gettext code (`pt_BR`, `zh_Hant`): the name of its catalogue
folder (`catalogue_folder`, the one place that says so), the key of its
translations and the locale Babel takes for dates and plurals. Pages use the
BCP 47 tag (`lang`, `hreflang`, `xml:lang`, the sitemap); URLs a prefix that
defaults to the lowercase tag (`pt-br`).

Only language, script and region are taken (`zh-Hant-TW`), kept as written:
`zh-TW` stays `zh_TW` (gettext's folder name), although Babel would read it
as `zh_Hant_TW`.
"""

from __future__ import annotations

import re
from typing import Iterable

from builder.errors import Diagnostic

_TAG_RE = re.compile(r"(?P<language>[A-Za-z]{2,3})"
                     r"(?:[-_](?P<script>[A-Za-z]{4}))?"
                     r"(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?")
PREFIX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,34}")
# Folders of a built site that are not a language: a locale's URL prefix cannot be one.
RESERVED_PREFIXES = frozenset({"assets", "media"})


def parse_locale(text: object) -> str | None:
    """The gettext code of a locale written as a BCP 47 tag or in gettext's form
    (`pt-BR`, `pt_br` → `pt_BR`); None if it is not one Babel has data for."""
    if not isinstance(text, str):
        return None
    match = _TAG_RE.fullmatch(text.strip())
    if match is None:
        return None
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    code = "_".join(parts)
    from babel import Locale, UnknownLocaleError   # here: `build`'s up-to-date check is fast

    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return code


def bcp47(code: str) -> str:
    """`pt_BR` → `pt-BR`: the tag for `lang`, `hreflang` and the sitemap."""
    return code.replace("_", "-")


def default_prefix(code: str) -> str:
    """A locale's URL folder unless site.yaml sets one: the lowercase tag (`pt-br`)."""
    return bcp47(code).lower()


def catalogue_folder(code: str) -> str:
    """The folder of a locale's catalogues under locales/: gettext's form (`pt_BR`).
    Every path to a PO file goes through here."""
    return code


def other_form_of(folder: str, locales: tuple[str, ...]) -> str | None:
    """The configured locale a catalogue folder names in another form than its own
    (`locales/pt-BR` for pt_BR), if any: such a folder would be silently ignored."""
    code = parse_locale(folder)
    if code in locales and folder != catalogue_folder(code):
        return code
    return None


def og_locale(code: str) -> str:
    """Open Graph's `ll_TT` for a locale: its region, or the likely one for its language
    and script (CLDR: zh_Hant → zh_TW, sr_Latn → sr_RS, pt → pt_BR, he → he_IL)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    language, *rest = code.split("_")
    region = next((p for p in rest if len(p) in (2, 3) and not p.istitle()), None)
    if region is None:
        for key in (code, language):
            subtags = likely.get(key, "").split("_")
            found = [p for p in subtags[1:] if p.isupper() or p.isdigit()]
            if found:
                region = found[-1]
                break
    if region is not None and region.isdigit():
        # A UN M.49 area has no Open Graph form; Facebook names Latin America `LA`.
        region = {"419": "LA"}.get(region)
    return f"{language}_{region}" if region else language


def catalogue_folder_errors(locales: tuple[str, ...], paths: Iterable[str]) -> list[Diagnostic]:
    """A folder of locales/ (from the scan's file paths) that names a configured locale
    in another form than gettext's would be ignored without a word, and `update` would
    make a second one beside it: an error naming both paths."""
    folders = sorted({p.split("/")[1] for p in paths
                      if p.startswith("locales/") and p.count("/") >= 2})
    errors = []
    for folder in folders:
        code = other_form_of(folder, locales)
        if code is not None:
            proper = f"locales/{catalogue_folder(code)}"
            errors.append(Diagnostic(f"locales/{folder}", None,
                                     f"catalogue folder of {bcp47(code)} named `{folder}`: "
                                     f"every command reads {proper}",
                                     f"rename locales/{folder} to {proper} (gettext's form), "
                                     f"or merge it into {proper} if both exist"))
    return errors
