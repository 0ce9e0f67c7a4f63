"""Left-to-right runs inside right-to-left text, isolated so the bidi algorithm cannot reorder them."""

from __future__ import annotations

import re

from markdown_it.token import Token

# A run of left-to-right text (Latin words, #hashtags, e-mail addresses, URLs)
# inside right-to-left text: isolated in <bdi> so neutral characters at its
# edges ("#WeProtect", "U.S.") are not reordered by the bidi algorithm.
_LATIN = "A-Za-z\u00C0-\u024F"


_WORD = rf"(?:[A-Z]\.){{2,}}|[#@]?[{_LATIN}](?:[{_LATIN}0-9.:/@#’'&_-]*[{_LATIN}0-9])?"


LTR_RUN_RE = re.compile(rf"{_WORD}(?:[ ,]+(?:{_WORD}|[0-9]+\b))*")


def isolate_ltr_runs(children: list[Token]) -> list[Token]:
    """Wrap left-to-right runs of text tokens in <bdi> (for right-to-left pages)."""
    out: list[Token] = []
    for child in children:
        if child.type != "text" or not LTR_RUN_RE.search(child.content):
            out.append(child)
            continue
        position = 0
        for match in LTR_RUN_RE.finditer(child.content):
            if match.start() > position:
                out.append(child.copy(content=child.content[position:match.start()]))
            out += [Token("html_inline", "", 0, content='<bdi dir="ltr">'),
                    child.copy(content=match.group()),
                    Token("html_inline", "", 0, content="</bdi>")]
            position = match.end()
        if position < len(child.content):
            out.append(child.copy(content=child.content[position:]))
    return out
