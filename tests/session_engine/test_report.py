"""The cahier de préconisations: each section on a small hand-built session, the privacy rules
(pseudonyms, k-anonymity), the territory focus, the three formats, and the demo's golden files.

The golden files in ``replays/`` are the reports of the two golden logs of schema version 1: the
demo archive and ``golden-v1-voeux.mkawa`` (built by ``replays/make_golden_voeux.py``, with every
event type). When a change of the report is meant, regenerate them and review the diff:

    METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_report.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import msgspec
import pytest

from session_engine import Envelope, LogHeader, codec, read_log
from session_engine.events import (
    EVENT_TYPES,
    AnnotationAdded,
    ConsentAbandoned,
    Event,
    ObjectionResolved,
    ParticipantJoined,
    PositionTaken,
    ProposalPromoted,
    StatementHidden,
    SynthesisSubmitted,
    VoeuAdopted,
)
from session_engine.model import Grade, anonymous_pseudonym
from session_engine.report import (
    FORMATS,
    Report,
    UnknownTerritory,
    build_report,
    french_date,
    french_day,
    render,
    render_html,
    render_json,
    render_markdown,
)
from session_engine.report import _text_bar as text_bar

from .harness import (
    T0,
    a_proposal,
    a_running_round,
    a_session,
    a_statement,
    ballot,
    consent_opened,
    joined,
    objection_raised,
    seated,
    table,
    vote_closed,
    vote_opened,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
UPDATE = os.environ.get("METROKAWA_UPDATE_GOLDEN") == "1"
HEADER = LogHeader(session="plaine-1", title="Métrokawa de Plaine Commune", created_at=T0)


def log(*groups: list[Event]) -> list[Envelope]:
    events = [event for group in groups for event in group]
    return [
        Envelope(seq=i, at=T0 + i, actor="system", cmd=None, event=event)
        for i, event in enumerate(events, 1)
    ]


def report(*groups: list[Event], k: int = 5, territory: str | None = None) -> Report:
    return build_report(HEADER, log(*groups), k=k, territory=territory)


def every_format(r: Report) -> dict[str, str]:
    return {f: render(r, f) for f in FORMATS}


# --- a vote and two proposals ---------------------------------------------------------------------

A_VOTE = [
    *a_running_round(),
    *a_proposal("pr1", statement="s1"),
    *a_proposal("pr2", statement="s2", text="Fermer la dalle le soir."),
    *vote_opened("v1", "pr1", "pr2"),
    *ballot("v1", "p1", pr1=Grade.BIEN, pr2=Grade.PASSABLE),
    *ballot("v1", "p2", pr1=Grade.BIEN, pr2=Grade.INSUFFISANT),
    *ballot("v1", "p3", pr1=Grade.TRES_BIEN, pr2=Grade.PASSABLE),
    *vote_closed("v1"),
]


def test_adopted_proposals_are_those_graded_assez_bien_or_better() -> None:
    r = report(A_VOTE, k=3)
    assert [p.proposal for p in r.adopted] == ["pr1"]
    assert r.adopted[0].grade == Grade.BIEN
    assert r.adopted[0].profile == (0, 0, 0, 0, 2, 1, 0)
    assert (r.adopted[0].source and (r.adopted[0].source.round, r.adopted[0].source.table)) == (
        1,
        1,
    )
    assert [(p.proposal, p.rank, p.adopted) for p in r.votes[0].proposals] == [
        ("pr1", 1, True),
        ("pr2", 2, False),
    ]
    md = render_markdown(r)
    assert "Mention majoritaire\u00a0: Bien (3 jugements)" in md
    assert "Proposition 1, issue de l'énoncé 1, problème, manche 1, table 1" in md


def test_a_proposal_judged_again_is_adopted_only_by_its_last_vote() -> None:
    again = [
        *vote_opened("v2", "pr1"),
        *ballot("v2", "p1", pr1=Grade.A_REJETER),
        *ballot("v2", "p2", pr1=Grade.INSUFFISANT),
        *vote_closed("v2"),
    ]
    r = report(A_VOTE, again, k=2)
    assert r.adopted == ()
    assert not r.votes[0].proposals[0].adopted


def test_support_per_territory_under_k_voters_is_hidden_with_a_sentence() -> None:
    r = report(A_VOTE, k=3)  # 3 voters: 2 in t1, 1 in t2, both under k = 3
    supports = r.adopted[0].territories
    assert [(s.territory, s.voters, s.hidden, s.grade, s.profile) for s in supports] == [
        ("t1", 2, True, None, None),
        ("t2", 1, True, None, None),
        ("t3", 0, True, None, None),
    ]
    md = render_markdown(r)
    assert "La Goutte d'Or, Pleyel, Les Courtillières\u00a0: moins de 3 personnes" not in md
    assert "Franc-Moisin, Pleyel, Les Courtillières\u00a0: moins de 3 personnes" in md
    assert "k-anonymat" in md
    assert report(A_VOTE).votes[0].hidden  # 3 voters in all: under k = 5, no ranking at all
    assert "Le vote 1\u00a0: moins de 5 personnes" in render_markdown(report(A_VOTE))
    shown = report(A_VOTE, k=1).adopted[0].territories
    assert [(s.territory, s.grade) for s in shown] == [
        ("t1", Grade.BIEN),
        ("t2", Grade.BIEN),
        ("t3", None),
    ]


def test_an_open_vote_shows_no_result() -> None:
    r = report(a_running_round(), a_proposal(), vote_opened("v1", "pr1"))
    assert r.votes[0].open
    assert r.adopted == ()
    assert "Le vote 1 est encore ouvert\u00a0: pas de résultat." in render_markdown(r)


def test_without_a_vote_the_cahier_says_so() -> None:
    md = render_markdown(report(a_running_round()))
    assert "Aucun vote au jugement majoritaire n'a eu lieu pendant cette session." in md


# --- vœux -----------------------------------------------------------------------------------------

ADOPTED = [*a_running_round(), *A_VOTE[len(a_running_round()) :]]
AMENDED = "Réparer les ascenseurs sous deux jours."
OUTCOME = "Consentement de la salle ; à présenter au conseil municipal de Saint-Denis."


def test_a_voeu_shows_its_objections_resolved_and_the_outcome_statement() -> None:
    r = report(
        ADOPTED,
        consent_opened("c1", "pr1", grade=Grade.BIEN),
        objection_raised("o1", "c1", author="p2"),
        objection_raised("o2", "c1", author="p3", text="Et les week-ends ?"),
        [
            ObjectionResolved(objection="o1", consent="c1", resolution="amended", wording=AMENDED),
            ObjectionResolved(objection="o2", consent="c1", resolution="withdrawn", wording=None),
            VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=AMENDED, outcome=OUTCOME),
        ],
        k=3,
    )
    (line,) = r.consents
    assert (line.status, line.voeu, line.wording, line.outcome) == (
        "adopted",
        "vx1",
        AMENDED,
        OUTCOME,
    )
    assert [(o.id, o.resolution) for o in line.objections] == [
        ("o1", "amended"),
        ("o2", "withdrawn"),
    ]
    assert r.unresolved == ()
    md = render_markdown(r)
    assert f"### Vœu 1\u00a0: {AMENDED}" in md
    assert "> Consentement de la salle\u202f; à présenter au conseil municipal" in md
    assert "levée par un amendement" in md
    assert "retirée par son auteur·rice" in md
    assert "1 vœu adopté sur 1 tour de consentement" in md


def test_an_abandoned_round_keeps_its_unresolved_objections_among_the_minority_views() -> None:
    r = report(
        ADOPTED,
        consent_opened("c1", "pr1"),
        objection_raised("o1", "c1", author="p2", text="Huit jours, c'est trop long."),
        [ConsentAbandoned(consent="c1", reason="facilitator")],
        k=3,
    )
    assert r.consents[0].status == "abandoned"
    assert [(u.consent, u.objection.text) for u in r.unresolved] == [
        ("c1", "Huit jours, c'est trop long.")
    ]
    md = render_markdown(r)
    assert "abandonné par l'animation" in md
    assert "**Objections non résolues des tours abandonnés**" in md


def test_without_a_consent_round_the_cahier_says_plainly_there_is_no_voeu() -> None:
    md = render_markdown(report(A_VOTE, k=3))
    assert "Aucun vœu n'a été adopté pendant cette session" in md


# --- pseudonyms -----------------------------------------------------------------------------------

SECRET = "Zoé Secrète"
SHOWN = "Yanis Affiché"


def named_session() -> list[Event]:
    """p1 did not consent (hosts table 1, writes a synthesis, objects); p2 did."""
    return [
        *a_session(),
        joined("p1", territory="t1", pseudonym=SECRET, consent=False),
        joined("p2", territory="t2", pseudonym=SHOWN, consent=True),
        joined("p3", territory="t1"),
        joined("p4", territory="t2"),
        *seated(table(1, "p1", "p1", "p2"), table(2, "p3", "p3", "p4")),
        *a_running_round()[-1:],
        *A_VOTE[len(a_running_round()) :],
        SynthesisSubmitted(round=1, table=1, host="p1", text="Les ascenseurs d'abord."),
        SynthesisSubmitted(round=1, table=2, host="p2", text="La dalle ensuite."),
        *consent_opened("c1", "pr1"),
        *objection_raised("o1", "c1", author="p1"),
    ]


def test_the_pseudonym_of_whoever_did_not_consent_never_appears_in_any_format() -> None:
    for form, text in every_format(report(named_session())).items():
        assert SECRET not in text, form
        assert anonymous_pseudonym("p1") in text, form
        assert SHOWN in text, form


OBJECTORS = {"p2": "Nadia Objecte", "p4": "Karim Objecte"}  # both consented to be named


def objecting_session() -> list[Event]:
    """p2 and p4 (consenting, never hosts) and p1 (not consenting) raise objections: one amended,
    one withdrawn, then one left unresolved by an abandoned round."""
    return [
        *a_session(),
        joined("p1", territory="t1", pseudonym=SECRET, consent=False),
        joined("p2", territory="t2", pseudonym=OBJECTORS["p2"], consent=True),
        joined("p3", territory="t1", pseudonym=SHOWN, consent=True),
        joined("p4", territory="t2", pseudonym=OBJECTORS["p4"], consent=True),
        *seated(table(1, "p3", "p3", "p2"), table(2, "p3", "p1", "p4")),
        *a_running_round()[-1:],
        *A_VOTE[len(a_running_round()) :],
        *consent_opened("c1", "pr1"),
        *objection_raised("o1", "c1", author="p2"),
        *objection_raised("o2", "c1", author="p4", text="Et les week-ends ?"),
        ObjectionResolved(objection="o1", consent="c1", resolution="amended", wording=AMENDED),
        ObjectionResolved(objection="o2", consent="c1", resolution="withdrawn", wording=None),
        VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=AMENDED, outcome=OUTCOME),
        *consent_opened("c2", "pr2", text="Fermer la dalle le soir."),
        *objection_raised("o3", "c2", author="p1", text="La dalle est le seul passage."),
        *objection_raised("o4", "c2", author="p2", text="Et les livreurs ?"),
        ConsentAbandoned(consent="c2", reason="facilitator"),
    ]


def test_no_format_names_who_raised_an_objection_even_one_who_consented() -> None:
    r = report(objecting_session(), k=1)
    assert len(r.consents) == 2  # the objections are all there
    assert len(r.unresolved) == 2
    assert "author" not in msgspec.to_builtins(r.consents[0].objections[0])
    for form, text in every_format(r).items():
        for name in (*OBJECTORS.values(), SECRET, anonymous_pseudonym("p1")):
            assert name not in text, (form, name)
        assert '"author"' not in text, form
        assert "Par" not in re.findall(r"\w+", text), form  # no "Par" column any more
        typeset = form != "json"  # the JSON is data: the texts as they were written
        assert ("Et les livreurs\u202f?" if typeset else "Et les livreurs ?") in text, form
        assert ("Et les week-ends\u202f?" if typeset else "Et les week-ends ?") in text, form


def test_the_method_says_how_many_consented() -> None:
    r = report(named_session())
    assert (r.method.consented, r.method.participants) == (1, 4)
    assert "1 participant·e sur 4 a accepté que son pseudonyme apparaisse" in render_markdown(r)


# --- syntheses, territories, focus ----------------------------------------------------------------


def test_syntheses_are_listed_per_round_and_table_with_their_host_and_territories() -> None:
    r = report(named_session())
    (round_,) = r.syntheses
    assert [(s.round, s.table, s.host, s.territories) for s in round_.syntheses] == [
        (1, 1, anonymous_pseudonym("p1"), ("t1", "t2")),
        (1, 2, SHOWN, ("t1", "t2")),
    ]
    assert "Table 1, manche 1\u202f; hôte\u00a0: Participant·e 1" in render_markdown(r)


def test_a_focus_keeps_the_tables_where_the_territory_sat() -> None:
    events = [
        *a_session(),
        joined("p1", territory="t1"),
        joined("p2", territory="t1"),
        joined("p3", territory="t2"),
        joined("p4", territory="t2"),
        *seated(table(1, "p1", "p1", "p2"), table(2, "p3", "p3", "p4")),
        *a_running_round()[-1:],
        SynthesisSubmitted(round=1, table=1, host="p1", text="Table de Franc-Moisin."),
        SynthesisSubmitted(round=1, table=2, host="p3", text="Table de Pleyel."),
    ]
    whole = report(events)
    focused = report(events, territory="Pleyel")
    assert len(whole.syntheses[0].syntheses) == 2
    assert [s.table for s in focused.syntheses[0].syntheses] == [2]
    assert focused.focus is not None
    assert focused.focus.id == "t2"
    assert [p.territory for p in focused.participation] == ["t2", "all"]
    assert report(events, territory="T2").focus == focused.focus
    assert "Cahier de préconisations — Métrokawa de Plaine Commune — Pleyel" in render_markdown(
        focused
    )


def test_an_unknown_territory_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownTerritory) as raised:
        report(A_VOTE, territory="Montreuil")
    assert [t.id for t in raised.value.known] == ["t1", "t2", "t3"]


def agreeing(statement: str, *people: str, value: int = 2) -> list[Event]:
    return [PositionTaken(participant=p, statement=statement, value=value, round=1) for p in people]


SIX = [joined(f"p{i}", territory=f"t{(i - 1) % 3 + 1}") for i in range(1, 7)]


def test_problems_shared_by_several_territories_and_problems_local_to_one() -> None:
    events = [
        *a_session(),
        *SIX,
        *a_statement("s1"),
        *a_statement("s2", text="Le marché de Franc-Moisin est trop petit."),
        *agreeing("s1", "p1", "p2", "p3", "p4", "p5", "p6"),
        *agreeing("s2", "p1", "p4"),
        *agreeing("s2", "p2", "p3", "p5", "p6", value=-2),
    ]
    r = report(events, k=1)
    assert [(s.statement.id, s.scope, s.agreed_in) for s in r.scopes] == [
        ("s1", "shared", ("t1", "t2", "t3")),
        ("s2", "local", ("t1",)),
    ]
    focused = report(events, k=1, territory="t2")
    assert [s.statement.id for s in focused.scopes] == ["s1"]  # s2 is t1's business
    md = render_markdown(focused)
    assert "Ce que Pleyel partage avec les autres territoires" in md


def test_opinion_shift_compares_first_and_last_positions() -> None:
    events = [
        *a_session(),
        *SIX,
        *a_statement("s1"),
        *agreeing("s1", "p1", "p2", value=-1),
        *agreeing("s1", "p1", "p2", value=1),
    ]
    r = report(events, k=1)
    overall = r.shift.lines[0]
    assert (overall.group, overall.people, overall.changed, overall.mean_shift) == (
        "all",
        2,
        2,
        2.0,
    )
    assert "+2,00" in render_markdown(r)
    hidden = report(events).shift.lines[0]  # two people: under k = 5
    assert hidden.hidden
    assert hidden.changed is None


def test_too_few_positions_make_no_opinion_groups_and_the_cahier_says_so() -> None:
    r = report(A_VOTE)
    assert r.groups.groups == ()
    assert "Trop peu de positions pour former des groupes d'opinion." in render_markdown(r)


# --- formats --------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_one_self_contained_accessible_page() -> None:
    text = render_html(report(named_session(), k=1))
    assert text.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<script" not in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text)  # no external resource
    assert "url(" not in text
    assert "@media print" in text
    assert "break-before: page" in text
    parser = _Tags()
    parser.feed(text)
    tags = [tag for tag, _ in parser.tags]
    assert tags.count("table") == tags.count("caption") > 0
    svgs = [attrs for tag, attrs in parser.tags if tag == "svg" and attrs.get("role") == "img"]
    assert svgs
    assert tags.count("title") == len(svgs) + 1  # each chart has a title, plus the page's
    assert {"h1", "h2", "h3", "nav", "main"} <= set(tags)


# --- hostile texts: a user's text is text, in every format --------------------------------------

SCRIPT = "<script>alert(1)</script>"
LINK = "[cliquez](javascript:alert(1))"
HOSTILE_PROPOSAL = f"{SCRIPT} {LINK} **gras** `code` & <b>x</b>"
HOSTILE_OUTCOME = "Ligne 1\n# Faux titre\n> fausse citation\n- faux item\n\n1. faux numéro"
HOSTILE_SYNTHESIS = f"{LINK}\r\n---\n=== | pipe | ~~barré~~"


def hostile_session() -> list[Event]:
    return [
        *a_running_round(),
        *a_statement("s1", text=f"{SCRIPT} Les ascenseurs.\n# en panne"),
        ProposalPromoted(proposal="pr1", statement="s1", text=HOSTILE_PROPOSAL),
        *vote_opened("v1", "pr1"),
        *ballot("v1", "p1", pr1=Grade.BIEN),
        *ballot("v1", "p2", pr1=Grade.TRES_BIEN),
        *vote_closed("v1"),
        SynthesisSubmitted(round=1, table=1, host="p1", text=HOSTILE_SYNTHESIS),
        *consent_opened("c1", "pr1", text=HOSTILE_PROPOSAL),
        *objection_raised("o1", "c1", text=f"{SCRIPT}\n> {LINK}"),
        VoeuAdopted(
            voeu="vx1", consent="c1", proposal="pr1", text=HOSTILE_PROPOSAL, outcome=HOSTILE_OUTCOME
        ),
    ]


def hostile_header() -> LogHeader:
    return LogHeader(session=f"plaine\n- {LINK}", title=f"# {SCRIPT}", created_at=T0)


def test_markdown_escapes_every_user_text_in_paragraphs_quotes_bullets_and_headings() -> None:
    md = render_markdown(build_report(hostile_header(), log(hostile_session()), k=1))
    assert "<" not in md.replace("\\<", "")  # no raw HTML tag nor autolink anywhere
    assert "](" not in md.replace("\\](", "")  # no link, no image
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[cliquez\\](javascript:alert(1))" in md
    assert "\\*\\*gras\\*\\* \\`code\\` \\& \\<b\\>x\\</b\\>" in md
    assert md.startswith("# Cahier de préconisations — \\# \\<script\\>")  # one heading
    # a quote's line breaks stay inside the quote, each line's markers escaped
    assert (
        "> Ligne 1\\\n> \\# Faux titre\\\n> \\> fausse citation\\\n> \\- faux item\\\n> \\\n"
        "> 1\\. faux numéro\n>\n> — Conclusion de l'animation"
    ) in md
    assert (
        "> \\[cliquez\\](javascript:alert(1))\\\n> \\---\\\n> \\=== \\| pipe \\| \\~\\~barré" in md
    )
    # a bullet's line break stays inside the item
    assert "«\u00a0plaine\\\n  \\- \\[cliquez\\](javascript:alert(1))\u00a0»" in md
    # a table cell keeps its row: its line breaks become spaces
    assert "| \\<script\\>alert(1)\\</script\\> \\> \\[cliquez\\](javascript:alert(1)) |" in md
    heads = [line for line in md.splitlines() if line.startswith(("#", "-", ">", "="))]
    assert not [h for h in heads if re.match(r"(#+ |- |> ?)?(Faux|faux|fausse|en panne|=)", h)]


def test_html_escapes_every_user_text() -> None:
    html = render_html(build_report(hostile_header(), log(hostile_session()), k=1))
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "href=" not in html.replace('href="#', "")  # only the table of contents links


def test_json_is_the_same_content_as_plain_data() -> None:
    r = report(named_session(), k=1)
    data = json.loads(render_json(r))
    assert data == json.loads(json.dumps(msgspec.to_builtins(r)))
    assert data["adopted"][0]["proposal"] == "pr1"
    assert data["created_at"] == T0


def test_the_same_log_gives_byte_identical_reports() -> None:
    first = every_format(report(named_session(), k=1))
    assert every_format(report(named_session(), k=1)) == first


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf"):
        render(report(A_VOTE), "pdf")


def test_the_date_is_read_in_paris_time_summer_and_winter() -> None:
    assert french_date(1_795_854_600_000) == "samedi 28 novembre 2026, 9 h 30 (heure de Paris)"
    assert french_date(1_782_896_400_000) == "mercredi 1er juillet 2026, 11 h 00 (heure de Paris)"


@pytest.mark.parametrize(
    ("iso", "french"),
    [
        ("2027-03-14", "14 mars 2027"),
        ("2027-07-01", "1er juillet 2027"),
        ("2026-12-31", "31 décembre 2026"),
    ],
)
def test_a_calendar_day_in_french(iso: str, french: str) -> None:
    assert french_day(iso) == french


def test_a_text_bar_has_a_fixed_width_with_the_grades_worst_first() -> None:
    assert text_bar((0, 0, 0, 0, 2, 1, 0), 6) == "BBBBTT"
    assert text_bar((1, 1, 1, 1, 1, 1, 1), 7) == "RIPABTE"
    assert len(text_bar((3, 5, 8, 12, 23, 41, 28))) == 30
    assert text_bar((0,) * 7, 4) == "····"


# --- the golden files: the two golden logs of schema version 1 ------------------------------------

VOEUX = ROOT / "replays" / "golden-v1-voeux.mkawa"
GOLDEN_LOGS = {"demo-metrokawa-120": DEMO, "golden-v1-voeux": VOEUX}


def golden_report(name: str) -> Report:
    header, envelopes = read_log(GOLDEN_LOGS[name].read_bytes())
    return build_report(header, envelopes)


@pytest.fixture(scope="module")
def demo() -> Report:
    return golden_report("demo-metrokawa-120")


@pytest.fixture(scope="module")
def voeux() -> Report:
    return golden_report("golden-v1-voeux")


@pytest.mark.parametrize("name", GOLDEN_LOGS)
@pytest.mark.parametrize("form", FORMATS)
def test_a_golden_log_s_report_equals_its_golden_file_byte_for_byte(name: str, form: str) -> None:
    golden = ROOT / "replays" / f"{name}.report.{form}"
    text = render(golden_report(name), form)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} is missing: run with METROKAWA_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"the report differs from {golden.name}; if the change is meant, regenerate with "
        "METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_report.py "
        "and review the diff"
    )


# Event types younger than the golden log, each with the test that covers it instead. The golden
# log is kept byte for byte when a type is added by a branch that must not change the goldens
# (issue 15: imported statements); the integrator regenerates it and empties this table.
NEWER_THAN_GOLDEN: dict[str, str] = {
    "StatementImported": "tests/session_engine/test_import_statement.py (report, Pol.is, codec)",
}


def test_the_voeux_golden_log_holds_every_event_type() -> None:
    """A new event type fails here until the golden log (its generator) emits it too, or it is
    listed, with the test that covers it, in ``NEWER_THAN_GOLDEN``."""
    header, envelopes = read_log(VOEUX.read_bytes())
    assert NEWER_THAN_GOLDEN.keys() <= EVENT_TYPES.keys()
    logged = {type(e.event).__name__ for e in envelopes}
    assert not logged & NEWER_THAN_GOLDEN.keys(), "in the golden log now: leave NEWER_THAN_GOLDEN"
    assert logged | NEWER_THAN_GOLDEN.keys() == set(EVENT_TYPES)
    assert set(header.schemas) | NEWER_THAN_GOLDEN.keys() == set(EVENT_TYPES)


def test_the_voeux_golden_log_is_what_its_generator_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its header lists the schemas of its time: the types of NEWER_THAN_GOLDEN are not among them.
    older = {n: t for n, t in EVENT_TYPES.items() if n not in NEWER_THAN_GOLDEN}
    monkeypatch.setattr(codec, "EVENT_TYPES", older)
    spec = importlib.util.spec_from_file_location(
        "make_golden_voeux", ROOT / "replays" / "make_golden_voeux.py"
    )
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    data = generator.golden_bytes()
    if UPDATE:
        VOEUX.write_bytes(data)
    assert data == VOEUX.read_bytes(), (
        "golden-v1-voeux.mkawa differs from what replays/make_golden_voeux.py builds"
    )


def test_the_voeux_report_states_its_findings(voeux: Report) -> None:
    (adopted, abandoned) = voeux.consents
    assert (adopted.status, adopted.voeu, abandoned.status) == ("adopted", "vx1", "abandoned")
    assert [o.resolution for o in adopted.objections] == ["amended", "withdrawn"]
    assert [u.objection.id for u in voeux.unresolved] == ["o3"]
    assert [p.adopted for p in voeux.votes[0].proposals] == [True, True, False]
    assert len(voeux.participation) == 4  # three territories, then the whole session
    assert all(p.participants >= 5 for p in voeux.participation)
    assert "1 vœu adopté sur 2 tours de consentement" in render_markdown(voeux)
    # p14 consented to be named and raised o2; the cahier never says who raised an objection
    (joined,) = [
        e.event
        for e in read_log(VOEUX.read_bytes())[1]
        if isinstance(e.event, ParticipantJoined) and e.event.participant == "p14"
    ]
    assert joined.consent
    assert joined.pseudonym == "Nabil"
    for form, text in every_format(voeux).items():
        assert "Nabil" not in text, form


def test_the_demo_report_states_its_findings(demo: Report) -> None:
    assert len(demo.adopted) == 8  # every proposal of the demo reached at least Bien
    assert demo.consents == ()  # the demo archive has no consent round
    assert len(demo.participation) == 7
    assert {g.name for g in demo.groups.groups} == {"A", "B", "C"}
    md = render_markdown(demo)
    assert "Aucun vœu n'a été adopté pendant cette session" in md
    assert "hôte\u00a0: Participant·e 13" in md  # the host of table 1 did not consent


# --- notes (annotations) -------------------------------------------------------------------------


def noted_session() -> list[Event]:
    """p1 (not consenting, t1) and p3 (consenting, t2) write notes: on a statement, on their
    tables; s2 is hidden after its note."""
    return [
        *a_session(),
        joined("p1", territory="t1", pseudonym=SECRET, consent=False),
        joined("p2", territory="t1"),
        joined("p3", territory="t2", pseudonym=SHOWN, consent=True),
        joined("p4", territory="t2"),
        *seated(table(1, "p1", "p1", "p2"), table(2, "p3", "p3", "p4")),
        *a_running_round()[-1:],
        *a_statement("s1"),
        *a_statement("s2", text="Un énoncé que l'animation retire."),
        AnnotationAdded(
            annotation="a1", author="p1", text="Surtout le soir, rue Polonceau.",
            statement="s1", table=None, tags=("éclairage",), place="rue Polonceau", round=1,
        ),
        AnnotationAdded(
            annotation="a2", author="p3", text="Notre table parle surtout des bus.",
            statement=None, table=2, tags=(), place=None, round=1,
        ),
        AnnotationAdded(
            annotation="a3", author="p1", text="Une note sur un énoncé retiré.",
            statement="s2", table=None, tags=(), place=None, round=1,
        ),
        StatementHidden(statement="s2"),
    ]  # fmt: skip


def test_notes_are_in_the_cahier_with_their_text_and_their_author_only_if_consenting() -> None:
    r = report(noted_session())
    assert [(n.author, n.text, n.table, n.on_statement) for n in r.notes] == [
        (anonymous_pseudonym("p1"), "Surtout le soir, rue Polonceau.", None, "s1"),
        (SHOWN, "Notre table parle surtout des bus.", 2, None),
        (anonymous_pseudonym("p1"), "Une note sur un énoncé retiré.", None, "s2"),
    ]
    assert [n.statement.id if n.statement else None for n in r.notes] == ["s1", None, None]
    for form, text in every_format(r).items():
        assert SECRET not in text, form
        assert "Surtout le soir, rue Polonceau." in text, form
        assert "Une note sur un énoncé retiré." in text, form  # the text is always shown
        assert "Un énoncé que l'animation retire." not in text, form  # a hidden statement's
    markdown = render_markdown(r)
    assert "## Notes des tables et des énoncés" in markdown
    assert (
        "Participant·e 1, manche 1, sur l'énoncé 1 «\u00a0Les ascenseurs de la cité sont "
        "en panne un jour sur deux.\u00a0»\u202f; lieu\u00a0: rue Polonceau\u202f; mots-clés"
        "\u00a0: éclairage"
    ) in markdown
    assert f"Table 2, manche 1\u202f; note de {SHOWN}" in markdown
    assert "sur l'énoncé 2, retiré par l'animation" in markdown


def test_a_focus_keeps_its_people_s_notes_and_those_of_its_tables() -> None:
    pleyel = report(noted_session(), territory="t2")
    assert [n.text for n in pleyel.notes] == ["Notre table parle surtout des bus."]
    franc_moisin = report(noted_session(), territory="t1")
    assert [n.text for n in franc_moisin.notes] == [
        "Surtout le soir, rue Polonceau.",
        "Une note sur un énoncé retiré.",
    ]


def test_without_a_note_the_cahier_says_so() -> None:
    assert "Aucune note n'a été écrite." in render_markdown(report(named_session())).replace(
        "\u2019", "'"
    )
