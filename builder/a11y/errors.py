"""The one exception the a11y checker lets escape."""

from __future__ import annotations


class CheckUnavailable(Exception):
    """The check could not run at all (no browser, no axe, no port).

    The message is one sentence telling the user what to do; the original
    library error stays reachable as `__cause__` for debugging.
    """
