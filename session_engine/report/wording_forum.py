"""The cahier of a forum (the online phase) in French: its own section « Forum numérique »
(participation per territory and per day, the contributions with their theme, territory, place
and ratings), its comments, and the lines of the lead and the method that differ from an
evening's. A forum has no rounds, tables, syntheses nor votes: its cahier says nothing of them
rather than « 0 manche ». The opinion sections (shared and local problems, consensus, groups)
are the evening's, as they are.
"""

from __future__ import annotations

from ..model import Place
from ..tallies import Group
from .blocks import Block, Cell, Heading, Para, Quote, Table
from .french import KINDS, french_date, french_day, number, plural, spoken
from .model import ForumContribution, ForumSection
from .words import Words

__all__ = ["comments", "forum", "lead", "method_lines", "place", "ratings"]


def lead(w: Words, f: ForumSection) -> tuple[str, ...]:
    r = w.report
    lines = [
        f"Forum numérique « {r.session} » ouvert le {french_date(f.opened)} ; dernière "
        f"activité enregistrée le {french_date(f.last)}.",
        "Établi à partir du journal du forum "
        f"({plural(r.events, 'événement', 'événements')}, forum "
        f"{'clos' if r.closed else 'encore ouvert'}).",
    ]
    if r.focus:
        t = r.focus
        qpv = ", quartier prioritaire (QPV)" if t.qpv else ""
        lines.append(
            f"Cahier du territoire {t.name} ({t.commune}{qpv}) : sa participation en ligne, les "
            "contributions de ses habitant·e·s avec les avis reçus, et ce qu'il partage avec "
            "les autres territoires de la métropole."
        )
    return tuple(lines)


def forum(w: Words, f: ForumSection) -> tuple[Block, ...]:
    return (
        Para(
            "Pendant la phase en ligne, chacun·e rejoint le forum depuis son territoire, écrit "
            "des problèmes et des idées, avec un thème et un lieu s'il ou elle le souhaite, et "
            "donne son avis sur les contributions publiées par l'animation, de −2 (pas du tout "
            "d'accord) à +2 (tout à fait d'accord), ou passe. Seules les contributions publiées "
            "sont comptées."
        ),
        _participation(w, f),
        *_days(f),
        Heading("Les contributions et les avis reçus"),
        *_contributions(w, f),
    )


def _participation(w: Words, f: ForumSection) -> Table:
    refs = {t.id: t for t in w.report.territories}
    rows = []
    for p in f.participation:
        t = refs.get(p.territory)
        rows.append(
            (
                w.territory(p.territory),
                "" if t is None else t.commune,
                "" if t is None else ("oui" if t.qpv else "non"),
                number(p.joined),
                number(p.wrote),
                number(p.rated),
                number(p.problems),
                number(p.ideas),
                number(p.ratings),
                number(p.comments),
            )
        )
    return Table(
        "Participation en ligne par territoire",
        (
            "Territoire",
            "Commune",
            "QPV",
            "Ont rejoint",
            "Ont écrit",
            "Ont donné leur avis",
            "Problèmes",
            "Idées",
            "Avis",
            "Commentaires",
        ),
        tuple(rows),
    )


def _days(f: ForumSection) -> tuple[Block, ...]:
    if not f.days:
        return ()
    return (
        Heading("Jour après jour"),
        Table(
            "Participation par jour (heure de Paris)",
            ("Jour", "Arrivées", "Contributions", "Avis", "Commentaires"),
            tuple(
                (
                    french_day(d.day),
                    number(d.joined),
                    number(d.contributions),
                    number(d.ratings),
                    number(d.comments),
                )
                for d in f.days
            ),
        ),
    )


def place(where: Place | None) -> str:
    """A contribution's place as its author gave it: the address as typed, or « point sur la
    carte » (nothing is geocoded: a point has no address), or both."""
    if where is None:
        return "—"
    point = where.lat is not None and where.lon is not None
    if where.address:
        return where.address + (" (et un point sur la carte)" if point else "")
    return "point sur la carte" if point else "—"


def ratings(g: Group) -> str:
    """The tally's whole-room counts, best first, then the passes; « masqué » under k."""
    if g.hidden or g.counts is None:
        return "masqué"
    values = ("−2", "−1", "0", "+1", "+2")
    said = ", ".join(
        f"{v} : {number(n)}" for v, n in reversed(list(zip(values, g.counts, strict=True)))
    )
    voters = plural(g.voters or 0, "personne", "personnes")
    return f"{voters} — {said} ; je passe : {number(g.passes or 0)}"


def _row(w: Words, c: ForumContribution) -> tuple[Cell, ...]:
    s = c.statement
    return (
        s.text,
        f"{spoken(s.id)}, {KINDS.get(s.kind, s.kind)}",
        w.territory(s.territory) if s.territory else "—",
        place(s.place),
        ratings(c.ratings),
        number(c.comments),
    )


def _contributions(w: Words, f: ForumSection) -> tuple[Block, ...]:
    r = w.report
    if not f.contributions:
        return (Para("Aucune contribution n'a été publiée."),)
    head = ("Contribution", "Énoncé", "Territoire", "Lieu", "Avis", "Commentaires")
    blocks: list[Block] = [
        Para(
            "Chaque contribution publiée"
            + (f" d'habitant·e·s de {r.focus.name}" if r.focus else "")
            + ", par thème, avec le territoire de son auteur·e, son lieu tel qu'il a été écrit "
            "(ou « point sur la carte ») et les avis de tout le forum : combien de "
            "personnes à +2, +1, 0, −1, −2, et combien ont passé."
        )
    ]
    themes = [*f.themes, None]
    for theme in themes:
        chosen = [c for c in f.contributions if c.statement.theme == theme]
        if theme is None:
            chosen = [c for c in f.contributions if c.statement.theme not in f.themes]
        if chosen:
            title = f"Thème « {theme} »" if theme else "Sans thème"
            blocks.append(Table(title, head, tuple(_row(w, c) for c in chosen)))
    if any(c.ratings.hidden for c in f.contributions):
        blocks.append(Para(w.hidden_sentence("Les avis marqués « masqué »"), note=True))
    return tuple(blocks)


def comments(w: Words) -> tuple[Block, ...]:
    """The comments written on the published contributions, as written, in order."""
    r = w.report
    if not r.notes:
        return (Para("Aucun commentaire n'a été écrit."),)
    blocks: list[Block] = [
        Para(
            "Chacun·e peut commenter une contribution publiée. Les commentaires sont repris "
            "tels qu'écrits ; leur auteur·e est nommé·e par son pseudonyme s'il ou elle l'a "
            "accepté, sinon « Participant·e N »"
            + (
                f" ; seuls ceux des habitant·e·s de {r.focus.name} sont repris ici."
                if r.focus
                else "."
            )
        )
    ]
    for note in r.notes:
        s = note.statement
        number_ = spoken(note.on_statement or "")
        about = (
            f"la contribution {number_}, retirée par l'animation"
            if s is None
            else f"la contribution {number_} « {s.text} »"
        )
        blocks.append(Quote(note.text, f"{note.author}, sur {about}"))
    return tuple(blocks)


def method_lines(w: Words) -> tuple[str, ...]:
    """The method's lines that differ from an evening's: the scale and the provenance."""
    return (
        "Avis : de −2 (pas du tout d'accord) à +2 (tout à fait d'accord), ou « je passe » ; "
        "seul le dernier avis de chaque personne sur une contribution compte, sauf dans le "
        "tableau jour par jour qui compte chaque avis donné ce jour-là.",
        "Provenance : chaque contribution est citée avec son numéro, son thème, le territoire de "
        "son auteur·e et son lieu tel qu'il a été donné ; aucune adresse n'est géolocalisée.",
    )
