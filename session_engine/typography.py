"""French typography and plurals for what the Python side prints: the cahier, the command line.

``typeset`` puts the spaces French typography wants where people (and our own sources) type a
plain one: a narrow no-break space (U+202F) before ``?``, ``!`` and ``;``, a no-break space
(U+00A0) before ``:`` and inside ``« »``. A no-break space never lets a line start with the
mark, so « quartier ? » never breaks before its « ? ». It is applied at the boundary of each
output (the cahier's document, the command line's messages and help), to our sentences and to
what participants wrote alike; nothing stored is changed.

``plural`` is the one way to write a count with its noun: French uses the singular for 0 and 1
(« 0 vœu adopté », « 1 habitant·e », « 2 habitant·e·s »).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["NARROW_NBSP", "NBSP", "count", "plural", "typeset"]

NBSP: Final = "\u00a0"
NARROW_NBSP: Final = "\u202f"

# One space, the one next to the mark, is replaced: spaces before it (aligned columns) are kept.
_SPACE: Final = "[ \u00a0\u202f]"
_BEFORE_HIGH: Final = re.compile(f"{_SPACE}(?=[?!;])")
_BEFORE_COLON: Final = re.compile(f"{_SPACE}(?=:)")
_OPENING: Final = re.compile(f"«{_SPACE}?")
_CLOSING: Final = re.compile(f"{_SPACE}?»")


def typeset(text: str) -> str:
    """``text`` with French spacing around ? ! ; : and « » (see the module's docstring)."""
    text = _BEFORE_HIGH.sub(NARROW_NBSP, text)
    text = _BEFORE_COLON.sub(NBSP, text)
    text = _OPENING.sub("«" + NBSP, text)
    return _CLOSING.sub(NBSP + "»", text)


def count(value: int) -> str:
    """A count the French way: ``1 234`` (narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def plural(value: int, one: str, many: str) -> str:
    """``value`` and its noun, singular for 0 and 1 as French has it: ``0 vœu``, ``2 vœux``."""
    return f"{count(value)} {one if abs(value) < 2 else many}"
