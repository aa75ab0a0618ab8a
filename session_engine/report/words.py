"""What every section of the cahier's wording shares: the report, its territories' names and the
k-anonymity sentence. Its own module so that ``wording`` and its two siblings all import it and
none imports another.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..opinions import ALL
from .french import plural
from .model import ForumSection, Report


def hidden_sentence(what: str, k: int) -> str:
    """Why ``what`` shows no figure: under ``k`` people, or hidden with such a group."""
    fewer = f"moins de {plural(k, 'personne', 'personnes')}"
    return (
        f"{what} : {fewer}, ou masqué pour qu'on ne retrouve pas par soustraction les "
        f"chiffres d'un groupe de {fewer}. Ses chiffres ne sont pas publiés."
    )


@dataclass(frozen=True)
class Words:
    """What every section's wording needs: the report and its territories' names."""

    report: Report
    names: dict[str, str]  # territory id -> name

    @property
    def k(self) -> int:
        return self.report.method.k

    @property
    def forum(self) -> ForumSection | None:
        """The online phase's section, for a forum's cahier; None for an evening's."""
        f = self.report.forum
        return f if isinstance(f, ForumSection) else None

    def hidden_sentence(self, what: str) -> str:
        return hidden_sentence(what, self.k)

    def territory(self, tid: str) -> str:
        if tid == ALL:
            return "Ensemble du forum" if self.forum is not None else "Ensemble de la session"
        return self.names.get(tid, tid)
