"""The defaults the opinions are computed with, and the name of the whole room's group.

Each can be overridden by the keyword arguments of ``opinions()`` and of the functions it
bundles; they are gathered here because several modules of the package use them.
"""

from __future__ import annotations

from typing import Final

DEFAULT_K: Final = 5  # k-anonymity: fewer voters than this and a group shows no figures
AGREE_THRESHOLD: Final = 0.6  # share of agreeing voters for a territory / group to "agree"
SHARED_MIN: Final = 3  # territories that must agree for a statement to be "shared"
DIVISIVE_MIN_SPREAD: Final = 0.25  # std. deviation of the groups' agree shares
ALL: Final = "all"
