"""The cahier in French: ``document(report)`` turns the data into sections of blocks.

All wording lives in this module and its two siblings, once, for every format: ``wording_votes``
writes what the room decided (adopted proposals, the full ranking, the vœux),
``wording_opinions`` what it thinks (shared and local problems, consensus and division, opinion
groups, opinion shift, minority views). Here: the title, the lead, participation, the tables'
syntheses and the method; ``words.Words`` is what every section shares (territory names, the
k-anonymity sentence). Provenance is kept everywhere: a statement says its round and table, a
synthesis its round, table and host, a vœu its vote and objections.
"""

from __future__ import annotations

from ..typography import typeset
from . import wording_forum, wording_opinions, wording_votes
from .blocks import Block, Bullets, Document, Heading, Para, Quote, Section, Table, map_text
from .french import ROLES, ROUND_KINDS, number, plural, spoken
from .model import ForumSection, Report
from .words import Words


def document(report: Report) -> Document:
    """The cahier in French, as sections of blocks, typeset (``typography``); the renderers
    only draw it."""
    return map_text(_document(report), typeset)


def _document(report: Report) -> Document:
    w = Words(report, {t.id: t.name for t in report.territories})
    if w.forum is not None:
        return _forum_document(w, w.forum)
    return Document(
        title=title(w),
        lead=lead(w),
        sections=(
            Section("participation", "Territoires et participation", participation(w)),
            Section("preconisations", "Préconisations adoptées", wording_votes.adopted(w)),
            Section(
                "classement",
                "Classement complet au jugement majoritaire",
                wording_votes.ranking(w),
            ),
            Section("voeux", "Vœux pour les conseils municipaux", wording_votes.voeux(w)),
            Section("territoires", wording_opinions.scopes_title(w), wording_opinions.scopes(w)),
            Section(
                "consensus",
                "Énoncés consensuels et énoncés qui divisent",
                wording_opinions.consensus(w),
            ),
            Section("groupes", "Groupes d'opinion", wording_opinions.groups(w)),
            Section("evolution", "Évolution des opinions", wording_opinions.shift(w)),
            Section("syntheses", "Synthèses des tables", syntheses(w)),
            Section("notes", "Notes des tables et des énoncés", notes(w)),
            Section("minorites", "Points de vue minoritaires", wording_opinions.minority(w)),
            Section("methode", "Méthode, protection des personnes et provenance", method(w)),
        ),
    )


def _forum_document(w: Words, f: ForumSection) -> Document:
    """A forum's cahier: its online phase, then what its people think, as an evening's cahier
    says it; nothing of rounds, tables, syntheses or votes, which a forum has none of."""
    focus = w.report.focus
    title = f"Cahier du forum numérique — {w.report.title}"
    return Document(
        title=f"{title} — {focus.name}" if focus else title,
        lead=wording_forum.lead(w, f),
        sections=(
            Section("forum", "Forum numérique", wording_forum.forum(w, f)),
            Section("territoires", wording_opinions.scopes_title(w), wording_opinions.scopes(w)),
            Section(
                "consensus",
                "Énoncés consensuels et énoncés qui divisent",
                wording_opinions.consensus(w),
            ),
            Section("groupes", "Groupes d'opinion", wording_opinions.groups(w)),
            Section("evolution", "Évolution des opinions", wording_opinions.shift(w)),
            Section("commentaires", "Commentaires des contributions", wording_forum.comments(w)),
            Section("minorites", "Points de vue minoritaires", wording_opinions.minority(w)),
            Section("methode", "Méthode, protection des personnes et provenance", method(w)),
        ),
    )


def title(w: Words) -> str:
    focus = w.report.focus
    base = f"Cahier de préconisations — {w.report.title}"
    return f"{base} — {focus.name}" if focus else base


def lead(w: Words) -> tuple[str, ...]:
    r = w.report
    lines = [
        f"Session « {r.session} » du {r.date}.",
        "Établi à partir du journal de la session "
        f"({plural(r.events, 'événement', 'événements')}, session "
        f"{'close' if r.closed else 'encore ouverte'}).",
    ]
    if r.focus:
        f = r.focus
        qpv = ", quartier prioritaire (QPV)" if f.qpv else ""
        lines.append(
            f"Cahier du territoire {f.name} ({f.commune}{qpv}) : sa participation, son "
            "soutien aux propositions, les tables où ses habitant·e·s ont siégé et ce qu'il "
            "partage avec les autres territoires de la métropole."
        )
    return tuple(lines)


def participation(w: Words) -> tuple[Block, ...]:
    r = w.report
    refs = {t.id: t for t in r.territories}
    rows = []
    for p in r.participation:
        t = refs.get(p.territory)
        rows.append(
            (
                w.territory(p.territory),
                "" if t is None else t.commune,
                "" if t is None else ("oui" if t.qpv else "non"),
                number(p.participants),
                ", ".join(plural(n, *ROLES[role]) for role, n in p.roles.items() if n),
                number(p.active),
                number(p.positions),
                number(p.statements),
                number(p.ballots),
            )
        )
    qpv = sum(1 for t in r.territories if t.qpv)
    blocks: list[Block] = [
        Para(
            f"{plural(len(r.territories), 'territoire', 'territoires')} de la métropole, dont "
            f"{plural(qpv, 'quartier prioritaire', 'quartiers prioritaires')} (QPV) : "
            + ", ".join(f"{t.name} ({t.commune})" for t in r.territories)
            + "."
        ),
        Table(
            "Participation par territoire",
            (
                "Territoire",
                "Commune",
                "QPV",
                "Participant·e·s",
                "Dont",
                "Ont pris position",
                "Positions",
                "Énoncés publiés",
                "Ont voté",
            ),
            tuple(rows),
        ),
        Heading("Déroulé de la session"),
        Table(
            "Les manches",
            ("Manche", "Type", "Consigne", "Tables", "Énoncés publiés", "Synthèses"),
            tuple(
                (
                    str(m.number),
                    ROUND_KINDS.get(m.kind, m.kind),
                    m.prompt,
                    number(m.tables) if m.tables else "—",
                    number(m.statements),
                    number(m.syntheses),
                )
                for m in r.rounds
            ),
        ),
    ]
    return tuple(blocks)


def syntheses(w: Words) -> tuple[Block, ...]:
    r = w.report
    if not r.syntheses:
        return (Para("Aucune synthèse de table n'a été remise."),)
    blocks: list[Block] = [
        Para(
            "À la fin de chaque manche, l'hôte de chaque table remet la synthèse de ses "
            "échanges"
            + (
                f" ; seules les tables où siégeaient des habitant·e·s de {r.focus.name} "
                "sont reprises ici."
                if r.focus
                else "."
            )
        )
    ]
    for round_ in r.syntheses:
        blocks.append(Heading(f"Manche {round_.round} : {round_.prompt}"))
        for line in round_.syntheses:
            places = ", ".join(w.territory(t) for t in line.territories)
            blocks.append(
                Quote(
                    line.text,
                    f"Table {line.table}, manche {line.round} ; hôte : {line.host} ; "
                    f"territoires à la table : {places}",
                )
            )
    return tuple(blocks)


def notes(w: Words) -> tuple[Block, ...]:
    """The notes written during the rounds: on the statements, then on the tables."""
    r = w.report
    if not r.notes:
        return (Para("Aucune note n'a été écrite."),)
    on_statements = [n for n in r.notes if n.on_statement is not None]
    on_tables = [n for n in r.notes if n.on_statement is None]
    blocks: list[Block] = [
        Para(
            "Pendant les manches, chacun·e peut noter une précision sur un énoncé ou sur les "
            "échanges de sa table. Les notes sont reprises telles qu'écrites ; leur auteur·e "
            "est nommé·e par son pseudonyme s'il ou elle l'a accepté, sinon « Participant·e N »"
            + (
                f" ; seules les notes des habitant·e·s de {r.focus.name} et des tables où "
                "ils et elles siégeaient sont reprises ici."
                if r.focus
                else "."
            )
        )
    ]
    if on_statements:
        blocks.append(Heading("Notes sur les énoncés"))
        for note in on_statements:
            number_ = spoken(note.on_statement or "")
            s = note.statement
            about = (
                f"l'énoncé {number_}, retiré par l'animation"
                if s is None
                else f"l'énoncé {number_} « {s.text} »"
            )
            blocks.append(
                Quote(
                    note.text,
                    f"{note.author}, manche {note.round}, sur {about}"
                    + _where(note.place, note.tags),
                )
            )
    if on_tables:
        blocks.append(Heading("Notes des tables"))
        for note in on_tables:
            blocks.append(
                Quote(
                    note.text,
                    f"Table {note.table}, manche {note.round} ; note de {note.author}"
                    + _where(note.place, note.tags),
                )
            )
    return tuple(blocks)


def _where(place: str | None, tags: tuple[str, ...]) -> str:
    said = f" ; lieu : {place}" if place else ""
    return said + (f" ; mots-clés : {', '.join(tags)}" if tags else "")


def method(w: Words) -> tuple[Block, ...]:
    r, m = w.report, w.report.method
    return (
        Bullets(
            (
                f"Pseudonymes : {plural(m.consented, 'participant·e', 'participant·e·s')} sur "
                f"{number(m.participants)} "
                + (
                    "a accepté que son pseudonyme apparaisse"
                    if m.consented < 2
                    else "ont accepté que leur pseudonyme apparaisse"
                )
                + " ; les autres sont nommé·e·s « Participant·e N ».",
                f"Seuil de {plural(m.k, 'personne', 'personnes')} (k-anonymat) : un groupe "
                "(territoire, rôle, groupe d'opinion) de moins de "
                f"{plural(m.k, 'personne', 'personnes')} ne montre que son effectif, jamais ses "
                "positions ni ses votes ; d'autres groupes sont alors masqués avec lui pour "
                "qu'on ne retrouve pas ses chiffres par soustraction (suppression "
                "complémentaire). C'est la seule protection appliquée aux chiffres : elle ne "
                "garantit pas qu'une personne ne puisse jamais être reconnue, par exemple à un "
                "texte qu'elle a écrit.",
                *(_evening_method() if w.forum is None else wording_forum.method_lines(w)),
                f"Reproductible : ce cahier se recalcule à l'identique à partir du journal "
                f"« {r.session} » avec la commande metrokawa report.",
            )
        ),
    )


def _evening_method() -> tuple[str, ...]:
    """The method's lines proper to an evening: its votes and the provenance of its texts."""
    return (
        "Jugement majoritaire : chaque votant·e donne une mention à chaque "
        "proposition (de « À rejeter » à « Excellent ») ; une proposition non notée "
        "compte « À rejeter ».",
        "Provenance : chaque énoncé est cité avec son numéro, sa manche et sa table ; "
        "chaque synthèse avec sa manche, sa table et son hôte ; chaque note avec sa "
        "manche et sa table ou son énoncé.",
    )
