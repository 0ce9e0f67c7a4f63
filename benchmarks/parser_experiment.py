"""Could a Rust-backed Markdown parser replace markdown-it-py without changing a byte?

    .venv/bin/python benchmarks/parser_experiment.py [--site SITE ...] [--json FILE]

An experiment, not part of the build. The build needs from its parser a
markdown-it token stream: block tokens with `map` (line numbers of segments),
inline tokens whose `content` is the block's raw inline Markdown (the msgid,
normalised), inline children (links, images, text), link reference
definitions (`env["references"]`, reused when a translation is parsed), a way
to parse a translation *as inline text only* (`parseInline`: block syntax in a
translation must never create blocks), and rendering of a modified token
stream (translated children, heading ids, `lang`/`dir` on fallback blocks).

For each candidate installed in this interpreter, on the Markdown of every
page of every SITE (default: the repository's demo and, if given, a
`gen_site.py` site) and on every msgstr of their catalogues, it prints:

- speed: the candidate's own parse against `MarkdownIt.parse` (bodies) and
  `parseInline` (msgstrs), median of 3, CPU ms per item;
- markdown-it-pyrs only (its tree is close enough to markdown-it's to adapt):
  `PyrsMarkdown`, an adapter that turns its tree into markdown-it-py tokens,
  then the cost of parse + conversion, and exactness: the same segments
  (msgid, msgctxt, kind, line, anchor, link targets, page links, images) from
  `segments.parse_body`, and byte-identical HTML from the same renderer, for
  every body (source text) and for every msgstr parsed as inline text.

Candidates: `markdown-it-pyrs` (markdown-it.rs; wheels for CPython 3.12 only),
`pyromark` (pulldown-cmark), `comrak` from `comrak-ext` (comrak), and `cmarkgfm`
(C, cmark-gfm) for scale. `pip install markdown-it-pyrs pyromark comrak-ext cmarkgfm`.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import statistics
import sys
import time
from dataclasses import astuple
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from markdown_it.token import Token  # noqa: E402

from builder.catalogues.poread import parse_po  # noqa: E402
from builder.errors import Collector  # noqa: E402
from builder.segments.blocks import make_markdown, parse_body  # noqa: E402
from builder.source.config import load_config  # noqa: E402
from builder.source.content import load_content  # noqa: E402
from builder.source.inputs import checked_scan  # noqa: E402

NEWLINE_RE = re.compile(b"\n")
# markdown-it-pyrs plugins for markdown-it-py's "commonmark" preset + table, raw HTML off.
PYRS_PLUGINS = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list",
                "paragraph", "reference", "autolink", "backticks", "emphasis", "entity",
                "escape", "image", "link", "newline", "table"]


# -- corpora -------------------------------------------------------------------------

def corpus(sites: list[Path]) -> tuple[list, list[str]]:
    """(pages of every site, every non-empty msgstr of their catalogues)."""
    pages, msgstrs = [], []
    for site in sites:
        config = load_config(site)
        pages += load_content(config, checked_scan(site, config), Collector(site)).pages
        for po in sorted((site / "locales").glob("*/LC_MESSAGES/*.po")):
            for entry in parse_po(po.read_text("utf-8")):
                if entry.msgstr and not any(r.startswith(("templates/", "theme/"))
                                            for r, _ in entry.occurrences):
                    msgstrs.append(entry.msgstr)
    return pages, msgstrs


def cpu_ms(fn: Callable, items: list, runs: int = 3) -> float:
    """Median over `runs` of the CPU ms per item of `fn(item)` for every item."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        for item in items:
            fn(item)
        times.append(time.process_time() - start)
    return 1000 * statistics.median(times) / max(1, len(items))


# -- markdown-it-pyrs tree → markdown-it-py tokens ------------------------------------

class PyrsMarkdown:
    """`parse(src, env)` and `parseInline(src, env)` of markdown-it-py, answered by
    markdown-it-pyrs: its tree turned into markdown-it-py tokens. What cannot be
    told from the tree is approximated, and the comparison shows where it differs:
    inline `content` is rebuilt from byte ranges (line breaks keep only their "\\n",
    dropping container prefixes such as `> `); a tight list's paragraphs (absent
    from the tree) are rebuilt hidden; `parseInline` parses the text as a document
    and takes the children of its one paragraph (block syntax in a translation
    would make blocks: counted as a difference)."""

    def __init__(self, reference):
        import markdown_it_pyrs

        self.md = markdown_it_pyrs.MarkdownIt("zero").enable_many(PYRS_PLUGINS)
        self.reference = reference          # markdown-it-py, for renderer and options
        self.renderer, self.options = reference.renderer, reference.options

    # markdown-it-py's MarkdownIt API, as parse_body and render_body use it
    def parse(self, src: str, env: dict | None = None) -> list[Token]:
        data = src.encode("utf-8")
        starts = [0] + [m.end() for m in NEWLINE_RE.finditer(data)]
        tokens: list[Token] = []
        root = self.md.tree(src)
        refs = {}
        self._blocks(root.children, data, starts, tokens, refs, tight=False)
        if env is not None and refs:
            env["references"] = refs
        return tokens

    def parseInline(self, src: str, env: dict | None = None) -> list[Token]:
        text = src + "".join(f"\n\n[{label}]: <{ref['href']}>" for label, ref in
                             ((env or {}).get("references") or {}).items())
        tokens = self.parse(text)
        inline = [t for t in tokens if t.type == "inline"]
        if len(inline) != 1:
            return [Token("inline", "", 0, content=src, children=[Token("text", "", 0,
                                                                        content="\0BLOCKS")])]
        return [Token("inline", "", 0, content=src, children=inline[0].children)]

    # blocks
    def _line(self, starts: list[int], offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    def _map(self, node, starts) -> list[int]:
        start, end = node.srcmap or (0, 0)
        return [self._line(starts, start), self._line(starts, max(start, end - 1)) + 1]

    def _blocks(self, nodes, data, starts, out, refs, tight) -> None:
        inline_run = []
        for node in nodes:
            if node.name in INLINE_NAMES:
                inline_run.append(node)
                continue
            if inline_run:   # a tight list item's text: a hidden paragraph
                self._paragraph(inline_run, data, starts, out, hidden=True)
                inline_run = []
            self._block(node, data, starts, out, refs, tight)
        if inline_run:
            self._paragraph(inline_run, data, starts, out, hidden=True)

    def _paragraph(self, children, data, starts, out, hidden, map_=None, tag="p",
                   kind="paragraph", attrs=None) -> None:
        first = children[0].srcmap[0] if children and children[0].srcmap else 0
        map_ = map_ or [self._line(starts, first), self._line(starts, first) + 1]
        opener = Token(f"{kind}_open", tag, 1, map=map_, block=True, hidden=hidden,
                       attrs=attrs or {})
        out += [opener, self._inline(children, data, map_),
                Token(f"{kind}_close", tag, -1, block=True, hidden=hidden)]

    def _block(self, node, data, starts, out, refs, tight) -> None:
        name, meta, map_ = node.name, node.meta, self._map(node, starts)
        if name == "paragraph":
            self._paragraph(node.children, data, starts, out, hidden=tight, map_=map_)
        elif name in ("heading", "lheading"):
            level = meta["level"]
            markup = "#" * level if name == "heading" else meta.get("marker", "=")
            out += [Token("heading_open", f"h{level}", 1, map=map_, block=True, markup=markup),
                    self._inline(node.children, data, map_),
                    Token("heading_close", f"h{level}", -1, block=True, markup=markup)]
        elif name == "blockquote":
            out.append(Token("blockquote_open", "blockquote", 1, map=map_, block=True))
            self._blocks(node.children, data, starts, out, refs, tight=False)
            out.append(Token("blockquote_close", "blockquote", -1, block=True))
        elif name in ("bullet_list", "ordered_list"):
            tag = "ul" if name == "bullet_list" else "ol"
            attrs = {"start": meta["start"]} if meta.get("start", 1) != 1 else {}
            loose = any(c.name == "paragraph" for item in node.children for c in item.children)
            out.append(Token(f"{name}_open", tag, 1, map=map_, block=True, attrs=attrs))
            for item in node.children:
                out.append(Token("list_item_open", "li", 1, map=self._map(item, starts),
                                 block=True))
                self._blocks(item.children, data, starts, out, refs, tight=not loose)
                out.append(Token("list_item_close", "li", -1, block=True))
            out.append(Token(f"{name}_close", tag, -1, block=True))
        elif name == "table":
            self._table(node, data, starts, out)
        elif name == "fence":
            out.append(Token("fence", "code", 0, map=map_, block=True, content=meta["content"],
                             info=meta.get("info", ""), markup="`" * meta.get("marker_len", 3)))
        elif name == "code_block":
            out.append(Token("code_block", "code", 0, map=map_, block=True,
                             content=meta["content"]))
        elif name == "hr":
            out.append(Token("hr", "hr", 0, map=map_, block=True))
        elif name == "definition":
            refs.setdefault(meta["label"].upper(), {"title": meta.get("title", ""),
                                                    "href": meta["destination"]})
        else:
            out.append(Token("text", "", 0, content=f"\0UNKNOWN BLOCK {name}"))

    def _table(self, node, data, starts, out) -> None:
        aligns = node.meta.get("alignments", [])
        out.append(Token("table_open", "table", 1, map=self._map(node, starts), block=True))
        for part in node.children:
            tag = "thead" if part.name == "thead" else "tbody"
            out.append(Token(f"{tag}_open", tag, 1, block=True))
            for row in part.children:
                out.append(Token("tr_open", "tr", 1, map=self._map(row, starts), block=True))
                for i, cell in enumerate(row.children):
                    cell_tag = "th" if tag == "thead" else "td"
                    align = aligns[i] if i < len(aligns) else "none"
                    attrs = {"style": f"text-align:{align}"} if align != "none" else {}
                    self._paragraph(cell.children, data, starts, out, hidden=False,
                                    map_=self._map(row, starts), tag=cell_tag, kind=cell_tag,
                                    attrs=attrs)
                out.append(Token("tr_close", "tr", -1, block=True))
            out.append(Token(f"{tag}_close", tag, -1, block=True))
        out.append(Token("table_close", "table", -1, block=True))

    # inline
    def _inline(self, children, data, map_) -> Token:
        return Token("inline", "", 0, map=map_, block=True,
                     content=self._source(children, data).strip(),
                     children=_joined(self._children(children, data)))

    def _source(self, children, data) -> str:
        """The raw inline Markdown of `children`, line breaks reduced to their "\\n"."""
        spans = [c.srcmap for c in children if c.srcmap]
        if not spans:
            return ""
        start, end = spans[0][0], spans[-1][1]
        breaks = sorted(n.srcmap for c in children for n in c.walk()
                        if n.name in ("softbreak", "hardbreak") and n.srcmap)
        out, at = [], start
        for b_start, b_end in breaks:
            out.append(data[at:b_start])
            piece = data[b_start:b_end]
            out.append(piece[:piece.find(b"\n") + 1] if b"\n" in piece else piece)
            at = b_end
        out.append(data[at:end])
        return b"".join(out).decode("utf-8")

    def _children(self, nodes, data) -> list[Token]:
        out: list[Token] = []
        for node in nodes:
            name, meta = node.name, node.meta
            if name in ("text", "text_special"):
                out.append(Token("text", "", 0, content=meta.get("content", "")))
            elif name == "softbreak":
                out.append(Token("softbreak", "br", 0))
            elif name == "hardbreak":
                out.append(Token("hardbreak", "br", 0))
            elif name in ("em", "strong"):
                marker = meta.get("marker", "*") * (1 if name == "em" else 2)
                out.append(Token(f"{name}_open", name, 1, markup=marker))
                out += self._children(node.children, data)
                out.append(Token(f"{name}_close", name, -1, markup=marker))
            elif name in ("link", "autolink"):
                attrs = {"href": meta["url"]}
                if meta.get("title"):
                    attrs["title"] = meta["title"]
                out.append(Token("link_open", "a", 1, attrs=attrs))
                out += self._children(node.children, data)
                out.append(Token("link_close", "a", -1))
            elif name == "image":
                attrs = {"src": meta["url"], "alt": ""}
                if meta.get("title"):
                    attrs["title"] = meta["title"]
                out.append(Token("image", "img", 0, attrs=attrs,
                                 children=_joined(self._children(node.children, data)),
                                 content=self._source(node.children, data)))
            elif name == "code_inline":
                text = "".join(c.meta.get("content", "") for c in node.children)
                out.append(Token("code_inline", "code", 0, content=text,
                                 markup="`" * meta.get("marker_len", 1)))
            else:
                out.append(Token("text", "", 0, content=f"\0UNKNOWN INLINE {name}"))
        return out


INLINE_NAMES = {"text", "text_special", "softbreak", "hardbreak", "em", "strong", "link",
                "autolink", "image", "code_inline", "html_inline"}


def _joined(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens merged, as markdown-it-py's text_join and fragments_join do."""
    out: list[Token] = []
    for token in tokens:
        if token.type == "text" and out and out[-1].type == "text":
            out[-1] = out[-1].copy(content=out[-1].content + token.content)
        else:
            out.append(token)
    return out


# Hand-made hostile input: what real translators and authors do now and then.
HOSTILE_INLINE = [
    "1. first", "# Not a heading", "- not a list", "> not a quote", "    not code", "---",
    "Title\n===", "[ref]: /not-a-definition", "| a | b |\n|---|---|", "``` not a fence",
    "a  \nb", "a\\\nb", "*a **b** c*", "[a](<b c> 'd')", "&amp;&copy;&#35;", "<http://x.y>",
    "<b>raw</b>", "![alt *x*](i.png \"t\")", "`a``b`", "a_b_c **", "\\*not em\\*",
]
HOSTILE_BODIES = [
    "> quote [link\n> across](page:topics/x) lines\nlazy continuation\n",
    "- a\n  - nested *em\n    across*\n- b\n\n  loose\n",
    "Setext *heading*\n---\n\ntext  \nhard break\\\nand another\n",
    "1) one\n2) two\n\n\tcode with tab\n",
    "| a | b \\| c |\n|:-:|--:|\n| `x|y` | [l](u) |\n| short |\n",
    "[x][Ref] and [y][]\n\n[ref]: http://e.org/ü \"T\"\n[y]: </a b>\n",
    "# Heading # with hashes ##\n\n## Heading\n\n## Heading\n",
    "<div>html block</div>\n\n*unclosed **nested* emphasis**\n",
    "![only an image](a.png)\n\n![](empty-alt.png)\n\n  indented paragraph\n   more\n",
]


# -- comparisons ------------------------------------------------------------------------

def segment_facts(parsed) -> tuple:
    return (tuple(astuple(s.segment) + tuple(astuple(t) for t in s.titles)
                  + (s.index, s.image_only) for s in parsed.slots),
            parsed.page_links, parsed.images)


def compare_bodies(pages: list, reference, candidate) -> dict:
    """Segments and HTML of every body (rendered as the source text)."""
    seg_diff, html_diff, examples = 0, 0, []
    for page in pages:
        ours, theirs = parse_body(page, reference), parse_body(page, candidate)
        if segment_facts(ours) != segment_facts(theirs):
            seg_diff += 1
            if len(examples) < 3:
                a = [s.segment.msgid for s in ours.slots]
                b = [s.segment.msgid for s in theirs.slots]
                first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
                examples.append(f"segments of {page.source}: "
                                + (f"{a[first]!r} vs {b[first]!r}" if first is not None
                                   else f"{len(a)} vs {len(b)} slots, lines/kinds differ"))
        html_a = reference.renderer.render(list(ours.tokens), reference.options, {})
        html_b = reference.renderer.render(list(theirs.tokens), reference.options, {})
        if html_a != html_b:
            html_diff += 1
            if len(examples) < 6:
                at = next((i for i, (x, y) in enumerate(zip(html_a, html_b)) if x != y), 0)
                examples.append(f"HTML of {page.source}: {html_a[max(0, at - 40):at + 40]!r} "
                                f"vs {html_b[max(0, at - 40):at + 40]!r}")
    return {"pages": len(pages), "segments_differ": seg_diff, "html_differ": html_diff,
            "examples": examples}


def compare_hostile(reference, candidate) -> dict:
    """HOSTILE_BODIES rendered whole (and their inline tokens), HOSTILE_INLINE as inline."""
    bodies, inline = [], []
    for text in HOSTILE_BODIES:
        a, b = reference.parse(text, {}), candidate.parse(text, {})
        same_html = (reference.renderer.render(a, reference.options, {})
                     == reference.renderer.render(b, reference.options, {}))
        same_inline = ([(t.map and t.map[0], t.content) for t in a if t.type == "inline"]
                       == [(t.map and t.map[0], t.content) for t in b if t.type == "inline"])
        if not (same_html and same_inline):
            bodies.append(f"{text[:50]!r}: " + ("HTML" if not same_html else "")
                          + (" inline content/lines" if not same_inline else ""))
    for text in HOSTILE_INLINE:
        a = reference.renderer.render(reference.parseInline(text, {}), reference.options, {})
        b = reference.renderer.render(candidate.parseInline(text, {}), reference.options, {})
        if a != b:
            inline.append(f"{text!r}: {a!r} vs {b!r}")
    return {"bodies": len(HOSTILE_BODIES), "bodies_differ": bodies,
            "inline": len(HOSTILE_INLINE), "inline_differ": inline}


def compare_inline(msgstrs: list[str], reference, candidate) -> dict:
    differ, examples = 0, []
    for text in msgstrs:
        a = reference.renderer.render(reference.parseInline(text, {}), reference.options, {})
        b = reference.renderer.render(candidate.parseInline(text, {}), reference.options, {})
        if a != b:
            differ += 1
            if len(examples) < 3:
                examples.append(f"{text[:60]!r}: {a[:80]!r} vs {b[:80]!r}")
    return {"msgstrs": len(msgstrs), "html_differ": differ, "examples": examples}


# -- candidates -------------------------------------------------------------------------

def candidates() -> dict[str, tuple[Callable, Callable | None] | str]:
    """name → (parse a body, parse inline text or None), or why it is not available."""
    found: dict = {}
    try:
        import markdown_it_pyrs
        md = markdown_it_pyrs.MarkdownIt("zero").enable_many(PYRS_PLUGINS)
        found["markdown-it-pyrs tree (no conversion)"] = (md.tree, md.tree)
    except ImportError as exc:
        found["markdown-it-pyrs"] = f"not installed ({exc}); wheels exist for CPython 3.12 only"
    try:
        import pyromark
        opts = pyromark.Options.ENABLE_TABLES
        found["pyromark events_with_range"] = (
            lambda s: list(pyromark.events_with_range(s, options=opts)),
            lambda s: list(pyromark.events_with_range(s, options=opts)))
    except ImportError as exc:
        found["pyromark"] = f"not installed ({exc})"
    try:
        import comrak
        ext = comrak.ExtensionOptions(table=True)
        found["comrak parse_document"] = (lambda s: comrak.parse_document(s, ext),
                                          lambda s: comrak.parse_document(s, ext))
    except (ImportError, TypeError) as exc:
        found["comrak"] = f"not available ({exc})"
    try:
        import cmarkgfm
        found["cmarkgfm HTML (C, no tree access used)"] = (
            cmarkgfm.github_flavored_markdown_to_html, cmarkgfm.github_flavored_markdown_to_html)
    except ImportError as exc:
        found["cmarkgfm"] = f"not installed ({exc})"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, action="append",
                        help="a site folder (repeatable; default: the repository's demo)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sites = args.site or [REPO]
    pages, msgstrs = corpus(sites)
    bodies = [p.body for p in pages]
    md = make_markdown()
    print(f"Python {sys.version.split()[0]}; {len(bodies)} bodies "
          f"(mean {sum(map(len, bodies)) // max(1, len(bodies))} characters), "
          f"{len(msgstrs)} msgstrs, from {', '.join(map(str, sites))}\n")
    report: dict = {"python": sys.version, "bodies": len(bodies), "msgstrs": len(msgstrs)}
    speed = {"markdown-it-py parse / parseInline": (cpu_ms(lambda s: md.parse(s, {}), bodies),
                                                    cpu_ms(lambda s: md.parseInline(s, {}),
                                                           msgstrs))}
    for name, found in candidates().items():
        if isinstance(found, str):
            print(f"{name}: {found}")
            report[name] = found
            continue
        body_fn, inline_fn = found
        speed[name] = (cpu_ms(body_fn, bodies), cpu_ms(inline_fn, msgstrs))
    try:
        adapter = PyrsMarkdown(md)
    except ImportError:
        adapter = None
    if adapter is not None:
        speed["markdown-it-pyrs + conversion to tokens"] = (
            cpu_ms(lambda s: adapter.parse(s, {}), bodies),
            cpu_ms(lambda s: adapter.parseInline(s, {}), msgstrs))
    print(f"\n{'CPU ms per item, median of 3':<48}{'body':>9}{'inline':>9}")
    for name, (body, inline) in speed.items():
        print(f"{name:<48}{body:>9.4f}{inline:>9.4f}")
    report["speed_ms"] = speed
    if adapter is not None:
        bodies_cmp = compare_bodies(pages, md, adapter)
        inline_cmp = compare_inline(msgstrs, md, adapter)
        report["exactness"] = {"bodies": bodies_cmp, "inline": inline_cmp}
        print(f"\nmarkdown-it-pyrs adapted to markdown-it-py tokens, against markdown-it-py:\n"
              f"  bodies: {bodies_cmp['segments_differ']} of {bodies_cmp['pages']} with other "
              f"segments, {bodies_cmp['html_differ']} with other HTML\n"
              f"  msgstrs as inline text: {inline_cmp['html_differ']} of "
              f"{inline_cmp['msgstrs']} with other HTML")
        for line in bodies_cmp["examples"] + inline_cmp["examples"]:
            print(f"    {line}")
        hostile = compare_hostile(md, adapter)
        report["exactness"]["hostile"] = hostile
        print(f"  hand-made hostile bodies: {len(hostile['bodies_differ'])} of "
              f"{hostile['bodies']} differ; hostile inline text: "
              f"{len(hostile['inline_differ'])} of {hostile['inline']} differ")
        for line in hostile["bodies_differ"] + hostile["inline_differ"]:
            print(f"    {line[:150]}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
