"""What the over-the-wire simulator is asked (``WireOptions``) and what it reports
(``WireSummary``, its French lines), and the error it raises when it cannot run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from session_engine.summary import POSITIONS_IN_FORCE, POSITIONS_TAKEN
from session_engine.typography import plural

from .. import population

DEFAULT_SPEED: Final = 150.0
DEFAULT_TIMEOUT_S: Final = 300.0


class WireSimulationError(RuntimeError):
    """Why the simulation cannot run or go on, in a French sentence."""


@dataclass(frozen=True, slots=True)
class WireOptions:
    url: str = ""  # the server; with ``console``, the link's
    participants: int = 120
    territories: int = 6
    rounds: int = 4
    seed: int = 2026
    speed: float = DEFAULT_SPEED
    real_time: bool = False  # the wall clock and the server's timer, instead of ``speed``
    timeout_s: float | None = None  # None: see ``time_limit_s``
    progress_every_s: float | None = None  # None: every 5 s, or every 30 s in real time
    console: str | None = None  # a console link: play that session instead of creating one
    voeux: int = 0  # after the vote, adopt up to this many adopted proposals as vœux

    @property
    def clock_speed(self) -> float:
        return 1.0 if self.real_time else self.speed

    @property
    def time_limit_s(self) -> float:
        """``timeout_s``, or DEFAULT_TIMEOUT_S unless one and a half times the session's expected
        length (by its clock, at its speed) is longer."""
        return self.time_limit(population.agenda(self.rounds))

    def time_limit(self, items: tuple[population.AgendaItem, ...]) -> float:
        """``time_limit_s`` for the agenda ``items`` (a session's own, with ``console``)."""
        if self.timeout_s is not None:
            return self.timeout_s
        minutes = sum(item.minutes + 4 for item in items) + 10  # breaks, pause, extension
        expected_s = minutes * 60 / self.clock_speed
        return max(DEFAULT_TIMEOUT_S, 1.5 * expected_s + 60)

    @property
    def progress_interval_s(self) -> float:
        if self.progress_every_s is not None:
            return self.progress_every_s
        return 30.0 if self.real_time else 5.0


@dataclass(frozen=True, slots=True)
class WireSummary:
    """What happened, for people (``lines``) and for tools (``as_dict``, the ``--json``)."""

    url: str
    session: str
    code: str
    facilitator_token: str
    console: str  # the facilitator's link (its fragment holds the token)
    join: str
    projector: str
    completed: bool
    failure: str | None
    closed: bool
    participants: int
    territories: int
    rounds: int
    speed: float
    real_time: bool
    events: int
    sent: int
    acked: int
    refused: int
    refused_by_code: dict[str, int]
    unanswered: int
    reconnections: int
    latency_ms: dict[str, float]
    elapsed_s: float
    statements: int
    published: int
    merged: int
    hidden: int
    positions: int  # PositionTaken events, changes of mind included (POSITIONS_TAKEN)
    positions_in_force: int  # at the end, on published statements (POSITIONS_IN_FORCE)
    annotations: int
    syntheses: int
    proposals: int
    ballots: int
    voeux: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        refusals = ", ".join(
            f"{code} : {_n(n)}" for code, n in sorted(self.refused_by_code.items())
        )
        latency = self.latency_ms
        head = (
            f"Simulation par le réseau terminée en {_decimal(self.elapsed_s)} s."
            if self.completed
            else f"Simulation par le réseau interrompue après {_decimal(self.elapsed_s)} s."
        )
        pace = "temps réel" if self.real_time else f"horloge × {_decimal(self.speed, 0)}"
        return [
            head,
            f"  Session {self.session} (code {self.code}) : "
            + ("close." if self.closed else "encore ouverte."),
            f"  Participant·e·s : {_n(self.participants)} "
            f"({plural(self.territories, 'territoire', 'territoires')}, "
            f"{plural(self.rounds, 'manche', 'manches')}, {pace})",
            f"  Événements : {_n(self.events)}",
            f"  Commandes : {_n(self.sent)} envoyées, {_n(self.acked)} acquittées, "
            f"{_n(self.refused)} refusées"
            + (f" ({refusals})" if refusals else "")
            + f", {_n(self.unanswered)} sans réponse ; {_n(self.reconnections)} reconnexions",
            f"  Latence commande → réponse : médiane {_decimal(latency['p50'])} ms, "
            f"p99 {_decimal(latency['p99'])} ms, max {_decimal(latency['max'])} ms",
            f"  Énoncés : {_n(self.statements)} (publiés {_n(self.published)}, "
            f"fusionnés {_n(self.merged)}, masqués {_n(self.hidden)}) ; "
            f"{_n(self.positions)} {POSITIONS_TAKEN} ({_n(self.positions_in_force)} "
            f"{POSITIONS_IN_FORCE}) ; annotations {_n(self.annotations)} ; "
            f"synthèses {_n(self.syntheses)} ; propositions {_n(self.proposals)} ; "
            f"bulletins {_n(self.ballots)} ; vœux {_n(self.voeux)}",
            *_links_lines(self.console, self.code, self.join, self.projector),
            "  La session reste sur le serveur : ouvrez la console d'animation pour la regarder.",
        ]


# --- French figures ------------------------------------------------------------------------------


def _links_lines(console: str, code: str, join: str, projector: str) -> list[str]:
    return [
        f"  Console d'animation : {console}",
        f"  Code pour rejoindre : {code}   ({join})",
        f"  Vue projecteur      : {projector}",
    ]


def _n(number: int) -> str:
    """A count the French way: 4 267 (narrow no-break space between thousands)."""
    return f"{number:,}".replace(",", "\u202f")


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
