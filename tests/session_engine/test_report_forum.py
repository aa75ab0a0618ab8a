"""The cahier of a forum (the online phase): participation per territory and per day, the
contributions with their theme, territory, place and ratings under k, the comments, and nothing
of rounds, tables, syntheses nor votes, which a forum has none of.

The forum below runs over two days in three territories:

* day 1 (21 September 2026, Paris time): six residents of Franc-Moisin (t1) join, two of Pleyel
  (t2), one of Les Courtillières (t3), who consents to be named « Awa »; p1 writes s1 (a problem,
  « Propreté et déchets », an address typed), p7 writes s2 (a problem, « Transports », a point on
  the map), p9 writes s3 (an idea, no theme, no place), p2 writes s4, which the facilitator never
  publishes; s1, s2 and s3 are published;
* day 2: p1…p6 and p9 rate s1 (+2, +2, +1, +1, 0, a pass; p9 +2), p7 and p8 rate s2 (two
  raters: under k = 5, no figure at all); Awa comments on s1, p7 on s2.
"""

from __future__ import annotations

import json
import re

import pytest

from session_engine import Envelope, LogHeader
from session_engine.events import (
    AnnotationAdded,
    Event,
    PositionTaken,
    StatementProposed,
    StatementPublished,
)
from session_engine.model import Place, StatementKind
from session_engine.report import FORMATS, Report, build_report, render, render_markdown
from session_engine.report.french import provenance
from session_engine.report.model import ForumSection
from session_engine.report.wording_forum import place, ratings

from .harness import T0, a_forum, joined

DAY = 24 * 60 * 60 * 1000
HEADER = LogHeader(session="forum-1", title="Forum de Saint-Denis et Pantin", created_at=T0)
ADDRESS = "12 rue Gabriel-Péri, Saint-Denis"


def contribution(
    sid: str,
    author: str,
    territory: str,
    text: str,
    *,
    kind: StatementKind = StatementKind.PROBLEM,
    theme: str | None = None,
    where: Place | None = None,
) -> StatementProposed:
    return StatementProposed(
        statement=sid,
        author=author,
        text=text,
        kind=kind,
        round=0,
        table=None,
        place=where,
        theme=theme,
        territory=territory,
    )


def comment(aid: str, author: str, statement: str, text: str) -> AnnotationAdded:
    return AnnotationAdded(
        annotation=aid,
        author=author,
        text=text,
        statement=statement,
        table=None,
        tags=(),
        place=None,
        round=0,
    )


def rating(who: str, statement: str, value: int | None) -> PositionTaken:
    return PositionTaken(participant=who, statement=statement, value=value, round=0)


def day_one() -> list[Event]:
    return [
        *a_forum(),
        *(joined(f"p{n}", territory="t1") for n in range(1, 7)),
        joined("p7", territory="t2"),
        joined("p8", territory="t2"),
        joined("p9", territory="t3", pseudonym="Awa", consent=True),
        contribution(
            "s1",
            "p1",
            "t1",
            "Les poubelles débordent tout le week-end.",
            theme="Propreté et déchets",
            where=Place(address=ADDRESS),
        ),
        contribution(
            "s2",
            "p7",
            "t2",
            "Le bus 153 ne passe plus après 21 h !",
            theme="Transports",
            where=Place(lat=48.9186, lon=2.3431),
        ),
        contribution("s3", "p9", "t3", "Un jardin partagé sur la dalle ?", kind=StatementKind.IDEA),
        contribution("s4", "p2", "t1", "Un texte que l'animation garde pour elle."),
        StatementPublished(statement="s1"),
        StatementPublished(statement="s2"),
        StatementPublished(statement="s3"),
    ]


def day_two() -> list[Event]:
    values = (2, 2, 1, 1, 0, None)
    return [
        *(rating(f"p{n}", "s1", v) for n, v in enumerate(values, start=1)),
        rating("p9", "s1", 2),
        rating("p7", "s2", -1),
        rating("p8", "s2", 2),
        comment("a1", "p9", "s1", "Pareil rue Danton : des sacs partout le dimanche !"),
        comment("a2", "p7", "s2", "Et le dernier 255 part à 20 h 40."),
    ]


def forum_log() -> list[Envelope]:
    timed = [(T0 + n, e) for n, e in enumerate(day_one())]
    timed += [(T0 + DAY + n, e) for n, e in enumerate(day_two())]
    return [
        Envelope(seq=i, at=at, actor="system", cmd=None, event=event)
        for i, (at, event) in enumerate(timed, 1)
    ]


def forum_report(territory: str | None = None) -> Report:
    return build_report(HEADER, forum_log(), territory=territory)


def forum_of(r: Report) -> ForumSection:
    assert isinstance(r.forum, ForumSection), "a forum's cahier has its online phase"
    return r.forum


def flat(text: str) -> str:
    """``text`` with French typography's no-break spaces as plain spaces, to read its words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- participation ------------------------------------------------------------------------------

# territory → joined, wrote, rated, problems, ideas, ratings, comments (s4 was never published:
# neither p2's writing nor the text counts)
PARTICIPATION = [
    ("t1", 6, 1, 6, 1, 0, 6, 0),
    ("t2", 2, 1, 2, 1, 0, 2, 1),
    ("t3", 1, 1, 1, 0, 1, 1, 1),
    ("all", 9, 3, 9, 2, 1, 9, 2),
]


def test_participation_per_territory_counts_people_who_joined_wrote_and_rated() -> None:
    forum = forum_of(forum_report())
    assert [
        (p.territory, p.joined, p.wrote, p.rated, p.problems, p.ideas, p.ratings, p.comments)
        for p in forum.participation
    ] == PARTICIPATION


# day → joined, contributions, ratings, comments
DAYS = [
    ("2026-09-21", 9, 3, 0, 0),
    ("2026-09-22", 0, 0, 9, 2),
]


def test_participation_per_day_reads_the_log_s_times_in_paris() -> None:
    forum = forum_of(forum_report())
    assert [(d.day, d.joined, d.contributions, d.ratings, d.comments) for d in forum.days] == DAYS
    markdown = flat(render_markdown(forum_report()))
    assert "| 21 septembre 2026 | 9 | 3 | 0 | 0 |" in markdown
    assert "| 22 septembre 2026 | 0 | 0 | 9 | 2 |" in markdown


# A join at each moment (ms, UTC) → the Paris day it counts on: midnight in summer (UTC+2) and
# in winter (UTC+1), on either side of the night summer time ends (25 October 2026, 01:00 UTC).
JOINS = [
    (1_790_027_940_000, "2026-09-21"),  # 21:59 UTC, 23:59 in Paris
    (1_790_028_000_000, "2026-09-22"),  # 22:00 UTC, midnight in Paris
    (1_792_888_200_000, "2026-10-25"),  # 00:30 UTC, 02:30 in Paris (summer time still)
    (1_792_971_000_000, "2026-10-26"),  # 23:30 UTC, 00:30 in Paris (winter time)
]


def test_a_day_is_paris_s_day_in_summer_and_in_winter() -> None:
    envelopes = [Envelope(seq=1, at=T0, actor="system", cmd=None, event=a_forum()[0])]
    envelopes += [
        Envelope(seq=n, at=at, actor="system", cmd=None, event=joined(f"p{n}"))
        for n, (at, _) in enumerate(JOINS, start=2)
    ]
    days = forum_of(build_report(HEADER, envelopes)).days
    assert [(d.day, d.joined) for d in days] == [(day, 1) for _, day in JOINS]


# --- contributions ------------------------------------------------------------------------------

# statement → theme, territory, place as printed, ratings as printed, comments
CONTRIBUTIONS = [
    (
        "s1",
        "Propreté et déchets",
        "t1",
        ADDRESS,
        "7 personnes — +2 : 3, +1 : 2, 0 : 1, −1 : 0, −2 : 0 ; je passe : 1",
        1,
    ),
    ("s2", "Transports", "t2", "point sur la carte", "masqué", 1),
    ("s3", None, "t3", "—", "masqué", 0),
]


def test_each_published_contribution_has_its_theme_territory_place_and_ratings() -> None:
    forum = forum_of(forum_report())
    assert [
        (
            c.statement.id,
            c.statement.theme,
            c.statement.territory,
            place(c.statement.place),
            flat(ratings(c.ratings)),
            c.comments,
        )
        for c in forum.contributions
    ] == CONTRIBUTIONS


def test_ratings_under_k_raters_carry_no_figure_and_a_sentence_says_why() -> None:
    forum = forum_of(forum_report())
    s2 = forum.contributions[1].ratings
    assert (s2.hidden, s2.voters, s2.counts, s2.passes) == (True, None, None, None)
    markdown = flat(render_markdown(forum_report()))
    assert "Les avis marqués « masqué » : moins de 5 personnes" in markdown


def test_the_contributions_are_listed_per_theme_in_the_forum_s_order() -> None:
    markdown = flat(render_markdown(forum_report()))
    tables = ["Thème « Propreté et déchets »", "Thème « Transports »", "Sans thème"]
    where = [markdown.index(t) for t in tables]
    assert where == sorted(where)
    assert "Thème « Logement »" not in markdown  # no contribution under it
    assert "Un texte que l'animation garde pour elle." not in markdown


# What a place prints: the address as typed, or « point sur la carte », or both.
PLACES = [
    (None, "—"),
    (Place(address="Place du marché"), "Place du marché"),
    (Place(lat=48.9, lon=2.35), "point sur la carte"),
    (
        Place(address="Place du marché", lat=48.9, lon=2.35),
        "Place du marché (et un point sur la carte)",
    ),
]


@pytest.mark.parametrize(("where", "printed"), PLACES)
def test_a_place_is_printed_as_typed_or_as_a_point_on_the_map(
    where: Place | None, printed: str
) -> None:
    assert place(where) == printed


# --- the document -------------------------------------------------------------------------------


def test_a_forum_s_cahier_says_nothing_of_rounds_tables_syntheses_or_votes() -> None:
    for form, text in ((f, render(forum_report(), f)) for f in ("md", "html")):
        said = flat(text)
        assert "Cahier du forum numérique — Forum de Saint-Denis et Pantin" in said, form
        for absent in (r"\bmanches?\b", r"\bsynthèses?\b", "jugement majoritaire",
                       "Ont voté", r"\bvœux?\b", r"\bobjections?\b", "en plénière"):  # fmt: skip
            assert not re.search(absent, said, re.IGNORECASE), (form, absent)
        assert "## Forum numérique" in said or 'id="forum"' in said, form


def test_the_opinion_sections_cite_a_contribution_as_written_online() -> None:
    s1, _, s3 = (c.statement for c in forum_of(forum_report()).contributions)
    assert provenance(s1) == "énoncé 1, problème, écrit en ligne, thème « Propreté et déchets »"
    assert provenance(s3) == "énoncé 3, idée, écrit en ligne"


def test_the_forum_s_french_typography() -> None:
    markdown = render_markdown(forum_report())
    assert (
        "7 personnes — +2\u00a0: 3, +1\u00a0: 2, 0\u00a0: 1, −1\u00a0: 0, −2\u00a0: 0\u202f; "
        "je passe\u00a0: 1"
    ) in markdown
    assert "Le bus 153 ne passe plus après 21 h\u202f!" in markdown
    assert "Thème «\u00a0Transports\u00a0»" in markdown
    assert "forum encore ouvert" in markdown


def test_comments_are_quoted_with_their_author_only_if_consenting() -> None:
    markdown = flat(render_markdown(forum_report()))
    assert "Awa, sur la contribution 1 « Les poubelles débordent tout le week-end. »" in markdown
    assert "Et le dernier 255 part à 20 h 40." in markdown
    assert "Participant·e 7, sur la contribution 2" in markdown


def test_a_territory_s_forum_cahier_keeps_its_people_and_contributions() -> None:
    r = forum_report(territory="Pleyel")
    forum = forum_of(r)
    assert [p.territory for p in forum.participation] == ["t2", "all"]
    assert forum.participation[-1].joined == 9  # the whole forum, as an evening's cahier does
    assert [c.statement.id for c in forum.contributions] == ["s2"]
    assert [(d.joined, d.contributions, d.ratings, d.comments) for d in forum.days] == [
        (2, 1, 0, 0),
        (0, 0, 2, 1),
    ]
    markdown = flat(render_markdown(r))
    assert "Cahier du forum numérique — Forum de Saint-Denis et Pantin — Pleyel" in markdown
    assert "Pareil rue Danton" not in markdown  # Awa is from Les Courtillières


def test_every_format_renders_and_the_json_holds_the_forum_as_data() -> None:
    texts = {f: render(forum_report(), f) for f in FORMATS}
    data = json.loads(texts["json"])
    assert data["forum"]["themes"] == ["Propreté et déchets", "Transports", "Logement"]
    first = data["forum"]["contributions"][0]
    assert first["statement"]["place"] == {"address": ADDRESS}
    assert first["ratings"]["counts"] == [0, 0, 1, 2, 3]
    assert data["rounds"] == []
    assert render(forum_report(), "md") == texts["md"]  # the same log, the same bytes


def test_the_html_is_self_contained_and_a_typed_address_is_text_in_every_format() -> None:
    hostile = "<script>alert(1)</script> | [ici](javascript:x)"
    events = [
        *day_one(),
        contribution("s5", "p3", "t1", "Trottoir défoncé.", where=Place(address=hostile)),
        StatementPublished(statement="s5"),
    ]
    envelopes = [
        Envelope(seq=i, at=T0 + i, actor="system", cmd=None, event=e)
        for i, e in enumerate(events, 1)
    ]
    r = build_report(HEADER, envelopes)
    html = render(r, "html")
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<table") == html.count("<caption") > 0
    markdown = render_markdown(r)
    assert "\\<script\\>alert(1)\\</script\\> \\| \\[ici\\](javascript:x)" in markdown
