"""The built-in theme's files: inputs of every build, like the project's own.

The theme ships inside the package (builder/theme/: templates, and static files
under static/). Listing them needs no template engine: `extract`, `update` and
the build's file list use this without importing Jinja.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
THEME_DIR = PACKAGE / "theme"
THEME = "theme/"                 # the name prefix of the theme's templates and files
TEMPLATE_SUFFIXES = (".html", ".xml")


def theme_templates() -> dict[str, Path]:
    """The theme's page templates by name: "theme/base.html" → its file. The name is
    also the file's path inside the package, which the POT cites (`#: theme/base.html`)."""
    return {f"{THEME}{p.name}": p for p in sorted(THEME_DIR.iterdir())
            if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES)}


def theme_static() -> dict[str, Path]:
    """The theme's static files by source name: "theme/static/style.css" → its file."""
    folder = THEME_DIR / "static"
    return {f"{THEME}static/{p.relative_to(folder).as_posix()}": p
            for p in sorted(folder.rglob("*")) if p.is_file()}


def theme_file(name: str) -> Path:
    """The file of a theme name ("theme/static/style.css"); KeyError if there is none."""
    found = {**theme_templates(), **theme_static()}.get(name)
    if found is None:
        raise KeyError(name)
    return found
