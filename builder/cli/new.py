"""The `new` sub-command: start a project of one's own (part of the CLI layer)."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK = 0


def add_new_parser(sub) -> None:
    cmd = sub.add_parser(
        "new", help="make a new project: settings, example pages and catalogues",
        description="Make a new project in DIR (absent or empty): a commented "
                    "content/site.yaml, one topic, one news item, one page and the catalogues "
                    "of every locale. The built-in theme renders it: no templates needed.")
    cmd.add_argument("directory", type=Path, metavar="DIR", help="the new project's folder")
    cmd.add_argument("--name", default="Our information pages",
                     help="the site's name (translatable; default: %(default)s)")
    cmd.add_argument("--organisation", default="Our organisation",
                     help="the publisher's name (default: %(default)s)")
    cmd.add_argument("--source-locale", default="en", metavar="TAG",
                     help="the language authors write in, a BCP 47 tag (default: en)")
    cmd.add_argument("--locales", default="", metavar="TAG,TAG…",
                     help="every language of the site, comma-separated, e.g. "
                          "en,de,pt-BR,zh-Hant,he "
                          "(default: the source locale only)")
    cmd.add_argument("--base-url", default="https://www.example.org/", metavar="URL",
                     help="where the site will be served from, ending in / (default: %(default)s)")
    cmd.add_argument("--debug", action="store_true", help="show Python tracebacks")
    cmd.set_defaults(handler=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    from builder import pipeline
    from builder.tools.scaffold import NewSite

    locales = tuple(code.strip() for code in args.locales.split(",") if code.strip())
    site = NewSite(args.name, args.organisation, args.source_locale, locales, args.base_url)
    made = pipeline.new(args.directory, site)
    print(f"made {args.directory} ({len(made)} files):")
    for path in made:
        print(f"  {path.as_posix()}")
    print("next: cd into it, then `infopages build` (site/) and `infopages check`; "
          "translators edit locales/*/LC_MESSAGES/messages.po")
    return EXIT_OK
