"""Which old translation a new or changed source text may start from.

Only old entries whose text left the sources are candidates: a paragraph
inserted next to an unchanged one must not borrow its neighbour's translation
(the neighbour is still there, so it is no candidate at all). Candidates on the
same page come first; a text still unmatched is then looked up in the whole
catalogue (a paragraph moved to another page and edited), as msgmerge does,
through an index of rare words rather than a scan of every old text.

Pairs are ranked, best first, and each old entry lends its translation once:
1. a punctuation- or whitespace-only edit whose placeholders and Markdown
   markup are unchanged: the translation still fits, so it is carried over;
2. otherwise by similarity (rapidfuzz's `fuzz.ratio`, C-backed), with a bonus
   when both sit at the same anchor. Anchors are ordinal (`…#section.p3`), so
   after an insertion the anchor of an edited paragraph belongs to the new one;
   the bonus lets a same-anchor pair win over similar text elsewhere on the
   page only when the texts are not far apart, which keeps an edited paragraph
   with its own old translation.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from rapidfuzz import fuzz

THRESHOLD = 70.0      # below this, two paragraphs are different texts, not an edit
WORD_RE = re.compile(r"[^\W\d_]{3,}")
COMMON = 64           # a word in more old texts than this says nothing about which one
SHORTLIST = 8         # old texts scored per new text, by the rare words they share
MIN_WORDS = 4         # shorter texts (headings, labels) are never guessed across pages
ANCHOR_BONUS = 30.0   # same segment: a rewritten heading is still that heading

# What a translation must reproduce: printf/brace placeholders, inline code
# (whose content is literal), emphasis runs, link/image brackets, escapes.
# These are all punctuation, so a "punctuation-only" edit could otherwise
# silently change them.
MARKUP_RE = re.compile(
    r"(`+).*?\1"                                  # code span, content included
    r"|%\(\w+\)[#0 +\-]*\d*(?:\.\d+)?[a-zA-Z]"    # %(name)s
    r"|%[#0 +\-]*\d*(?:\.\d+)?[sdifr%]"           # %s, %d
    r"|\{[\w.]*\}"                                # {1}, {name}
    r"|\*+|_+|!?\[|\]|\\.")

# ASCII characters of Unicode categories P* and whitespace; `$+<=>^`|~` are
# symbols (S*), so a change there is a change of wording.
ASCII_DROP_RE = re.compile(r"[\s!\"#%&'()*,\-./:;?@\[\\\]_{}]+")


def page_of(anchor: str) -> str:
    return anchor.split("#", 1)[0]


def skeleton(text: str) -> str:
    """The text without whitespace and Unicode punctuation (categories P*)."""
    # A regex drops ASCII whitespace and punctuation at C speed; only what is
    # left outside ASCII needs the (slow, per character) Unicode lookup.
    text = ASCII_DROP_RE.sub("", text)
    if text.isascii():
        return text
    return "".join(ch for ch in text
                   if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def markup(text: str) -> tuple[str, ...]:
    return tuple(m.group(0) for m in MARKUP_RE.finditer(text))


def punctuation_only(new: str, old: str) -> bool:
    """True when `new` differs from `old` only in whitespace and punctuation, and
    every placeholder and markup token is unchanged (so the old msgstr still fits).
    Case is wording: "Apply" → "apply" is not punctuation-only."""
    return new != old and skeleton(new) == skeleton(old) and markup(new) == markup(old)


@dataclass(frozen=True)
class Side:
    """One message as the matcher sees it."""
    text: str
    anchors: frozenset[str]
    plural: bool = False
    # Anchors of obsolete entries are stale (the numbering has moved on since),
    # so only entries that were active lend by anchor.
    anchored: bool = True
    pages: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", frozenset(page_of(a) for a in self.anchors))


@dataclass(frozen=True)
class Match:
    """A new text paired with the old one it may start from, and how the two were paired."""
    new: int     # index into the new sides
    old: int     # index into the old sides
    kind: str    # "carried", "anchor", "similar" (same page) or "moved" (another page)
    score: float


def pair_up(new: Sequence[Side], old: Sequence[Side]) -> list[Match]:
    """Best one-to-one pairs between new and old texts: on the same page, then across."""
    by_page: dict[str, list[int]] = defaultdict(list)
    for j, side in enumerate(old):
        for page in side.pages:
            by_page[page].append(j)
    scored: dict[tuple[int, int], tuple[int, float, str]] = {}
    for i, side in enumerate(new):
        for page in sorted(side.pages):
            for j in by_page.get(page, ()):
                if (i, j) not in scored and (found := _score(side, old[j])) is not None:
                    scored[(i, j)] = found
    out = _assign(scored, set(), set())
    taken_new, taken_old = {m.new for m in out}, {m.old for m in out}
    moved = _across_pages(new, old, taken_new, taken_old)
    out += _assign(moved, taken_new, taken_old)
    return sorted(out, key=lambda m: m.new)


def _assign(scored: dict[tuple[int, int], tuple[int, float, str]], taken_new: set[int],
            taken_old: set[int]) -> list[Match]:
    """Best pairs first, each side at most once (deterministic on ties)."""
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    out = []
    for (i, j), (_, score, kind) in ranked:
        if i not in taken_new and j not in taken_old:
            taken_new.add(i)
            taken_old.add(j)
            out.append(Match(i, j, kind, score))
    return out


def _across_pages(new: Sequence[Side], old: Sequence[Side], taken_new: set[int],
                  taken_old: set[int]) -> dict[tuple[int, int], tuple[int, float, str]]:
    """Pairs for texts no candidate of their own page took, found anywhere: each new
    text is scored only against the old texts sharing the most rare words with it."""
    postings: dict[str, list[int]] = defaultdict(list)
    for j, side in enumerate(old):
        if j not in taken_old:
            for word in _words(side.text):
                postings[word].append(j)
    scored: dict[tuple[int, int], tuple[int, float, str]] = {}
    for i, side in enumerate(new):
        words = _words(side.text)
        if i in taken_new or len(words) < MIN_WORDS:
            continue
        shared: Counter = Counter()
        for word in words:
            found = postings.get(word, ())
            if len(found) <= COMMON:
                shared.update(found)
        least = max(2, len(words) // 4)
        for j, count in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:SHORTLIST]:
            if count < least or old[j].plural != side.plural:
                continue
            ratio = fuzz.ratio(side.text, old[j].text, score_cutoff=THRESHOLD)
            if ratio:
                scored[(i, j)] = (0, ratio, "moved")
    return scored


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in WORD_RE.findall(text))


def _score(new: Side, old: Side) -> tuple[int, float, str] | None:
    if new.plural != old.plural:
        return None
    anchored = old.anchored and not new.anchors.isdisjoint(old.anchors)
    bonus = ANCHOR_BONUS if anchored else 0.0
    if punctuation_only(new.text, old.text):
        return (1, 100.0 + bonus, "carried")
    if anchored:
        return (0, fuzz.ratio(new.text, old.text) + bonus, "anchor")
    ratio = fuzz.ratio(new.text, old.text, score_cutoff=THRESHOLD)
    return (0, ratio, "similar") if ratio else None
