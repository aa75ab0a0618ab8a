"""What the forum simulator is asked (``ForumOptions``) and what it reports (``ForumSummary``,
its French lines).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from session_engine.typography import plural

from ..wire.summary import DEFAULT_TIMEOUT_S, _decimal, _links_lines, _n

DAY_MS: Final = 24 * 3600 * 1000
DEFAULT_DAYS: Final = 3
MAX_DAYS: Final = 60
DEFAULT_FORUM_SPEED: Final = 8640.0  # a day of the forum in 10 s
MAX_FORUM_PARTICIPANTS: Final = 5000


@dataclass(frozen=True, slots=True)
class ForumOptions:
    url: str = ""
    participants: int = 120
    territories: int = 6
    days: int = DEFAULT_DAYS
    seed: int = 2026
    speed: float = DEFAULT_FORUM_SPEED
    timeout_s: float | None = None  # None: see ``time_limit_s``
    progress_every_s: float = 5.0
    # Tests only: the file a server started with ``METROKAWA_CLOCK_FILE`` reads its clock from;
    # the simulator turns it with the forum's days, so that the log's times span them.
    clock_file: str | None = None

    @property
    def time_limit_s(self) -> float:
        """``timeout_s``, or DEFAULT_TIMEOUT_S unless one and a half times the forum's expected
        length at its speed (and a minute) is longer."""
        if self.timeout_s is not None:
            return self.timeout_s
        expected_s = self.days * DAY_MS / 1000 / self.speed
        return max(DEFAULT_TIMEOUT_S, 1.5 * expected_s + 60)


@dataclass(frozen=True, slots=True)
class TerritoryFigures:
    name: str
    residents: int
    contributions: int


@dataclass(frozen=True, slots=True)
class ForumSummary:
    """What happened, for people (``lines``) and for tools (``as_dict``, the ``--json``)."""

    url: str
    session: str
    code: str
    facilitator_token: str
    console: str
    join: str
    projector: str
    completed: bool
    failure: str | None
    closed: bool
    participants: int
    territories: int
    themes: int
    days: int
    speed: float
    visits: int
    missed_visits: int  # the socket could not be opened (three tries): the resident gave up
    events: int
    sent: int
    acked: int
    refused: int
    refused_by_code: dict[str, int]
    unanswered: int
    reconnections: int
    latency_ms: dict[str, float]
    elapsed_s: float
    contributions: int  # every contribution written (``StatementProposed``)
    problems: int
    ideas: int
    with_address: int
    with_point: int
    published: int
    merged: int
    hidden: int
    ratings: int  # ``PositionTaken`` acknowledged, passes included
    passes: int
    comments: int
    by_territory: tuple[TerritoryFigures, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        refusals = ", ".join(
            f"{code} : {_n(n)}" for code, n in sorted(self.refused_by_code.items())
        )
        latency = self.latency_ms
        head = (
            f"Forum simulé par le réseau terminé en {_decimal(self.elapsed_s)} s."
            if self.completed
            else f"Forum simulé par le réseau interrompu après {_decimal(self.elapsed_s)} s."
        )
        territories = " ; ".join(
            f"{t.name} {_n(t.residents)} ({_contributions(t.contributions)})"
            for t in self.by_territory
        )
        return [
            head,
            f"  Forum {self.session} (code {self.code}) : "
            + ("clos." if self.closed else "encore ouvert."),
            f"  Habitant·e·s : {_n(self.participants)} "
            f"({plural(self.territories, 'territoire', 'territoires')}, "
            f"{plural(self.themes, 'thème', 'thèmes')}, {plural(self.days, 'jour', 'jours')}, "
            f"horloge × {_decimal(self.speed, 0)}) ; {plural(self.visits, 'visite', 'visites')}"
            + (
                f" ({plural(self.missed_visits, 'visite manquée', 'visites manquées')} : "
                "connexion impossible)"
                if self.missed_visits
                else ""
            ),
            f"  Par territoire : {territories}",
            f"  Événements : {_n(self.events)}",
            f"  Commandes : {_n(self.sent)} envoyées, {_n(self.acked)} acquittées, "
            f"{_n(self.refused)} refusées"
            + (f" ({refusals})" if refusals else "")
            + f", {_n(self.unanswered)} sans réponse ; "
            + plural(self.reconnections, "reconnexion", "reconnexions"),
            f"  Latence commande → réponse : médiane {_decimal(latency['p50'])} ms, "
            f"p99 {_decimal(latency['p99'])} ms, max {_decimal(latency['max'])} ms",
            f"  Contributions : {_n(self.contributions)} "
            f"({plural(self.problems, 'problème', 'problèmes')}, "
            f"{plural(self.ideas, 'idée', 'idées')} ; {_n(self.with_address)} avec une adresse, "
            f"{_n(self.with_point)} avec un point sur la carte) ; publiées {_n(self.published)}, "
            f"fusionnées {_n(self.merged)}, masquées {_n(self.hidden)}",
            f"  Avis : {_n(self.ratings)} (dont {_n(self.passes)} « je passe ») ; "
            + plural(self.comments, "commentaire", "commentaires"),
            *_links_lines(self.console, self.code, self.join, self.projector),
            "  Le forum reste sur le serveur : ouvrez la console d'animation pour le regarder.",
        ]


def _contributions(count: int) -> str:
    return plural(count, "contribution", "contributions")
