"""The cahier's sections on what the room decided, in French: the adopted proposals with their
merit profiles and support per territory, the full majority-judgment ranking, and the vœux with
their consent rounds and objections.
"""

from __future__ import annotations

from .blocks import Block, Cell, Heading, Legend, Para, Profile, Quote, Table
from .french import (
    RESOLUTIONS,
    end_reason,
    grade_label,
    number,
    ordinal,
    plural,
    provenance,
    spoken,
)
from .model import ConsentLine, RankedProposal, TerritorySupport, VoteSection
from .words import Words


def adopted(w: Words) -> tuple[Block, ...]:
    r = w.report
    bar = grade_label(r.method.adoption_grade)
    if not r.votes:
        return (Para("Aucun vote au jugement majoritaire n'a eu lieu pendant cette session."),)
    blocks: list[Block] = [
        Para(
            "Une proposition est adoptée quand sa mention majoritaire, au dernier vote qui "
            f"l'a jugée, est au moins « {bar} ». Chacune est présentée avec son profil de "
            "mérite (la part de chaque mention), son soutien "
            + ("dans le territoire" if r.focus else "par territoire")
            + " et l'énoncé dont elle est issue."
        )
    ]
    if not r.adopted:
        blocks.append(Para("Aucune proposition n'a atteint cette mention."))
        return tuple(blocks)
    blocks.append(Legend())
    for p in r.adopted:
        blocks.append(Heading(f"{p.rank}. {p.text}"))
        judged = sum(p.profile)
        blocks.append(
            Para(
                f"Mention majoritaire : {grade_label(p.grade)} "
                f"({plural(judged, 'jugement', 'jugements')}). Proposition {spoken(p.proposal)}"
                + (f", issue de l'{provenance(p.source)}" if p.source else "")
                + "."
            )
        )
        blocks.append(Profile(p.profile, f"Profil de mérite de « {p.text} »", large=True))
        rows = [_support_row(w, p, s) for s in p.territories]
        blocks.append(
            Table(
                f"Soutien {'du territoire' if r.focus else 'par territoire'} à « {p.text} »",
                ("Territoire", "Votant·e·s", "Mention majoritaire", "Rang", "Profil"),
                tuple(rows),
            )
        )
        hidden = [w.territory(s.territory) for s in p.territories if s.hidden]
        if hidden:
            blocks.append(Para(w.hidden_sentence(", ".join(hidden)), note=True))
    return tuple(blocks)


def _support_row(w: Words, p: RankedProposal, s: TerritorySupport) -> tuple[Cell, ...]:
    name = w.territory(s.territory)
    if s.hidden or s.profile is None:
        return (name, number(s.voters), "masqué", "—", "—")
    return (
        name,
        number(s.voters),
        grade_label(s.grade),
        ordinal(s.rank),
        Profile(s.profile, f"Profil de mérite de « {p.text} » : {name}"),
    )


def ranking(w: Words) -> tuple[Block, ...]:
    r = w.report
    if not r.votes:
        return (Para("Aucun vote n'a eu lieu : il n'y a pas de classement."),)
    blocks: list[Block] = [
        Para(
            "Classement de Balinski et Laraki : par mention majoritaire, puis, à mention "
            "égale, par la part des jugements au-dessus ou au-dessous de la médiane (le "
            "départage usuel du jugement majoritaire)."
        ),
        Legend(),
    ]
    for v in r.votes:
        if v.open:
            blocks.append(Para(f"Le vote {spoken(v.vote)} est encore ouvert : pas de résultat."))
            continue
        if v.hidden:
            blocks.append(Para(w.hidden_sentence(f"Le vote {spoken(v.vote)}"), note=True))
            continue
        head = ["Rang", "Proposition", "Mention majoritaire", "Profil", "Adoptée"]
        if r.focus:
            head.insert(3, f"Mention à {r.focus.name}")
        rows = []
        for p in v.proposals:
            row: list[Cell] = [
                f"{p.rank}",
                p.text,
                grade_label(p.grade),
                Profile(p.profile, f"Profil de mérite de « {p.text} »"),
                "oui" if p.adopted else "non",
            ]
            if r.focus:
                here = p.territories[0] if p.territories else None
                row.insert(3, "masqué" if here is None or here.hidden else grade_label(here.grade))
            rows.append(tuple(row))
        blocks.append(
            Table(
                f"Vote {spoken(v.vote)} : {plural(v.voters, 'votant·e', 'votant·e·s')}"
                + _of_which_paper(v),
                tuple(head),
                tuple(rows),
            )
        )
        if not r.focus:
            blocks.append(_territory_ranking(w, v))
    return tuple(blocks)


def _territory_ranking(w: Words, v: VoteSection) -> Table:
    territories = v.proposals[0].territories if v.proposals else ()
    head = ("Proposition", *(w.territory(s.territory) for s in territories))
    rows = tuple(
        (
            p.text,
            *(
                "masqué" if s.hidden else f"{grade_label(s.grade)} ({ordinal(s.rank)})"
                for s in p.territories
            ),
        )
        for p in v.proposals
    )
    return Table(f"Vote {spoken(v.vote)} : mention et rang dans chaque territoire", head, rows)


def voeux(w: Words) -> tuple[Block, ...]:
    consents = w.report.consents
    if not consents:
        return (
            Para(
                "Aucun vœu n'a été adopté pendant cette session : aucune préconisation n'est "
                "passée par un tour de consentement. Les préconisations adoptées peuvent être "
                "portées en vœux lors d'un prochain Métrokawa, avant leur présentation au "
                "conseil municipal."
            ),
        )
    adopted = sum(1 for c in consents if c.voeu)
    blocks: list[Block] = [
        Para(
            f"{plural(adopted, 'vœu adopté', 'vœux adoptés')} sur "
            f"{plural(len(consents), 'tour de consentement', 'tours de consentement')}. "
            "Une préconisation adoptée passe par un tour de consentement : chacun·e peut "
            "lever une objection argumentée ; l'animation la lève par un amendement ou "
            "son auteur·rice la retire ; le vœu est adopté quand plus aucune ne reste."
        )
    ]
    for c in consents:
        blocks.extend(_consent(w, c))
    return tuple(blocks)


def _consent(w: Words, c: ConsentLine) -> list[Block]:
    title = f"Vœu {spoken(c.voeu)}" if c.voeu else f"Tour de consentement {spoken(c.id)}"
    status = {
        "adopted": "adopté",
        "open": "encore ouvert",
        "abandoned": end_reason(c.end_reason),
    }[c.status]
    blocks: list[Block] = [
        Heading(f"{title} : {c.wording}"),
        Para(
            f"Proposition {spoken(c.proposal)} « {c.proposal_text} », adoptée au vote "
            f"{spoken(c.vote)} avec la mention {grade_label(c.grade)} ; tour de consentement "
            f"{spoken(c.id)} : {status}."
        ),
    ]
    if c.voeu and c.outcome:
        blocks.append(Quote(c.outcome, "Conclusion de l'animation"))
    if not c.objections:
        blocks.append(Para("Aucune objection n'a été levée."))
        return blocks
    rows = tuple(
        (
            spoken(o.id),
            o.text,
            RESOLUTIONS.get(o.resolution or "", "non résolue"),
            o.wording or "—",
        )
        for o in c.objections
    )
    blocks.append(
        Table(
            f"Objections du tour {spoken(c.id)}",
            ("Objection", "Motif", "Issue", "Nouvelle rédaction"),
            rows,
        )
    )
    return blocks


def _of_which_paper(v: VoteSection) -> str:
    """« , dont 3 bulletins papier » when paper ballots were entered, else nothing."""
    if not v.paper:
        return ""
    return f", dont {plural(v.paper, 'bulletin papier', 'bulletins papier')}"
