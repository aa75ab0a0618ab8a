"""The programme's cahier says how opinions moved from one session to another (« Évolution des
avis d'une séance à l'autre »): the rendered text, written out.

The programme is ``test_programme_cahier``'s (ps1 the metropolitan session, ps2 La Goutte
d'Or's local session, ps3 Les Courtillières'); the sessions' states are
``test_programme_shift``'s scenarios (``s1`` of ps1 imported in ps2 with the key ``ps1-s1``),
with people recognised by keys as their devices make them. No report is given: the section
needs the states only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from session_engine.report.programme import (
    programme_cahier,
    render_programme_html,
    render_programme_json,
    render_programme_markdown,
)
from session_engine.state import SessionState

from .test_programme_cahier import a_programme, flat
from .test_programme_shift import TEXT, Step, state_of

KEYS: Final = tuple(f"Zk3_q-9XwB2mYtR0aLpC7{c}" for c in "ABCDE")
BEFORE: Final = dict(zip(KEYS, (-2, -1, 0, 1, 2), strict=True))
AFTER: Final = dict(zip(KEYS, (0, -1, 2, -1, 2), strict=True))  # +2, 0, +2, −2, 0
TITLE: Final = "## Évolution des avis d'une séance à l'autre"
HEAD: Final = (
    "| Énoncé | Séances | Personnes reconnues | Évolution moyenne | Plus d'accord "
    "| Moins d'accord | Sans changement |"
)
SESSIONS: Final = (
    "« Métrokawa métropolitain » (16 janvier 2027) et « Métrokawa de la Goutte d'Or » "
    "(1er mars 2027)"
)


def states(after: Mapping[str, int | None] = AFTER) -> dict[str, SessionState]:
    return {"ps1": state_of("ps1", Step(BEFORE)), "ps2": state_of("ps2", Step(after))}


def section(markdown: str) -> str:
    """The shift's section of a cahier in Markdown, up to the next section."""
    text = flat(markdown)
    start = text.index(TITLE)
    return text[start : text.index("\n## ", start + 1)].rstrip("\n")


def test_the_programme_cahier_shows_the_shift_of_five_people_recognised() -> None:
    text = section(render_programme_markdown(programme_cahier(a_programme(), {}, states=states())))
    assert text.splitlines() == [
        TITLE,
        "",
        "Les participant·e·s qui l'ont accepté sont reconnu·e·s d'une séance à l'autre du "
        "programme par une clé gardée sur leur appareil, jamais par leur nom, et ce cahier ne "
        "nomme personne. Pour chaque énoncé débattu dans plusieurs séances, on compare la "
        "position de chaque personne reconnue dans la première et dans la dernière séance où "
        "elle en a pris une (de −2, tout à fait contre, à +2, tout à fait pour ; « je passe » "
        "n'est pas une position) : l'évolution va de −4 à +4.",
        "",
        "Les chiffres d'un énoncé ne sont publiés que si au moins 5 personnes y ont été "
        "reconnues dans deux séances (k-anonymat) ; sinon, ni leur nombre ni leur évolution ne "
        "sont donnés.",
        "",
        "**Évolution des positions des personnes reconnues, première contre dernière séance**",
        "",
        HEAD,
        "|---|---|---|---|---|---|---|",
        f"| {TEXT} | {SESSIONS} | 5 | +0,40 | 2 | 1 | 2 |",
    ]


def test_under_five_people_recognised_nothing_is_shown_not_even_their_number() -> None:
    four = {key: value for key, value in AFTER.items() if key != KEYS[-1]}
    text = section(
        render_programme_markdown(programme_cahier(a_programme(), {}, states=states(four)))
    )
    assert (
        f"| {TEXT} | {SESSIONS} | moins de 5 personnes | masqué | masqué | masqué | masqué |"
        in (text.splitlines())
    )
    assert text.splitlines()[-1] == (
        "_« masqué » : moins de 5 personnes reconnues dans deux séances ; ses chiffres ne sont "
        "pas publiés._"
    )
    assert "| 4 |" not in text


def test_a_cahier_without_the_states_has_no_such_section_and_one_with_nothing_twice_says_so() -> (
    None
):
    markdown = flat(render_programme_markdown(programme_cahier(a_programme(), {})))
    assert "Évolution des avis" not in markdown
    alone = {"ps1": states()["ps1"]}
    text = section(render_programme_markdown(programme_cahier(a_programme(), {}, states=alone)))
    assert text.splitlines()[-1] == (
        "Aucun énoncé n'a encore été débattu dans deux séances du programme."
    )


def test_a_territory_cahier_measures_its_own_sessions_and_the_metropolitan_ones() -> None:
    programme = a_programme()
    goutte = programme_cahier(programme, {}, territory="t1", states=states())
    assert f"| {TEXT} | {SESSIONS} | 5 | +0,40 | 2 | 1 | 2 |" in section(
        render_programme_markdown(goutte)
    )
    # Les Courtillières (t6) debated nothing the metropolitan session did: La Goutte d'Or's
    # session is not theirs.
    pantin = programme_cahier(programme, {}, territory="t6", states=states())
    assert "Aucun énoncé n'a encore été débattu dans deux séances du programme." in section(
        render_programme_markdown(pantin)
    )


def test_no_personal_key_is_printed_in_any_format() -> None:
    cahier = programme_cahier(a_programme(), {}, states=states())
    page = render_programme_html(cahier)
    data = json.loads(render_programme_json(cahier))
    for rendered in (render_programme_markdown(cahier), page, json.dumps(data)):
        assert not any(key in rendered for key in KEYS)
        assert "person" not in rendered.replace("personne", "")
    assert data["shift"] == [
        {
            "key": "ps1-s1",
            "text": TEXT,
            "sessions": ["ps1", "ps2"],
            "hidden": False,
            "people": 5,
            "mean_change": 0.4,
            "toward": 2,
            "away": 1,
            "stayed": 2,
        }
    ]


def test_the_html_section_is_in_the_contents_and_typeset() -> None:
    page = render_programme_html(programme_cahier(a_programme(), {}, states=states()))
    assert '<section id="evolution" aria-labelledby="evolution-titre">' in page
    assert '<a href="#evolution">Évolution des avis d&#x27;une séance à l&#x27;autre</a>' in page
    assert "tout à fait pour\u202f; «\u00a0je passe\u00a0»" in page
    assert page.index('id="evolution"') < page.index('id="methode"')
