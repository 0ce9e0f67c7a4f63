"""Render every page of one locale with Jinja2: one Environment per locale.

The view models handed to templates are plain dicts built here, so templates
hold markup only and never reach back into the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import jinja2
from markupsafe import Markup, escape

from builder.errors import Collector
from builder.render.translations import Localized, Translator

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'")
CSS_PATH = "assets/style.css"


class PreloadedTemplates(jinja2.BaseLoader):
    """Template sources read once per build; a render worker forked from the parent
    inherits them and never opens a template file again. Only the files given (the
    input scan's templates) exist: `{% include "../x" %}` finds nothing else."""

    def __init__(self, files: Mapping[str, Path], diags: Collector,
                 cache_dir: Path | None = None):
        self.sources: dict[str, tuple[str, str]] = {}
        for name, path in sorted(files.items()):
            text = diags.read_text(path, "template is not valid UTF-8", "save it as UTF-8")
            if text is not None:
                self.sources[name] = (text, str(path))
        self.bytecode = _MemoryBytecode(cache_dir)

    def get_source(self, environment, template):
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, shared by the Environments of one process,
    and on disk for the next build (Jinja checks each against its source's checksum)."""

    def __init__(self, cache_dir: Path | None):
        self.store: dict[str, bytes] = {}
        self.disk = jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)

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


class _Environment(jinja2.Environment):
    """Jinja's `getattr` tries `getattr(obj, name)` first: for our view-model dicts
    (`item.href`) that raises and catches AttributeError on every access, about fifty
    times a page. A dict's item is looked up first unless `name` is an attribute of
    dict (`items`, `get`…), where `getattr` would have answered: the same result."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env(templates: PreloadedTemplates, translator: Translator) -> jinja2.Environment:
    env = _Environment(
        loader=templates, bytecode_cache=templates.bytecode,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,   # compiled once per Environment: no stat per page rendered
    )
    env.install_gettext_callables(translator.gettext, translator.ngettext, newstyle=True,
                                  pgettext=translator.pgettext,
                                  npgettext=translator.npgettext)
    env.globals["_a"] = translator.attr_gettext
    env.filters["lang_attrs"] = _lang_attrs(translator)
    return env


def _lang_attrs(translator: Translator):
    def lang_attrs(value: Any) -> Markup:
        if not isinstance(value, Localized):
            return Markup("")
        return Markup("".join(f' {k}="{escape(v)}"' for k, v in translator.attrs(value).items()))
    return lang_attrs


def _template_location(exc: Exception, template: str, folder) -> tuple[str, int | None]:
    """The innermost template frame of the traceback: the file and line to fix
    (an error in page.html surfaces while rendering topic.html, which extends it)."""
    name, line = f"templates/{template}", None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml")):
            try:
                name = "templates/" + Path(filename).relative_to(folder).as_posix()
            except ValueError:
                pass
            line = tb.tb_lineno
        tb = tb.tb_next
    return name, line


