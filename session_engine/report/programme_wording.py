"""The cahiers across a programme in French: ``programme_document(cahier)`` turns a
``ProgrammeCahier`` into sections of blocks, typeset, for the session cahier's own renderers.

A territory's cahier (*cahier de préconisations localisées*): its problems, the metropolitan
shared problems it took part in, its local proposals, its vœux and what became of them at the
council, the method. The programme's cahier: a title page (the title, the theme, the territories
with the QPV marked, the table of contents), every vœu per territory and where it stands, each
forum's problems compared across territories (« Comparaison des problèmes entre territoires »,
when a comparison was made; a territory's cahier opens with its groups), then one section per
territory with the same parts, then the method. Both, when the cahier measured
it, say before the method how the positions of the people recognised from one session to
another moved (« Évolution des avis d'une séance à l'autre »), under k and naming nobody.
Figures and words come from ``french`` and ``words``, as in a session's cahier; this module only
says what is new here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from ..decide import ADOPTION_GRADE
from ..model import Territory
from ..programme import VoeuStatus
from ..programme.shift import LinkedShift
from ..typography import typeset
from .blocks import (
    Bar,
    Block,
    Bullets,
    Cell,
    Document,
    Heading,
    Para,
    Quote,
    Section,
    Table,
    map_text,
)
from .french import (
    french_day,
    grade_label,
    joined,
    number,
    ordinal,
    plural,
    provenance,
    signed,
    spoken,
)
from .programme_model import (
    ComparedLine,
    ComparedProblem,
    Comparison,
    FollowUpStep,
    ImportedInto,
    ProgrammeCahier,
    ScopedStatement,
    SessionLine,
    TerritoryPart,
    VoeuLine,
    VoteLine,
)
from .words import hidden_sentence

__all__ = ["KIND_WORDS", "STATUS_WORDS", "council_name", "of", "programme_document", "stands"]

KIND_WORDS: Final = {
    "forum": "phase en ligne",
    "metropolitan": "Métrokawa métropolitain",
    "local": "Métrokawa local",
}
# A vœu is masculine: « adopté », never « adoptée ».
STATUS_WORDS: Final = {
    VoeuStatus.TO_BE_TABLED.value: "à déposer",
    VoeuStatus.TABLED.value: "déposé",
    VoeuStatus.DEBATED.value: "débattu",
    VoeuStatus.ADOPTED.value: "adopté",
    VoeuStatus.REJECTED.value: "rejeté",
    VoeuStatus.POSTPONED.value: "reporté",
}
_VOWELS: Final = frozenset("aeiouyàâäéèêëîïôöùûü")


def programme_document(cahier: ProgrammeCahier) -> Document:
    """The cahier in French, as sections of blocks, typeset; the renderers only draw it."""
    return map_text(_document(cahier), typeset)


def of(name: str) -> str:
    """« de » before a place's name, as French contracts it: de Pantin, d'Issy-les-Moulineaux,
    du Blanc-Mesnil, des Lilas (an h is left alone: too many are aspirated)."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].casefold() in _VOWELS:
        return "d'" + name
    return "de " + name


def council_name(council: str, commune: str) -> str:
    """The council as a sentence names it after « au »: what the organiser wrote when it says
    « conseil … », else the municipal council of what they wrote, or of the territory's commune."""
    name = council.strip()
    if not name:
        return f"conseil municipal {of(commune)}" if commune else "conseil municipal"
    if name.casefold().startswith("conseil"):
        return name
    return f"conseil municipal {of(name)}"


def stands(voeu: VoeuLine, commune: str) -> str:
    """Where a vœu stands, in words: « à déposer », « déposé au conseil municipal de Pantin le
    14 mars 2027 », « adopté le 12 mai 2027 »…"""
    if not voeu.steps:
        return STATUS_WORDS[voeu.status]
    return _step_words(voeu.steps[-1], _councils(voeu, commune)[-1])


def _step_words(step: FollowUpStep, council: str) -> str:
    day = french_day(step.date)
    if step.status == VoeuStatus.TABLED.value:
        return f"déposé au {council} le {day}"
    return f"{STATUS_WORDS[step.status]} le {day}"


def _councils(voeu: VoeuLine, commune: str) -> list[str]:
    """Each step's council: its own, else the one it was last tabled at, else the commune's."""
    names, last = [], ""
    for step in voeu.steps:
        last = step.council.strip() or last
        names.append(council_name(last, commune))
    return names


def _document(c: ProgrammeCahier) -> Document:
    if c.focus is not None:
        parts = tuple(Section(a, t, b) for a, t, b in _parts(c, c.parts[0]))
        return Document(
            title=f"Cahier de préconisations localisées — {c.focus.name}",
            lead=_focus_lead(c, c.focus),
            sections=(
                *_comparison_section(c),
                *parts,
                *_shift_section(c),
                Section("methode", _METHOD_TITLE, _method(c)),
            ),
        )
    sections = [Section("voeux", "Les vœux et où ils en sont", _voeux_table(c))]
    sections.extend(_comparison_section(c))
    for part in c.parts:
        blocks: list[Block] = []
        for _, title, found in _parts(c, part):
            blocks.append(Heading(title))
            blocks.extend(found)
        t = part.territory
        sections.append(Section(f"territoire-{t.id}", _territory_title(t), tuple(blocks)))
    sections.extend(_shift_section(c))
    sections.append(Section("methode", _METHOD_TITLE, _method(c)))
    return Document(
        title=f"Cahier du programme — {c.title}", lead=_lead(c), sections=tuple(sections)
    )


_METHOD_TITLE: Final = "Sessions, méthode et protection des personnes"


def _territory_title(t: Territory) -> str:
    return f"{t.name} ({t.commune}{', QPV' if t.qpv else ''})"


def _territory_line(t: Territory) -> str:
    return f"{t.name}, {t.commune}" + (" — quartier prioritaire (QPV)" if t.qpv else "")


def _lead(c: ProgrammeCahier) -> tuple[str, ...]:
    qpv = sum(1 for t in c.territories if t.qpv)
    reported = sum(1 for s in c.sessions if s.reported)
    return (
        *((f"Thème : {c.theme}.",) if c.theme else ()),
        f"{plural(len(c.territories), 'territoire', 'territoires')}, dont "
        f"{plural(qpv, 'quartier prioritaire', 'quartiers prioritaires')} de la politique de la "
        "ville (QPV) :",
        *(_territory_line(t) for t in c.territories),
        f"Établi à partir des cahiers de {plural(reported, 'session', 'sessions')} sur "
        f"{len(c.sessions)} et du suivi des vœux dans les conseils municipaux.",
    )


def _focus_lead(c: ProgrammeCahier, t: Territory) -> tuple[str, ...]:
    return (
        f"Programme « {c.title} »" + (f", thème : {c.theme}" if c.theme else "") + ".",
        f"Territoire : {_territory_line(t)}.",
        "Ce cahier rassemble les problèmes du territoire, les problèmes partagés à l'échelle de "
        "la métropole auxquels il a pris part, les propositions et les vœux de son Métrokawa "
        "local, et ce que chaque vœu est devenu au conseil municipal.",
    )


def _parts(c: ProgrammeCahier, part: TerritoryPart) -> Iterator[tuple[str, str, tuple[Block, ...]]]:
    name = part.territory.name
    yield "problemes", f"Les problèmes {of(name)}", _problems(c, part)
    yield "partages", "Les problèmes partagés à l'échelle de la métropole", _shared(c, part)
    yield "propositions", "Les propositions du Métrokawa local", _proposals(c, part)
    yield "suivi", "Les vœux et leur suivi au conseil municipal", _voeux(c, part)


def _sessions(c: ProgrammeCahier, kind: str) -> list[SessionLine]:
    return [s for s in c.sessions if s.kind == kind]


def _session_name(s: SessionLine) -> str:
    return f"« {s.title} » ({french_day(s.date)})"


def _agreed(line: ScopedStatement) -> str:
    return f"{len(line.agreed_in)} / {line.eligible} : {', '.join(line.agreed_in)}"


def _here(line: ScopedStatement) -> Cell:
    return "masqué" if line.here is None else Bar(line.here, "Part d'accord dans le territoire")


def _scoped_table(caption: str, lines: list[ScopedStatement]) -> Table:
    return Table(
        caption,
        ("Énoncé", "Provenance", "D'accord dans", "Accord dans le territoire", "Accord (salle)"),
        tuple(
            (
                line.statement.text,
                provenance(line.statement),
                _agreed(line),
                _here(line),
                Bar(line.statement.agree, "Part d'accord dans la salle"),
            )
            for line in lines
        ),
    )


def _metropolitan(
    c: ProgrammeCahier, part: TerritoryPart, lines: tuple[ScopedStatement, ...], what: str
) -> list[Block]:
    """The tables of ``lines``, one per metropolitan session, and the note on hidden shares."""
    metro = _sessions(c, "metropolitan")
    if not any(s.reported for s in metro):
        return [Para("Aucune session métropolitaine n'est reprise dans ce cahier.")]
    blocks: list[Block] = []
    for s in metro:
        chosen = [line for line in lines if line.session == s.id]
        if chosen:
            blocks.append(_scoped_table(f"{part.territory.name} — {s.title} : {what}", chosen))
    if not blocks:
        blocks.append(Para("Aucun énoncé."))
    if any(line.here is None for line in lines):
        blocks.append(
            Para(
                hidden_sentence(
                    f"La part d'accord {of(part.territory.name)} marquée « masqué »", c.k
                ),
                note=True,
            )
        )
    return blocks


def _problems(c: ProgrammeCahier, part: TerritoryPart) -> tuple[Block, ...]:
    name = part.territory.name
    blocks: list[Block] = [
        Para(
            f"Les énoncés de la session métropolitaine que {name} approuve et que peu d'autres "
            "territoires partagent (d'une portée locale), puis ceux de son Métrokawa local. Un "
            "territoire approuve un énoncé quand assez de ses votant·e·s sont plutôt ou tout à "
            "fait pour (le seuil est dans le cahier de chaque session)."
        ),
        *_metropolitan(c, part, part.problems, "énoncés d'une portée locale"),
    ]
    blocks.extend(_local_statements(c, part))
    return tuple(blocks)


def _local_statements(c: ProgrammeCahier, part: TerritoryPart) -> Iterator[Block]:
    by_id = {s.id: s for s in c.sessions}
    if not part.local_sessions:
        yield Para(f"{part.territory.name} n'a pas encore tenu son Métrokawa local.")
    for sid in part.local_sessions:
        s = by_id[sid]
        if not s.reported:
            yield Para(f"Le cahier du Métrokawa local {_session_name(s)} n'est pas repris ici.")
            continue
        rows = tuple(
            (
                line.statement.text,
                provenance(line.statement)
                + (" ; repris d'une étape précédente du programme" if line.imported else ""),
                Bar(line.statement.agree, "Part d'accord dans la salle"),
            )
            for line in part.statements
            if line.session == sid
        )
        if not rows:
            yield Para(
                f"Aucun énoncé du Métrokawa local {_session_name(s)} n'est cité : aucun n'a été "
                "approuvé par un territoire dont les chiffres sont publiés."
            )
            continue
        yield Table(
            f"{part.territory.name} — {s.title} : énoncés retenus",
            ("Énoncé", "Provenance", "Accord (salle)"),
            rows,
        )


def _shared(c: ProgrammeCahier, part: TerritoryPart) -> tuple[Block, ...]:
    name = part.territory.name
    return (
        Para(
            "Les énoncés que la session métropolitaine a reconnus comme partagés par plusieurs "
            f"territoires de la métropole, et que {name} approuve aussi."
        ),
        *_metropolitan(c, part, part.shared, "énoncés partagés"),
    )


def _proposals(c: ProgrammeCahier, part: TerritoryPart) -> tuple[Block, ...]:
    by_id = {s.id: s for s in c.sessions}
    reported = [sid for sid in part.local_sessions if by_id[sid].reported]
    if not reported:
        return (Para("Aucun Métrokawa local de ce territoire n'est repris dans ce cahier."),)
    blocks: list[Block] = [
        Para(
            "Classées au jugement majoritaire : par mention majoritaire, puis, à mention égale, "
            "par le départage usuel. Une proposition est adoptée quand sa mention majoritaire "
            f"est au moins « {grade_label(ADOPTION_GRADE)} »."
        )
    ]
    for sid in reported:
        votes = [v for v in part.votes if v.session == sid]
        if not votes:
            blocks.append(
                Para(f"Aucun vote n'a eu lieu au Métrokawa local {_session_name(by_id[sid])}.")
            )
        for vote in votes:
            blocks.extend(_vote(c, by_id[sid], vote))
    return tuple(blocks)


def _vote(c: ProgrammeCahier, s: SessionLine, v: VoteLine) -> list[Block]:
    which = f"Le vote {spoken(v.vote)} du Métrokawa local « {s.title} »"
    if v.open:
        return [Para(f"{which} est encore ouvert : pas de résultat.")]
    if v.hidden or v.voters is None:
        return [Para(hidden_sentence(which, c.k), note=True)]
    return [
        Table(
            f"{s.title}, vote {spoken(v.vote)} : {plural(v.voters, 'votant·e', 'votant·e·s')}",
            ("Rang", "Proposition", "Mention majoritaire", "Adoptée"),
            tuple(
                (ordinal(p.rank), p.text, grade_label(p.grade), "oui" if p.adopted else "non")
                for p in v.proposals
            ),
        )
    ]


def _voeux(c: ProgrammeCahier, part: TerritoryPart) -> tuple[Block, ...]:
    commune = part.territory.commune
    blocks: list[Block] = [
        Para(
            "Un vœu adopté par consentement lors d'un Métrokawa local est porté au "
            f"{council_name('', commune)} : à déposer, déposé, débattu, puis adopté, rejeté "
            "ou reporté, avec la réponse du conseil."
        )
    ]
    if not part.voeux:
        blocks.append(Para("Aucun vœu pour l'instant."))
    for v in part.voeux:
        blocks.extend(_voeu(v, commune))
    return tuple(blocks)


def _voeu(v: VoeuLine, commune: str) -> list[Block]:
    blocks: list[Block] = [Para(f"Vœu {spoken(v.voeu)} : « {v.text} »")]
    if v.proposal is not None and v.vote is not None:
        grade = "" if v.grade is None else f" avec la mention {grade_label(v.grade)}"
        blocks.append(
            Para(
                f"Issu de la proposition « {v.proposal} », adoptée au vote {spoken(v.vote)}"
                f"{grade}, puis par consentement."
            )
        )
    blocks.append(Para(f"Où il en est : {stands(v, commune)}."))
    if not v.steps:
        return blocks
    councils = _councils(v, commune)
    blocks.append(
        Bullets(
            tuple(
                _step_words(step, council) for step, council in zip(v.steps, councils, strict=True)
            )
        )
    )
    for step, council in zip(v.steps, councils, strict=True):
        cite = f"Réponse du {council}, {french_day(step.date)}"
        if step.answer:
            blocks.append(Quote(step.answer, cite))
        if step.link:
            blocks.append(Para("Réponse publiée :" if step.answer else f"{cite} :", link=step.link))
    return blocks


def _voeux_table(c: ProgrammeCahier) -> tuple[Block, ...]:
    if not c.voeux:
        return (Para("Aucun vœu n'a encore été adopté dans les Métrokawa locaux."),)
    adopted = sum(1 for v in c.voeux if v.status == VoeuStatus.ADOPTED.value)
    names = {t.id: t for t in c.territories}
    rows: list[tuple[Cell, ...]] = []
    for t in (*c.territories, None):
        for v in c.voeux:
            if (v.territory if v.territory in names else None) != (t.id if t else None):
                continue
            rows.append(
                (
                    t.name if t else "Métropole",
                    v.text,
                    stands(v, t.commune if t else ""),
                )
            )
    without = [t.name for t in c.territories if not any(v.territory == t.id for v in c.voeux)]
    blocks: list[Block] = [
        Para(
            f"{plural(len(c.voeux), 'vœu', 'vœux')} pour les conseils municipaux ; "
            f"{plural(adopted, 'vœu adopté', 'vœux adoptés')} par son conseil à ce jour. "
            "La partie de chaque territoire détaille les siens, avec les réponses des conseils."
        ),
        Table("Les vœux par territoire", ("Territoire", "Vœu", "Où il en est"), tuple(rows)),
    ]
    if without:
        blocks.append(Para(f"Sans vœu pour l'instant : {', '.join(without)}."))
    return tuple(blocks)


COMPARISON_TITLE: Final = "Comparaison des problèmes entre territoires"


def _comparison_section(c: ProgrammeCahier) -> tuple[Section, ...]:
    """Step 3, when a forum's problems were compared: its groups, shared or local, retained."""
    if not c.comparisons:
        return ()
    blocks: list[Block] = [
        Para(
            "Après le forum numérique, l'animation rassemble les problèmes qui disent la même "
            "chose d'un territoire à l'autre, confirme ou sépare chaque groupe, puis retient "
            "ceux qui seront débattus au Métrokawa métropolitain. Un groupe est partagé quand "
            "ses problèmes viennent de plusieurs territoires, local sinon"
            + (
                f" ; seuls les groupes où {c.focus.name} a un problème sont repris ici."
                if c.focus
                else "."
            )
        )
    ]
    by_id = {s.id: s for s in c.sessions}
    for comparison in c.comparisons:
        forum = by_id.get(comparison.session)
        name = _session_name(forum) if forum else comparison.session
        blocks.append(Heading(f"Forum numérique {name}"))
        blocks.extend(_compared(comparison, by_id))
    return (Section("comparaison", COMPARISON_TITLE, tuple(blocks)),)


def _compared(comparison: Comparison, by_id: Mapping[str, SessionLine]) -> list[Block]:
    if not comparison.reported:
        return [
            Para("Le cahier de ce forum n'est pas repris ici : ses problèmes ne sont pas cités.")
        ]
    groups = comparison.groups
    if not groups:
        return [Para("Aucun groupe.")]
    shared = sum(1 for g in groups if g.scope == "shared")
    retained = sum(1 for g in groups if g.retained)
    rows = tuple(
        (
            str(n),
            " ; ".join(_problem(p) for p in g.problems),
            _scope(g),
            "oui" if g.retained else "non",
            joined([_imported(i, by_id) for i in g.imported]) or "—",
        )
        for n, g in enumerate(groups, start=1)
    )
    return [
        Para(
            f"{plural(len(groups), 'groupe', 'groupes')} : "
            f"{plural(shared, 'partagé', 'partagés')} par plusieurs territoires, "
            f"{plural(len(groups) - shared, 'local', 'locaux')} ; "
            f"{plural(retained, 'retenu', 'retenus')} pour le Métrokawa métropolitain."
        ),
        Table(
            "Les groupes de problèmes comparés",
            ("Groupe", "Problèmes", "Portée", "Retenu", "Repris dans"),
            rows,
        ),
    ]


def _problem(p: ComparedProblem) -> str:
    if p.text is None:
        return f"énoncé {spoken(p.statement)}, non publié dans le forum"
    return f"« {p.text} » ({p.territory or 'territoire inconnu'})"


def _scope(g: ComparedLine) -> str:
    where = ", ".join(g.territories)
    if g.scope == "shared":
        return f"partagé par {len(g.territories)} territoires : {where}"
    return f"local : {where}" if where else "local"


def _imported(i: ImportedInto, by_id: Mapping[str, SessionLine]) -> str:
    s = by_id.get(i.session)
    said = f"énoncé {spoken(i.statement)}"
    return f"{KIND_WORDS.get(s.kind, s.kind)} « {s.title} » ({said})" if s else said


SHIFT_TITLE: Final = "Évolution des avis d'une séance à l'autre"


def _shift_section(c: ProgrammeCahier) -> tuple[Section, ...]:
    """The opinion shift across sessions, when the sessions' states were given."""
    if c.shift is None:
        return ()
    return (Section("evolution", SHIFT_TITLE, _shift(c, c.shift)),)


def _shift(c: ProgrammeCahier, lines: tuple[LinkedShift, ...]) -> tuple[Block, ...]:
    fewer = f"moins de {plural(c.k, 'personne', 'personnes')}"
    blocks: list[Block] = [
        Para(
            "Les participant·e·s qui l'ont accepté sont reconnu·e·s d'une séance à l'autre du "
            "programme par une clé gardée sur leur appareil, jamais par leur nom, et ce cahier "
            "ne nomme personne. Pour chaque énoncé débattu dans plusieurs séances, on compare "
            "la position de chaque personne reconnue dans la première et dans la dernière "
            "séance où elle en a pris une (de −2, tout à fait contre, à +2, tout à fait pour ; "
            "« je passe » n'est pas une position) : l'évolution va de −4 à +4."
        ),
        Para(
            f"Les chiffres d'un énoncé ne sont publiés que si au moins "
            f"{plural(c.k, 'personne', 'personnes')} y ont été reconnues dans deux séances "
            "(k-anonymat) ; sinon, ni leur nombre ni leur évolution ne sont donnés."
        ),
    ]
    if not lines:
        blocks.append(Para("Aucun énoncé n'a encore été débattu dans deux séances du programme."))
        return tuple(blocks)
    names = {s.id: s for s in c.sessions}
    rows: list[tuple[Cell, ...]] = []
    for line in lines:
        held = joined([_session_name(names[sid]) for sid in line.sessions if sid in names])
        if line.hidden or line.people is None:
            rows.append((line.text, held, fewer, "masqué", "masqué", "masqué", "masqué"))
            continue
        rows.append(
            (
                line.text,
                held,
                number(line.people),
                signed(line.mean_change),
                number(line.toward or 0),
                number(line.away or 0),
                number(line.stayed or 0),
            )
        )
    blocks.append(
        Table(
            "Évolution des positions des personnes reconnues, première contre dernière séance",
            (
                "Énoncé",
                "Séances",
                "Personnes reconnues",
                "Évolution moyenne",
                "Plus d'accord",
                "Moins d'accord",
                "Sans changement",
            ),
            tuple(rows),
        )
    )
    if any(line.hidden for line in lines):
        blocks.append(
            Para(
                f"« masqué » : {fewer} reconnues dans deux séances ; ses chiffres ne sont pas "
                "publiés.",
                note=True,
            )
        )
    return tuple(blocks)


def _method(c: ProgrammeCahier) -> tuple[Block, ...]:
    names = {t.id: t.name for t in c.territories}
    focus = c.focus.id if c.focus else None
    sessions = [s for s in c.sessions if focus is None or s.territory in (None, focus)]
    return (
        Table(
            "Les sessions du programme",
            ("Session", "Étape", "Date", "Territoire", "Dans ce cahier"),
            tuple(
                (
                    s.title,
                    KIND_WORDS.get(s.kind, s.kind),
                    french_day(s.date),
                    names.get(s.territory, "—") if s.territory else "tous",
                    "oui" if s.reported else "non" + ("" if s.closed else " (en cours)"),
                )
                for s in sessions
            ),
        ),
        Bullets(
            (
                f"Seuil de {plural(c.k, 'personne', 'personnes')} (k-anonymat) : les chiffres "
                "qu'un cahier de session ne publie pas (un groupe de moins de "
                f"{plural(c.k, 'personne', 'personnes')}, ou masqué avec lui) ne sont pas "
                "publiés ici non plus.",
                "Personne n'est nommé : ce cahier ne reprend ni les notes ni les synthèses des "
                "tables des sessions, ni qui a enregistré le suivi des vœux.",
                "Provenance : chaque énoncé est cité avec sa session, son numéro, sa manche et "
                "sa table ; chaque vœu avec la proposition et le vote dont il est issu.",
                "Reproductible : ce cahier se recalcule à l'identique à partir du journal du "
                "programme et des journaux de ses sessions.",
            )
        ),
    )
