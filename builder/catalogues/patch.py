"""`update` of a catalogue it wrote itself, when a few entries of its template changed:
only those entries are merged, the rest of the file is kept as it is.

A catalogue that `merge` wrote from template T is its header, one block per
entry of T in T's order, then its obsolete entries. Merging a new template T'
into it gives, for an entry of T' that is in T exactly as it was (the same
block), the block the catalogue has for it: merging is idempotent, and those
entries take no part in matching the others (an exact match is never paired,
and only text that left the template lends). So the merge runs on both cut down
— T' to its changed entries; the catalogue to its entries of changed or removed
template entries and its obsolete ones, which are all the candidates for the
changed entries — and `splice` puts the result back among the kept blocks.
tests/catalogues/test_patch.py holds it byte for byte to the whole merge, on
random edit sequences.

A file is cut only when its layout proves where every block starts and ends
(one blank line between blocks, one `msgid` line in each, none ending in a
comment); anything else, and any file a translator or a tool saved since, is
merged whole.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE, OBSOLETE = "msgid ", "#~ msgid "
ENDINGS = ("msgstr", '"', "#~ msgstr", '#~ "')   # the last line of a block


@dataclass(frozen=True)
class Pieces:
    """A PO or POT text cut into its header and entry blocks (LF line endings)."""
    header: str
    active: tuple[str, ...]
    obsolete: tuple[str, ...]


def cut(text: str) -> Pieces | None:
    """`text` in blocks as `oldtext.Raw` would cut it, or None when its layout does not
    prove where blocks end: then it is merged whole. (Blank lines at the end, which
    polib writes, are not a block.)"""
    body = text.rstrip("\n")
    if body == text:
        return None
    pieces = body.split("\n\n")
    if not _header(pieces[0]):
        return None
    kinds = [_kind(piece) for piece in pieces[1:]]
    active = kinds.count(ACTIVE)
    if kinds != [ACTIVE] * active + [OBSOLETE] * (len(kinds) - active):
        return None
    return Pieces(pieces[0], tuple(pieces[1:1 + active]), tuple(pieces[1 + active:]))


def _header(piece: str) -> bool:
    framed = "\n" + piece + "\n"
    return _kind(piece) == ACTIVE and '\nmsgid ""\nmsgstr' in framed and \
        "\nmsgctxt" not in framed


def _kind(piece: str) -> str | None:
    """ACTIVE or OBSOLETE: what a block holds, if it is one entry. (Counts and ends, not
    a pass over its lines: a catalogue has tens of thousands of blocks.)"""
    if not piece or piece[0] not in "#m" or piece[-1].isspace() or \
            not piece[piece.rfind("\n") + 1:].startswith(ENDINGS):
        return None
    framed = "\n" + piece
    active, obsolete = framed.count("\n" + ACTIVE), framed.count("\n" + OBSOLETE)
    if active + obsolete != 1:
        return None
    return ACTIVE if active else OBSOLETE


@dataclass(frozen=True)
class Patch:
    """A catalogue and its new template, cut down to what a merge must look at."""
    pot_text: str                   # the new template's header and changed entries
    po_text: str                    # the catalogue's header, its blocks of changed or
                                    # removed template entries, its obsolete blocks
    kept: tuple[int | None, ...]    # per entry of the new template: the index of the
                                    # catalogue's block kept; None: the merge's next one
    gone: tuple[int, ...]           # the indices of the catalogue's blocks in `po_text`
    kept_pot: tuple[str, ...]       # the template blocks of the kept entries
    catalogue: Pieces
    text: str                       # the catalogue as read

    @property
    def unchanged(self) -> int:
        return len(self.kept_pot)


def plan(was: Pieces, now: Pieces, catalogue: str) -> Patch | None:
    """The cut for merging template `now` into `catalogue`, which `merge` wrote from
    template `was` (both `cut`); None if the catalogue cannot be cut or is not one block
    per entry of `was` (then it is merged whole)."""
    po = cut(catalogue)
    if po is None or was.obsolete or now.obsolete or len(po.active) != len(was.active):
        return None
    index = {block: i for i, block in enumerate(was.active)}
    kept = tuple(index.get(block) for block in now.active)
    stays = {i for i in kept if i is not None}
    gone = tuple(i for i in range(len(po.active)) if i not in stays)
    changed = [block for block in now.active if block not in index]
    return Patch(_join(now.header, changed),
                 _join(po.header, [po.active[i] for i in gone] + list(po.obsolete)),
                 kept, gone, tuple(block for block in now.active if block in index), po,
                 catalogue)


def splice(patch: Patch, header: str, blocks: tuple[str, ...], whole: str | None) -> str:
    """The whole catalogue: the merge's `header` and `blocks` (its changed entries in
    order, then its obsolete ones) put among the kept blocks. `whole`: the merge gave
    the cut text back as it was; then, if every block is where it was, so does the
    whole merge (`merge.MergeParts.whole`), blank lines at the end included."""
    merged = iter(blocks)
    out = [header] + [patch.catalogue.active[i] if i is not None else next(merged)
                      for i in patch.kept]
    if whole is not None and _in_place(patch):
        return patch.text
    return "\n\n".join(out + list(merged)) + "\n"


def _in_place(patch: Patch) -> bool:
    """Whether, the cut merge having kept every block it was given in order, the
    catalogue's active blocks come out in the order they were read."""
    cut = iter(patch.gone)
    order = [i if i is not None else next(cut, -1) for i in patch.kept]
    return next(cut, None) is None and all(a < b for a, b in zip(order, order[1:])) and \
        -1 not in order


def _join(header: str, blocks: list[str]) -> str:
    return "\n\n".join([header] + blocks) + "\n"
