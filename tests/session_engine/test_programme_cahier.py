"""The cahiers across a programme: a programme built with its engine's commands, two real session
logs (the 120-person demo as the metropolitan session, the golden vœux log as La Goutte d'Or's
local session), and what the territory's cahier and the programme's cahier say, written out."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from session_engine.commands import NewTerritory
from session_engine.events import ParticipantJoined
from session_engine.logfile import read_log
from session_engine.programme import (
    AddOrganiser,
    AddSession,
    CloseProgrammeSession,
    CreateProgramme,
    FollowUpVoeu,
    ImportedStatement,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeState,
    RecordedVoeu,
    RecordImports,
    SessionKind,
    VoeuStatus,
    decide,
)
from session_engine.programme.log import run
from session_engine.report import Report, UnknownTerritory, build_report, render_html
from session_engine.report.programme import (
    programme_cahier,
    render_programme_html,
    render_programme_json,
    render_programme_markdown,
)
from session_engine.report.programme_wording import council_name, of

REPLAYS = Path(__file__).resolve().parents[2] / "replays"
DEMO = REPLAYS / "demo-metrokawa-120.mkawa"
GOLDEN = REPLAYS / "golden-v1-voeux.mkawa"

ALICE = ProgrammeContext(
    actor="o1", now=1_790_000_000_000, programme="pg1", email="alice.organisatrice@example.org"
)
# The demo's six territories, as the programme created them (sessions are pre-filled from it).
SIX = (
    NewTerritory(name="La Goutte d'Or", commune="Paris 18e", qpv=True),
    NewTerritory(name="Vincennes centre", commune="Vincennes", qpv=False),
    NewTerritory(name="Les Francs-Moisins", commune="Saint-Denis", qpv=True),
    NewTerritory(name="La Cité des 4000", commune="La Courneuve", qpv=True),
    NewTerritory(name="Issy – Val de Seine", commune="Issy-les-Moulineaux", qpv=False),
    NewTerritory(name="Les Courtillières", commune="Pantin", qpv=True),
)
# The golden log's vœu (vx1), as the server records it when the local session closes.
VOEU = (
    "Créer une ligne de bus de nuit entre Saint-Denis, Paris 18e et Montreuil, avec un arrêt "
    "à l'hôpital Delafontaine."
)
ANSWER = "Le conseil demande à Île-de-France Mobilités d'étudier la ligne avant l'été."
LINK = "https://www.paris.fr/deliberations/2027-DVD-123"


def flat(text: str) -> str:
    """``text`` with French typography's no-break spaces as plain spaces, to compare wording."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@cache
def demo_report(k: int = 5) -> Report:
    header, envelopes = read_log(DEMO.read_bytes())
    return build_report(header, envelopes, k=k)


@cache
def golden_report(k: int = 5) -> Report:
    header, envelopes = read_log(GOLDEN.read_bytes())
    return build_report(header, envelopes, k=k)


def sent(state: ProgrammeState, command: ProgrammeCommand) -> None:
    assert run(state, command, ALICE) is not None, decide(state, command, ALICE)


def a_programme(*follow_ups: FollowUpVoeu) -> ProgrammeState:
    """ps1 the metropolitan session, ps2 La Goutte d'Or's local session (its vœu vx1 followed
    up as given), ps3 Les Courtillières' local session (no report given)."""
    state = ProgrammeState()
    sent(
        state,
        CreateProgramme(
            title="Métrokawa 2027", territories=SIX, theme="Se déplacer la nuit en banlieue"
        ),
    )
    sent(state, AddOrganiser(organiser="o2", email="bob.organisateur@example.org"))
    for session, kind, title, date, territory in (
        ("S-metro", SessionKind.METROPOLITAN, "Métrokawa métropolitain", "2027-01-16", None),
        ("S-goutte", SessionKind.LOCAL, "Métrokawa de la Goutte d'Or", "2027-03-01", "t1"),
        ("S-pantin", SessionKind.LOCAL, "Métrokawa des Courtillières", "2027-03-08", "t6"),
    ):
        sent(
            state,
            AddSession(session=session, kind=kind, title=title, date=date, territory=territory),
        )
    sent(
        state,
        RecordImports(session="ps2", statements=(ImportedStatement(key="ps1-s4", statement="s1"),)),
    )
    sent(state, CloseProgrammeSession(session="ps1"))
    sent(state, CloseProgrammeSession(session="ps2", voeux=(RecordedVoeu(voeu="vx1", text=VOEU),)))
    for follow_up in follow_ups:
        sent(state, follow_up)
    return state


TABLED = FollowUpVoeu(
    session="ps2",
    voeu="vx1",
    status=VoeuStatus.TABLED,
    date="2027-04-01",
    council="conseil municipal de Paris",
)
ADOPTED = FollowUpVoeu(
    session="ps2",
    voeu="vx1",
    status=VoeuStatus.ADOPTED,
    date="2027-05-14",
    answer=ANSWER,
    link=LINK,
)


def reports(local_k: int = 5) -> dict[str, Report]:
    return {"ps1": demo_report(), "ps2": golden_report(local_k)}


def test_the_territory_cahier_gathers_its_problems_proposals_and_voeux_with_their_follow_up() -> (
    None
):
    cahier = programme_cahier(a_programme(TABLED, ADOPTED), reports(), territory="t1")
    md = flat(render_programme_markdown(cahier))
    for expected in (
        "# Cahier de préconisations localisées — La Goutte d'Or",
        "Territoire : La Goutte d'Or, Paris 18e — quartier prioritaire (QPV).",
        "## Les problèmes de La Goutte d'Or",
        # the demo's statements local to La Goutte d'Or (alone, or with one other territory)
        "| Les rues sont sales et les poubelles débordent le week-end. | énoncé 15, problème, "
        "manche 1, table 5 | 1 / 6 : La Goutte d'Or | 100 % | 48 % |",
        "| Le trafic de drogue au pied des immeubles fait peur aux familles. | énoncé 11, "
        "problème, manche 1, table 2 | 2 / 6 : La Goutte d'Or, La Cité des 4000 | 80 % | 44 % |",
        # its local session's statements, the imported one marked
        "| Les bus de nuit ne desservent pas les quartiers après minuit. | énoncé 1, problème, "
        "manche 1, table 2 ; repris d'une étape précédente du programme | 100 % |",
        # a metropolitan problem shared by all six
        "| Tout se fait en ligne et beaucoup de gens sont perdus dans leurs démarches. | "
        "énoncé 4, problème, manche 1, table 5 | 6 / 6 : La Goutte d'Or, Vincennes centre, "
        "Les Francs-Moisins, La Cité des 4000, Issy – Val de Seine, Les Courtillières | 94 % | "
        "94 % |",
        # its local session's proposals, ranked, the majority grade in words
        "**Métrokawa de la Goutte d'Or, vote 1 : 20 votant·e·s**",
        "| 1er | Créer une ligne de bus de nuit entre Saint-Denis, Paris 18e et Montreuil. | "
        "Très bien | oui |",
        "| 3e | Prolonger le métro d'une heure le vendredi et le samedi. | Passable | non |",
        # its vœu, where it came from, and its life at the council
        f"Vœu 1 : « {VOEU} »",
        "adoptée au vote 1 avec la mention Très bien, puis par consentement.",
        "Où il en est : adopté le 14 mai 2027.",
        "- déposé au conseil municipal de Paris le 1er avril 2027\n- adopté le 14 mai 2027",
        f"> {ANSWER}\n>\n> — Réponse du conseil municipal de Paris, 14 mai 2027",
        f"Réponse publiée : <{LINK}>",
    ):
        assert expected in md, expected
    # Not La Goutte d'Or's: statements local to Issy – Val de Seine and to Les Courtillières.
    assert "Le réseau mobile passe mal dans certains immeubles." not in md
    assert "Il n'y a pas de supermarché à prix abordable à distance de marche." not in md
    assert "Les Courtillières (Pantin" not in md


# Where a vœu stands after each list of steps at its council: the table of the rule.
STANDS = [
    ((), "à déposer"),
    (
        (("tabled", "2027-03-14", "conseil municipal de Clichy-sous-Bois"),),
        "déposé au conseil municipal de Clichy-sous-Bois le 14 mars 2027",
    ),
    (
        (("tabled", "2027-03-14", "Les Lilas"),),
        "déposé au conseil municipal des Lilas le 14 mars 2027",
    ),
    ((("tabled", "2027-03-14", "CM"), ("debated", "2027-04-01", "")), "débattu le 1er avril 2027"),
    ((("tabled", "2027-03-14", "CM"), ("adopted", "2027-04-02", "")), "adopté le 2 avril 2027"),
    ((("tabled", "2027-03-14", "CM"), ("rejected", "2027-04-02", "")), "rejeté le 2 avril 2027"),
    ((("tabled", "2027-03-14", "CM"), ("postponed", "2027-04-02", "")), "reporté le 2 avril 2027"),
    (
        (
            ("tabled", "2027-03-14", "Montreuil"),
            ("postponed", "2027-04-02", ""),
            ("tabled", "2027-06-30", "conseil municipal de Montreuil"),
        ),
        "déposé au conseil municipal de Montreuil le 30 juin 2027",
    ),
]


@pytest.mark.parametrize(("steps", "expected"), STANDS)
def test_where_a_voeu_stands_in_french(
    steps: tuple[tuple[str, str, str], ...], expected: str
) -> None:
    follow_ups = [
        FollowUpVoeu(
            session="ps2", voeu="vx1", status=VoeuStatus(status), date=date, council=council
        )
        for status, date, council in steps
    ]
    cahier = programme_cahier(a_programme(*follow_ups), {})
    md = flat(render_programme_markdown(cahier))
    assert f"Où il en est : {expected}." in md
    assert f"| La Goutte d'Or | {VOEU} | {expected} |" in md


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pantin", "de Pantin"),
        ("La Courneuve", "de La Courneuve"),
        ("Issy-les-Moulineaux", "d'Issy-les-Moulineaux"),
        ("Épinay-sur-Seine", "d'Épinay-sur-Seine"),
        ("Le Blanc-Mesnil", "du Blanc-Mesnil"),
        ("Les Lilas", "des Lilas"),
        ("Houilles", "de Houilles"),
    ],
)
def test_de_before_a_place_name_as_french_contracts_it(name: str, expected: str) -> None:
    assert of(name) == expected


@pytest.mark.parametrize(
    ("council", "commune", "expected"),
    [
        ("", "Pantin", "conseil municipal de Pantin"),
        ("", "", "conseil municipal"),
        ("Aubervilliers", "Pantin", "conseil municipal d'Aubervilliers"),
        ("conseil municipal de Paris", "Paris 18e", "conseil municipal de Paris"),
        ("Conseil de territoire Est Ensemble", "Pantin", "Conseil de territoire Est Ensemble"),
    ],
)
def test_the_council_a_voeu_goes_to(council: str, commune: str, expected: str) -> None:
    assert council_name(council, commune) == expected


def test_the_programme_cahier_has_a_title_page_every_voeu_and_each_territory() -> None:
    state = a_programme(TABLED)
    sent(
        state,
        AddSession(
            session="S-metro2", kind=SessionKind.METROPOLITAN, title="Bilan", date="2027-09-20"
        ),
    )
    sent(
        state,
        CloseProgrammeSession(
            session="ps4", voeux=(RecordedVoeu(voeu="vx1", text="Un forum annuel des territoires"),)
        ),
    )
    md = flat(render_programme_markdown(programme_cahier(state, reports())))
    title_page = md.split("## Les vœux et où ils en sont")[0]
    for expected in (
        "# Cahier du programme — Métrokawa 2027",
        "Thème : Se déplacer la nuit en banlieue.",
        "6 territoires, dont 4 quartiers prioritaires de la politique de la ville (QPV) :",
        "La Goutte d'Or, Paris 18e — quartier prioritaire (QPV)\n",
        "Vincennes centre, Vincennes\n",
        "Les Francs-Moisins, Saint-Denis — quartier prioritaire (QPV)\n",
        "La Cité des 4000, La Courneuve — quartier prioritaire (QPV)\n",
        "Issy – Val de Seine, Issy-les-Moulineaux\n",
        "Les Courtillières, Pantin — quartier prioritaire (QPV)\n",
        "Établi à partir des cahiers de 2 sessions sur 4",
    ):
        assert expected in title_page, expected
    for expected in (
        "2 vœux pour les conseils municipaux ; 0 vœu adopté par son conseil à ce jour.",
        f"| La Goutte d'Or | {VOEU} | déposé au conseil municipal de Paris le 1er avril 2027 |",
        "| Métropole | Un forum annuel des territoires | à déposer |",
        "Sans vœu pour l'instant : Vincennes centre, Les Francs-Moisins, La Cité des 4000, "
        "Issy – Val de Seine, Les Courtillières.",
        # one part per territory, in the programme's order
        "## La Goutte d'Or (Paris 18e, QPV)\n\n### Les problèmes de La Goutte d'Or",
        "## Vincennes centre (Vincennes)\n\n### Les problèmes de Vincennes centre",
        "## Les Courtillières (Pantin, QPV)\n\n### Les problèmes des Courtillières",
        "Vincennes centre n'a pas encore tenu son Métrokawa local.",
        "Le cahier du Métrokawa local « Métrokawa des Courtillières » (8 mars 2027) n'est pas "
        "repris ici.",
        "| Métrokawa des Courtillières | Métrokawa local | 8 mars 2027 | Les Courtillières | "
        "non (en cours) |",
    ):
        assert expected in md, expected
    parts = [line for line in md.splitlines() if line.startswith("## ")]
    assert parts == [
        "## Sommaire",
        "## Les vœux et où ils en sont",
        "## La Goutte d'Or (Paris 18e, QPV)",
        "## Vincennes centre (Vincennes)",
        "## Les Francs-Moisins (Saint-Denis, QPV)",
        "## La Cité des 4000 (La Courneuve, QPV)",
        "## Issy – Val de Seine (Issy-les-Moulineaux)",
        "## Les Courtillières (Pantin, QPV)",
        "## Sessions, méthode et protection des personnes",
    ]


def _style(page: str) -> str:
    return page.split("<style>", 1)[1].split("</style>", 1)[0]


def test_the_html_is_a_whole_page_that_prints_like_the_session_cahier() -> None:
    state = a_programme(TABLED, ADOPTED)
    page = render_programme_html(programme_cahier(state, reports()))
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert page.endswith("</html>\n")
    assert _style(page) == _style(render_html(golden_report()))  # the same CSS, print included
    assert "@page { size: A4;" in _style(page)
    assert '<section id="territoire-t1" aria-labelledby="territoire-t1-titre">' in page
    assert "<title>Cahier du programme — Métrokawa 2027</title>" in page
    assert f'<p>Réponse publiée\u00a0: <a href="{LINK}">{LINK}</a></p>' in page
    assert "adopté le 14\u00a0mai" not in page  # a date is not typeset away from its words
    assert "Où il en est\u00a0: adopté le 14 mai 2027." in page
    assert "<script" not in page


def test_what_organisers_typed_is_escaped_in_html_and_markdown() -> None:
    state = a_programme()
    sent(
        state,
        FollowUpVoeu(
            session="ps2",
            voeu="vx1",
            status=VoeuStatus.TABLED,
            date="2027-04-01",
            council='<img src=x onerror="alert(1)">',
            answer="<script>alert(2)</script>",
            link='https://example.org/"><script>alert(3)</script>',
        ),
    )
    page = render_programme_html(programme_cahier(state, {}, territory="t1"))
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in page
    md = render_programme_markdown(programme_cahier(state, {}, territory="t1"))
    assert "<script>" not in md  # not an autolink (it holds < and >): escaped text
    assert 'https://example.org/"\\>\\<script\\>alert(3)\\</script\\>' in md


def test_a_figure_a_session_report_hides_stays_hidden() -> None:
    # The local session's report built at k = 21: its 20 ballots are too few, so its vote shows
    # no figure, and its statements' shares none either (18 participants).
    state = a_programme(TABLED)
    hidden = programme_cahier(state, reports(local_k=21), territory="t1")
    md = flat(render_programme_markdown(hidden))
    proposals = md.split("## Les propositions du Métrokawa local")[1].split("## Les vœux")[0]
    assert (
        "Le vote 1 du Métrokawa local « Métrokawa de la Goutte d'Or » : moins de 21 personnes, "
        "ou masqué pour qu'on ne retrouve pas par soustraction les chiffres d'un groupe de "
        "moins de 21 personnes. Ses chiffres ne sont pas publiés." in proposals
    )
    assert "Créer une ligne de bus de nuit entre Saint-Denis" not in proposals
    for figure in ("votant", "Très bien", "Bien", "Passable", "1er", "2e", "| oui |"):
        assert figure not in proposals, figure
    assert "adoptée au vote 1, puis par consentement." in md  # no grade for the vœu either
    assert "Très bien" not in md.split("## Les vœux et leur suivi")[1]
    assert (
        "Aucun énoncé du Métrokawa local « Métrokawa de la Goutte d'Or » (1er mars 2027) n'est "
        "cité : aucun n'a été approuvé par un territoire dont les chiffres sont publiés." in md
    )
    data = json.loads(render_programme_json(hidden))
    (vote,) = data["parts"][0]["votes"]
    assert vote["hidden"] is True
    assert vote["voters"] is None
    assert vote["proposals"] == []  # the session's report lists none: nor does this one
    assert data["voeux"][0]["grade"] is None
    assert data["k"] == 21
    # The same programme with the report at k = 5 shows them: the assertions above can fail.
    shown = flat(render_programme_markdown(programme_cahier(state, reports(), territory="t1")))
    assert "| 1er | Créer une ligne de bus de nuit" in shown


def test_no_pseudonym_nor_organiser_appears_in_any_format() -> None:
    pseudonyms = {
        envelope.event.pseudonym
        for path in (DEMO, GOLDEN)
        for envelope in read_log(path.read_bytes())[1]
        if isinstance(envelope.event, ParticipantJoined)
    }
    assert len(pseudonyms) > 100  # the demo's 120 people and the golden log's

    def named(text: str) -> list[str]:
        return [p for p in pseudonyms if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]

    assert named(render_html(demo_report()))  # the session's cahier names some (consent)
    state = a_programme(TABLED, ADOPTED)
    cahiers = [programme_cahier(state, reports())] + [
        programme_cahier(state, reports(), territory=t) for t in state.territories
    ]
    for cahier in cahiers:
        for text in (
            render_programme_markdown(cahier),
            render_programme_html(cahier),
            render_programme_json(cahier),
        ):
            assert named(text) == []
            assert "Participant·e" not in text
            assert "example.org" not in text
            assert '"o1"' not in text
            assert '"o2"' not in text


def test_a_territory_is_named_by_its_id_or_its_name_and_an_unknown_one_is_refused() -> None:
    state = a_programme()
    by_name = programme_cahier(state, reports(), territory="les courtillières")
    assert by_name.focus is not None
    assert by_name.focus.id == "t6"
    assert [p.territory.id for p in by_name.parts] == ["t6"]
    with pytest.raises(UnknownTerritory) as refused:
        programme_cahier(state, reports(), territory="t9")
    assert [t.name for t in refused.value.known][:2] == ["La Goutte d'Or", "Vincennes centre"]


def test_the_same_programme_and_reports_give_the_same_bytes() -> None:
    state = a_programme(TABLED, ADOPTED)
    first = render_programme_html(programme_cahier(state, reports()))
    assert render_programme_html(programme_cahier(state, reports())) == first
