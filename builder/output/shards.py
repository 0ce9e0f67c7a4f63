"""`build --shard I/N` outputs merged back into one site (`build --merge`).

Shards own disjoint page keys (`engine.full.in_shard`); files every shard writes
(assets, media) must be byte-identical, and each shard's `pages.json` holds its
own pages, so the merge is a union. The result is what one full build makes
(tests/test_shards.py).
"""

from __future__ import annotations

from pathlib import Path

from builder.errors import Diagnostic, InputError


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`--shard I/N` of `build` and `check`."""
    if text is None:
        return None
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise InputError([Diagnostic("--shard", None, f"bad shard `{text}`",
                                     "write I/N with 1 ≤ I ≤ N, e.g. --shard 2/4")])
    return int(index), int(count)


def merge_sites(root: Path, parts: tuple[Path, ...], target: Path) -> int:
    """Write the union of the shard folders `parts` to `target`; returns the file count."""
    from builder.output.manifest import is_manifest_file, manifest_files, read_manifest
    from builder.output.site import FILES_LIST, check_target, owned, publish, staging

    check_target(root, target)
    files: dict[str, bytes] = {}
    pages: dict = {}
    problems: list[Diagnostic] = []
    for part in parts:
        entries = read_manifest(part)
        if entries is None or owned(part) is None:
            raise InputError([Diagnostic(str(part), None, "not a shard built by infopages",
                                         "give the --out folders of `build --shard I/N`")])
        pages |= entries
        for path in sorted(p for p in part.rglob("*") if p.is_file()):
            name = path.relative_to(part).as_posix()
            if is_manifest_file(name) or name == FILES_LIST:
                continue
            data = path.read_bytes()
            if files.setdefault(name, data) != data:
                problems.append(Diagnostic(str(path), None, f"`{name}` differs between shards",
                                           "build every shard from the same sources"))
    if problems:
        raise InputError(problems)
    files |= manifest_files(pages)
    before = owned(target) if target.is_dir() else None
    with staging(root, target) as staged:
        for name, data in files.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(data)
        publish(root, target, staged, files, sorted((before or set()) - set(files)))
    return len(files)
