"""A programme's vocabulary: the kinds of session it holds and the life of a vœu after the evening.

The programme (``../shared/seed/``) runs over months: an online phase, a metropolitan Métrokawa
that compares the territories' problems, then a local Métrokawa per territory whose vœux go to
their municipal council. These are the values its commands and events speak in.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["FOLLOW_UP", "SessionKind", "VoeuStatus"]


class SessionKind(StrEnum):
    """Which step of the programme a session is."""

    FORUM = "forum"  # the online phase (step 2)
    METROPOLITAN = "metropolitan"  # the metropolitan Métrokawa (step 3): every territory
    LOCAL = "local"  # a local Métrokawa (step 4): one territory, its cahier and its vœux


class VoeuStatus(StrEnum):
    """Where a vœu stands at its municipal council."""

    TO_BE_TABLED = "to_be_tabled"  # adopted on the evening, not yet put to the council
    TABLED = "tabled"  # on the council's agenda (a date and a commune)
    DEBATED = "debated"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    POSTPONED = "postponed"


# Where a vœu may go from where it is. A council's decision is final; a postponed vœu is tabled
# again, or debated at the sitting it was postponed to.
FOLLOW_UP: Final[dict[VoeuStatus, frozenset[VoeuStatus]]] = {
    VoeuStatus.TO_BE_TABLED: frozenset({VoeuStatus.TABLED}),
    VoeuStatus.TABLED: frozenset(
        {VoeuStatus.DEBATED, VoeuStatus.ADOPTED, VoeuStatus.REJECTED, VoeuStatus.POSTPONED}
    ),
    VoeuStatus.DEBATED: frozenset({VoeuStatus.ADOPTED, VoeuStatus.REJECTED, VoeuStatus.POSTPONED}),
    VoeuStatus.POSTPONED: frozenset({VoeuStatus.TABLED, VoeuStatus.DEBATED}),
    VoeuStatus.ADOPTED: frozenset(),
    VoeuStatus.REJECTED: frozenset(),
}
