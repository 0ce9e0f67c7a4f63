"""The templates: the built-in theme, the project's overrides, one Environment per locale.

The default theme ships inside the package (builder/theme/: templates, and
static files under static/). A project's `templates/NAME` replaces the theme's
NAME file by file; the theme's own file stays reachable as `theme/NAME`, so a
project template can `{% extends "theme/base.html" %}` and change one block.
Theme templates refer to each other by plain names, so an override of
`base.html` applies to every page. The view models handed to templates are
plain dicts, so templates hold markup only and never reach back into the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from types import MethodType
from typing import Any, Mapping, MutableMapping

import jinja2
import markupsafe
from jinja2 import meta
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.runtime import Macro
from markupsafe import Markup, escape

from builder.errors import Collector
from builder.render.translations import Localized, Translator
from builder.source.theme import THEME

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'")
CSS_PATH = "assets/style.css"
CODE_VERSION = "infopages-codegen-4\n"   # changes whenever _CodeGenerator's output does


class PreloadedTemplates(jinja2.BaseLoader):
    """Template sources read once per build; a render worker forked from the parent
    inherits them and never opens a template file again. Only the files given exist
    (the input scan's templates and the theme's): `{% include "../x" %}` finds nothing.

    `project`: name → file of the project's templates/; `theme`: "theme/NAME" → file."""

    def __init__(self, project: Mapping[str, Path], diags: Collector,
                 cache_dir: Path | None = None, theme: Mapping[str, Path] | None = None):
        self.sources: dict[str, tuple[str, str]] = {}
        shown = [(name, f"templates/{name}", path) for name, path in sorted(project.items())]
        shown += [(name, name, path) for name, path in sorted((theme or {}).items())]
        for name, display, path in shown:
            text = diags.read_text(path, "template is not valid UTF-8", "save it as UTF-8")
            if text is not None:
                # The file name Jinja reports (and compiles into tracebacks) is the one
                # an author knows: templates/NAME, or theme/NAME for the theme's.
                self.sources[name] = (text, display)
        self.bytecode = _MemoryBytecode(cache_dir)

    def resolve(self, template: str) -> str | None:
        """The source a name loads: the project's file, else the theme's of that name."""
        if template in self.sources:
            return template
        return THEME + template if THEME + template in self.sources else None

    def display(self, template: str) -> str:
        """templates/NAME or theme/NAME: where the file a name loads can be found."""
        found = self.resolve(template)
        return self.sources[found][1] if found else f"templates/{template}"

    def get_source(self, environment, template):
        found = self.resolve(template)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[found]
        return source, filename, lambda: True


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, shared by the Environments of one process,
    and on disk for the next build (Jinja checks each against its source's checksum)."""

    def __init__(self, cache_dir: Path | None):
        self.store: dict[str, bytes] = {}
        self.disk = jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def get_source_checksum(self, source: str) -> str:
        # A template compiled by an older builder may lack what _CodeGenerator adds.
        return super().get_source_checksum(CODE_VERSION + source)

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])
        elif self.disk is not None:
            self.disk.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            self.disk.dump_bytecode(bucket)


_DICT_ATTRIBUTES = frozenset(dir(dict))

# MarkupSafe's own escaping of a str, without wrapping the result in a Markup.
_escape_str = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(escape(text)))


def output_escape(value: Any) -> str:
    """What `{{ value }}` writes: markupsafe.escape's text, as a plain str. A template
    joins what it writes into one str, so the Markup that `escape` builds for each value
    (some 150 a page: 8 % of the instructions of a news item) is thrown away at once."""
    if type(value) is str:
        return _escape_str(value)
    if type(value) is Markup:
        return value
    html = getattr(value, "__html__", None)    # Localized, DateValue: a page's dozens
    if html is not None:
        text = html()
        return text if type(text) is str else Markup(text)   # as escape: Markup(__html__())
    return escape(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's code with three shortcuts, each giving the same result:
    - `{{ }}` escaped by `output_escape`: the module of a compiled template binds
      `escape`, which only its output statements call, to it;
    - `item.href` on a view-model dict reads the item in place, without calling the
      Environment's `getattr` (which does the same, see _Environment), some hundred
      times a page; any other object, or a missing key, goes to `getattr` as before;
    - a run of three pieces of output or more is yielded as one text.
    The module also names the templates it extends, includes or imports
    (`referenced_templates`), so that no one parses a compiled template again to
    find them."""

    def visit_Template(self, node, frame=None) -> None:
        super().visit_Template(node, frame)
        self.writeline("escape = environment.output_escape")
        names = tuple(name for name in meta.find_referenced_templates(node) if name)
        self.writeline(f"referenced_templates = {names!r}")

    def visit_Output(self, node, frame) -> None:
        if frame.buffer is not None or frame.require_output_check or len(node.nodes) < 3:
            super().visit_Output(node, frame)
            return
        # Jinja's own code for a buffered frame (its pieces into a list), then one
        # yield of their text: each yield resumes every template up the `extends`
        # chain and the block's caller.
        parts = self.temporary_identifier()
        self.writeline(f"{parts} = []")
        frame.buffer = parts
        try:
            super().visit_Output(node, frame)
        finally:
            frame.buffer = None
        self.writeline(f"yield ''.join({parts})")

    @optimizeconst
    def visit_Getattr(self, node, frame) -> None:
        if self.environment.is_async or node.attr in _DICT_ATTRIBUTES:
            super().visit_Getattr(node, frame)
            return
        key = repr(node.attr)
        # `_ga` is bound before either branch reads it, and read only by this expression.
        self.write(f"(_ga[{key}] if type(_ga := ")
        self.visit(node.node, frame)
        self.write(f") is dict and {key} in _ga else environment.getattr(_ga, {key}))")


class _Context(jinja2.runtime.Context):
    """Jinja's Context, with one shortcut: the Translator's methods (`_`, `gettext`…, a
    dozen calls a page) and macros take no context, so `call` skips Jinja's search for
    a `pass_context` mark on them, four attribute lookups a call."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's)
        if type(__obj) is Macro or \
                type(__obj) is MethodType and type(__obj.__self__) is Translator:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:     # as Jinja's: a generator must not see it
                return __self.environment.undefined("value was undefined because a callable"
                                                    " raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class _Environment(jinja2.Environment):
    """Jinja's `getattr` tries `getattr(obj, name)` first: for our view-model dicts
    (`item.href`) that raises and catches AttributeError on every access, about fifty
    times a page. A dict's item is looked up first unless `name` is an attribute of
    dict (`items`, `get`…), where `getattr` would have answered: the same result."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    output_escape = staticmethod(output_escape)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one dict, not Jinja's ChainMap over the Environment's:
        each page's context copies them, and copying a ChainMap looks every key up
        through it. The Environment's globals are all set before a template is loaded
        (`make_env`), as Jinja asks; a copy holds what the ChainMap would show."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def referenced_templates(env: jinja2.Environment, name: str) -> tuple[str, ...]:
    """The names the template `name` extends, includes or imports as literals in its
    source (a name computed while rendering is not known before), in the order written.
    Raises jinja2.TemplateError if it loads nothing or does not compile."""
    template = env.get_template(name)   # compiled once per process: rendering needs it
    # A compiled module's globals are the namespace its code ran in (Template.from_code).
    names = template.root_render_func.__globals__.get("referenced_templates")
    if names is None:   # compiled by another code generator (stock Jinja's)
        source = env.loader.get_source(env, name)[0]
        names = tuple(found for found in meta.find_referenced_templates(env.parse(source))
                      if found)
    return names


def make_env(templates: PreloadedTemplates, translator: Translator) -> jinja2.Environment:
    env = _Environment(
        loader=templates, bytecode_cache=templates.bytecode,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,   # compiled once per Environment: no stat per page rendered
        # A theme's templates, all kept (a dozen): a dict, not Jinja's locked LRU, looked
        # up three times a page (the page's template, the one it extends, its macros).
        cache_size=-1,
    )
    # Newstyle gettext (`{% trans %}` passes its variables as keywords), with the
    # Translator's own callables rather than Jinja's wrappers: they format the message
    # themselves, so that a fallback takes each value's source-language form.
    env.newstyle_gettext = True    # type: ignore[attr-defined]
    # `_` is gettext itself, not the i18n extension's alias that looks `gettext` up in
    # the context and calls it: two calls for each of a page's dozen messages.
    env.globals.update(_=translator.gettext,
                       gettext=translator.gettext, ngettext=translator.ngettext,
                       pgettext=translator.pgettext, npgettext=translator.npgettext,
                       _a=translator.attr_gettext)
    env.filters["lang_attrs"] = _lang_attrs(translator)
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """The templates pages are rendered with, compiled into the bytecode store of
    `env`'s loader (`PreloadedTemplates`): every name a page may load (the project's
    and the theme's, each by its plain name), and what they extend, include or import
    (a project's `theme/NAME`). A template that does not compile is left to the
    rendering that uses it, which reports where it fails."""
    loader = env.loader
    assert isinstance(loader, PreloadedTemplates)
    pending = sorted({name.removeprefix(THEME) for name in loader.sources})
    done: set[str] = set()
    while pending:
        name = pending.pop()
        if name in done:
            continue
        done.add(name)
        try:
            pending += referenced_templates(env, name)
        except jinja2.TemplateError:
            pass


_NO_ATTRS = Markup("")


def _lang_attrs(translator: Translator):
    def lang_attrs(value: Any) -> Markup:
        if not isinstance(value, Localized):
            return _NO_ATTRS
        attrs = translator.attrs(value)
        if not attrs:          # translated text: most of a page's
            return _NO_ATTRS
        return Markup("".join(f' {k}="{escape(v)}"' for k, v in attrs.items()))
    return lang_attrs


def template_location(exc: Exception, template: str,
                      templates: PreloadedTemplates) -> tuple[str, int | None]:
    """The innermost template frame of the traceback: the file and line to fix
    (an error in page.html surfaces while rendering topic.html, which extends it)."""
    name, line = templates.display(template), None
    known = {display for _, display in templates.sources.values()}
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in known:
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


