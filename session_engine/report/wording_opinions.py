"""The cahier's sections on what the room thinks, in French: problems shared across the
metropolis or local to a territory, consensual and divisive statements, opinion groups, how
positions moved, and the minority views a cahier must keep.

Figures of a group under ``k`` voters are never shown; a sentence says so.
"""

from __future__ import annotations

from .blocks import Bar, Block, Cell, Heading, Para, Table
from .french import end_reason, number, percent, plural, provenance, signed, spoken
from .model import ScopeLine
from .words import Words


def scopes_title(w: Words) -> str:
    focus = w.report.focus
    if focus:
        return f"Ce que {focus.name} partage avec les autres territoires"
    return "Problèmes partagés et problèmes locaux"


def _scope_row(w: Words, s: ScopeLine) -> tuple[Cell, ...]:
    agreed = ", ".join(w.territory(t) for t in s.agreed_in)
    return (
        s.statement.text,
        provenance(s.statement),
        f"{len(s.agreed_in)} / {s.eligible} : {agreed}",
        Bar(s.statement.agree, "Part d'accord dans la salle"),
    )


def scopes(w: Words) -> tuple[Block, ...]:
    r, m = w.report, w.report.method
    head = ("Énoncé", "Provenance", "D'accord dans", "Accord (salle)")
    blocks: list[Block] = [
        Para(
            "Un territoire est d'accord avec un énoncé quand au moins "
            f"{percent(m.agree_threshold)} de ses votant·e·s sont plutôt ou tout à fait pour. "
            f"Un énoncé est partagé quand au moins {m.shared_min} territoires sont d'accord "
            "(ou tous ceux dont les chiffres sont publiés, au moins deux) ; il est local "
            "quand un territoire ou quelques-uns seulement le sont. C'est la question du "
            "programme : quelles problématiques sont communes à la métropole, lesquelles "
            "sont propres à un quartier."
        )
    ]
    groups: list[tuple[str, list[ScopeLine]]]
    if r.focus:
        fid = r.focus.id
        groups = [
            (
                "Partagés avec d'autres territoires",
                [s for s in r.scopes if s.scope == "shared" and fid in s.agreed_in],
            ),
            (f"Propres à {r.focus.name} (locaux)", [s for s in r.scopes if s.scope == "local"]),
            (
                "Partagés ailleurs, sans l'accord de ce territoire",
                [s for s in r.scopes if s.scope == "shared" and fid not in s.agreed_in],
            ),
        ]
    else:
        groups = [
            (
                "Problèmes et idées partagés à l'échelle de la métropole",
                [s for s in r.scopes if s.scope == "shared"],
            ),
            ("Problèmes et idées locaux", [s for s in r.scopes if s.scope == "local"]),
        ]
    for title, lines in groups:
        blocks.append(Heading(title))
        for kind, label in (("problem", "Problèmes"), ("idea", "Idées")):
            chosen = [s for s in lines if s.statement.kind == kind]
            if chosen:
                blocks.append(
                    Table(
                        f"{title} : {label.lower()}",
                        head,
                        tuple(_scope_row(w, s) for s in chosen),
                    )
                )
        if not lines:
            blocks.append(Para("Aucun énoncé."))
    return tuple(blocks)


def consensus(w: Words) -> tuple[Block, ...]:
    r = w.report
    blocks: list[Block] = [
        Para(
            "Consensuels : la salle, chaque groupe d'opinion et chaque territoire dont les "
            "chiffres sont publiés y sont favorables (au moins "
            f"{percent(r.method.agree_threshold)} d'accord). Qui divisent : les groupes "
            "d'opinion s'y opposent le plus nettement."
        ),
        Heading("Énoncés consensuels"),
    ]
    if r.consensus:
        blocks.append(
            Table(
                "Énoncés consensuels, du plus au moins consensuel",
                ("Énoncé", "Provenance", "Votant·e·s", "Accord (salle)"),
                tuple(
                    (s.text, provenance(s), number(s.voters), Bar(s.agree, "Part d'accord"))
                    for s in r.consensus
                ),
            )
        )
    else:
        blocks.append(Para("Aucun énoncé ne fait consensus dans toute la salle."))
    blocks.append(Heading("Énoncés qui divisent"))
    if not r.divisive:
        blocks.append(Para("Aucun énoncé ne divise nettement les groupes d'opinion."))
        return tuple(blocks)
    names = [g.group for g in r.divisive[0].groups]
    blocks.append(
        Table(
            "Énoncés qui divisent, du plus au moins clivant : part d'accord par groupe",
            ("Énoncé", "Provenance", *(f"Groupe {n}" for n in names)),
            tuple(
                (
                    d.statement.text,
                    provenance(d.statement),
                    *(
                        "masqué" if g.agree is None else Bar(g.agree, f"Groupe {g.group}")
                        for g in d.groups
                    ),
                )
                for d in r.divisive
            ),
        )
    )
    return tuple(blocks)


def groups(w: Words) -> tuple[Block, ...]:
    g = w.report.groups
    intro = (
        "Les participant·e·s sont regroupé·e·s selon leurs positions, comme le fait Pol.is : "
        "analyse en composantes principales, puis k-moyennes, le nombre de groupes (2 à 5) "
        "étant choisi par la silhouette. Seules les personnes ayant pris au moins "
        f"{plural(g.min_positions, 'position', 'positions')} sont regroupées "
        f"({number(g.clustered)} ; {plural(g.left_out, 'laissée', 'laissées')} de côté)."
    )
    if not g.groups:
        return (Para(intro), Para("Trop peu de positions pour former des groupes d'opinion."))
    blocks: list[Block] = [Para(intro)]
    focus = w.report.focus
    for line in g.groups:
        here = ""
        if focus:
            here = (
                f" ; de {focus.name} : moins de {w.k} (masqué)"
                if line.here is None
                else f" ; de {focus.name} : {number(line.here)}"
            )
        blocks.append(
            Heading(f"Groupe {line.name} : {plural(line.size, 'personne', 'personnes')}{here}")
        )
        if not line.representative:
            blocks.append(
                Para("Aucun énoncé ne distingue nettement ce groupe du reste de la salle.")
            )
            continue
        blocks.append(
            Table(
                f"Ce qui distingue le groupe {line.name}",
                ("Énoncé", "Provenance", "Le groupe est", "Dans le groupe", "Ailleurs"),
                tuple(
                    (
                        rep.statement.text,
                        provenance(rep.statement),
                        "pour" if rep.direction == "agree" else "contre",
                        Bar(rep.group_share, f"Groupe {line.name}"),
                        Bar(rep.rest_share, "Reste de la salle"),
                    )
                    for rep in line.representative
                ),
            )
        )
    return tuple(blocks)


def shift(w: Words) -> tuple[Block, ...]:
    s = w.report.shift
    blocks: list[Block] = [
        Para(
            "Comme dans un sondage délibératif, on compare la première et la dernière position "
            "de chaque personne sur chaque énoncé où elle s'est prononcée au moins deux fois. "
            "Le déplacement moyen va de −4 (de « tout à fait pour » à « tout à fait contre ») "
            "à +4."
        )
    ]
    rows: list[tuple[Cell, ...]] = []
    hidden = []
    for line in s.lines:
        name = w.territory(line.group)
        if line.hidden:
            hidden.append(name)
            rows.append((name, number(line.people), number(line.pairs), "masqué", "masqué"))
        else:
            rows.append(
                (
                    name,
                    number(line.people),
                    number(line.pairs),
                    Bar(line.changed_share, "Positions changées"),
                    signed(line.mean_shift),
                )
            )
    blocks.append(
        Table(
            "Évolution des positions, première contre dernière",
            ("Qui", "Personnes", "Paires mesurées", "Positions changées", "Déplacement moyen"),
            tuple(rows),
        )
    )
    if hidden:
        blocks.append(Para(w.hidden_sentence(", ".join(hidden)), note=True))
    if s.statements:
        blocks.append(Heading("Les énoncés sur lesquels les positions ont le plus bougé"))
        blocks.append(
            Table(
                "Les plus grands déplacements moyens"
                + (f" à {w.report.focus.name}" if w.report.focus else ""),
                ("Énoncé", "Provenance", "Paires", "Déplacement moyen"),
                tuple(
                    (
                        m.statement.text,
                        provenance(m.statement),
                        number(m.shift.pairs),
                        signed(m.shift.mean_shift),
                    )
                    for m in s.statements
                ),
            )
        )
    return tuple(blocks)


def minority(w: Words) -> tuple[Block, ...]:
    r = w.report
    blocks: list[Block] = [
        Para(
            "Un cahier doit garder trace de ce qui n'a pas fait majorité : les énoncés qu'un "
            f"groupe d'opinion soutient fortement (au moins {percent(r.method.agree_threshold)} "
            "d'accord) alors que la salle, dans son ensemble, ne les soutient pas"
            + (
                "."
                if w.forum is not None  # a forum has no consent round, hence no objection
                else ", et les objections restées sans réponse quand un tour de consentement a "
                "été abandonné."
            )
        )
    ]
    if r.minority:
        blocks.append(
            Table(
                "Énoncés soutenus par un groupe, pas par la salle",
                ("Groupe", "Énoncé", "Provenance", "Dans le groupe", "Dans la salle"),
                tuple(
                    (
                        f"{m.group} ({number(m.group_size)})",
                        m.statement.text,
                        provenance(m.statement),
                        Bar(m.group_share, f"Groupe {m.group}"),
                        Bar(m.statement.agree, "Salle"),
                    )
                    for m in r.minority
                ),
            )
        )
    else:
        blocks.append(Para("Aucun groupe ne soutient fortement un énoncé que la salle écarte."))
    if w.forum is not None:
        return tuple(blocks)
    if r.unresolved:
        blocks.append(
            Table(
                "Objections non résolues des tours abandonnés",
                ("Proposition", "Objection", "Tour"),
                tuple(
                    (
                        u.proposal_text,
                        u.objection.text,
                        f"tour {spoken(u.consent)}, {end_reason(u.end_reason)}",
                    )
                    for u in r.unresolved
                ),
            )
        )
    else:
        blocks.append(Para("Aucune objection n'est restée sans réponse."))
    return tuple(blocks)
