"""The check history: each run's counts, for the status page's chart of findings over time.

Only counts are kept (the full document, with raw axe output and
screenshots, is in results.json); the last HISTORY_KEEP runs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from builder.output.write import atomic_write

HISTORY_FILE = Path(".infopages-cache") / "a11y-history.json"
HISTORY_KEEP = 30


def history_entry(document: dict[str, Any], when: dt.datetime) -> dict[str, Any]:
    summary = document.get("summary", {})
    return {"when": when.isoformat(timespec="seconds"), "pages": summary.get("pages", 0),
            "blocking": summary.get("blocking", 0), "violations": summary.get("violations", 0),
            "best_practice": summary.get("best_practice", 0), "errors": summary.get("errors", 0)}


def read_history(root: Path) -> list[dict[str, Any]]:
    path = root / HISTORY_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []   # no history yet, or a damaged cache file: start again
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def record_history(root: Path, document: dict[str, Any], when: dt.datetime) -> list[dict]:
    """Append one check run's summary to the history (last HISTORY_KEEP runs kept)."""
    history = (read_history(root) + [history_entry(document, when)])[-HISTORY_KEEP:]
    atomic_write(root / HISTORY_FILE, (json.dumps(history, indent=1) + "\n").encode())
    return history
