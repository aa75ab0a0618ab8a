"""French typography, plurals and spoken numbers in every French string the engine emits.

The rules, written out here: a narrow no-break space (U+202F) before ? ! ;, a no-break space
(U+00A0) before : and inside « », so that « quartier ? » never breaks before its « ? »; the
singular for 0 and 1; an id said as its number (« Vote 1 », never « Vote v1 »). The scans read
every French error sentence and the whole French cahier of each golden log, in Markdown and HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from session_engine import read_log
from session_engine.errors import MESSAGES
from session_engine.report import build_report, render
from session_engine.typography import plural, typeset

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_LOGS = sorted((ROOT / "replays").glob("*.mkawa"))
NBSP, NNBSP = "\u00a0", "\u202f"

# A plain space (U+0020) where French wants a no-break one, or guillemets without theirs.
WRONG = re.compile(r" [?!;:]|« | »|«(?!\u00a0)|(?<!\u00a0)»")


def mistakes(text: str) -> list[str]:
    """Each wrong spot with a little of its context."""
    return [text[max(0, m.start() - 25) : m.end() + 5] for m in WRONG.finditer(text)]


# text as typed -> as typeset
TYPESET = {
    "Quels problèmes dans votre quartier ?": f"Quels problèmes dans votre quartier{NNBSP}?",
    "Attention ! Trop tard ; tant pis.": f"Attention{NNBSP}! Trop tard{NNBSP}; tant pis.",
    "Mention majoritaire : Bien": f"Mention majoritaire{NBSP}: Bien",
    "la mention « Assez bien »": f"la mention «{NBSP}Assez bien{NBSP}»",
    "«serré»": f"«{NBSP}serré{NBSP}»",
    f"déjà{NNBSP}? et{NBSP}: rien": f"déjà{NNBSP}? et{NBSP}: rien",  # already right: kept
    "Vue projecteur      : http://h:8000/p/1": f"Vue projecteur     {NBSP}: http://h:8000/p/1",
    "http://127.0.0.1:8000/?a=1": "http://127.0.0.1:8000/?a=1",  # no space, nothing to do
}


@pytest.mark.parametrize(("typed", "typeset_"), TYPESET.items())
def test_typeset_puts_the_french_spaces(typed: str, typeset_: str) -> None:
    assert typeset(typed) == typeset_


# count -> how French writes it with « habitant·e »
PLURALS = {
    0: "0 habitant·e",
    1: "1 habitant·e",
    2: "2 habitant·e·s",
    5: "5 habitant·e·s",
    1000: f"1{NNBSP}000 habitant·e·s",
}


@pytest.mark.parametrize(("value", "written"), PLURALS.items())
def test_plural_is_singular_for_zero_and_one(value: int, written: str) -> None:
    assert plural(value, "habitant·e", "habitant·e·s") == written


@pytest.mark.parametrize("code", list(MESSAGES))
def test_every_french_error_sentence_is_typeset(code: str) -> None:
    french, _ = MESSAGES[code]
    assert mistakes(french) == []


class _Text(HTMLParser):
    """The text a reader meets in a page: its data, not its markup or its stylesheet."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        self.parts.extend(value for name, value in attrs if name == "aria-label" and value)

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def cahier(log: Path, form: str) -> str:
    """The cahier as a reader meets it: the Markdown, or the text of the HTML page."""
    header, envelopes = read_log(log.read_bytes())
    rendered = render(build_report(header, envelopes), form)
    if form == "md":
        return rendered
    reader = _Text()
    reader.feed(rendered)
    return "\n".join(reader.parts)


@pytest.mark.parametrize("form", ["md", "html"])
@pytest.mark.parametrize("log", GOLDEN_LOGS, ids=lambda p: p.stem)
def test_the_french_cahier_of_every_golden_log_is_typeset(log: Path, form: str) -> None:
    text = cahier(log, form)
    assert "?" in text
    assert " :" not in text
    assert mistakes(text) == []


def test_the_cahier_counts_in_real_plurals() -> None:
    md = cahier(ROOT / "replays" / "golden-v1-voeux.mkawa", "md")
    assert "1 élu·e," in md  # one élu·e per territory, not « 1 élu·e·s »
    assert "1 technicien·ne" in md
    assert not re.search(r"\b1 [\w·]+·s\b", md)  # no « 1 …·s » anywhere
    assert "1 vœu adopté sur 2 tours de consentement" in md


IDS = re.compile(r"\b(?:s|pr|v|vx|c|o|a)\d+\b")  # the state's counters: s7, pr1, v1, vx1, c2, o3


@pytest.mark.parametrize("form", ["md", "html"])
def test_the_cahier_says_numbers_not_ids(form: str) -> None:
    text = cahier(ROOT / "replays" / "golden-v1-voeux.mkawa", form)
    assert IDS.findall(text) == []
    for said in ("Vote 1", "Vœu 1", "Tour de consentement 2", "Proposition 1", "énoncé 7"):
        assert said in text.replace(NBSP, " "), said
