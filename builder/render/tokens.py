"""Copies of markdown-it tokens, made fast.

Rendering a page body in a locale copies a dozen tokens (each translated block's
inline token, the links in it, the runs of left-to-right text it isolates).
`Token.copy` is `dataclasses.replace`, which checks every field of the class on
every call: five times the cost of calling the constructor with the fields.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any

from markdown_it.token import Token

# Every field the constructor takes, in its order (read from the class: a field added
# by a later markdown-it-py is copied too).
_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(Token) if f.init))


def copy_token(token: Token, **changes: Any) -> Token:
    """`token.copy(**changes)`: a shallow copy, made by the constructor (as
    `dataclasses.replace` makes it), with `changes` set."""
    new = Token(*_FIELDS(token))
    for name, value in changes.items():
        setattr(new, name, value)
    return new
