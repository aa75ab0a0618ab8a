"""The issue's browser test: a programme from the organiser's account to the public archive, with
Chromium clicking the real pages and the simulator standing for the room.

An organiser is made by ``metrokawa organiser add``, chooses a password through the link, logs
in, creates a programme with six territories (four QPV), a metropolitan session that the
simulator plays (30 people, --voeux 1) and that the organiser closes, then two local sessions
whose page says what they imported: the organiser's console shows an imported statement's
provenance line (« Issu de : … »). The simulator plays both, the organiser closes them, follows a
vœu to its council (déposé, then adopté with the answer and its link), downloads the territory's
cahier as PDF, publishes the three sessions and the programme.

An anonymous visitor (a fresh browser context) finds the archives in /archives by territory and
by a word of a statement, opens a session's archive, plays its replay (the provenance line shown
there too), downloads its Pol.is CSV files, its JSON, its .mkawa and its PDF, and compares an
imported statement across sessions.

The programme page, the archive list and an archive page have no serious or critical axe
violation; the programme page does not scroll sideways at 360 px, and its text (with the « Séance
créée » page's) has no ordinary space before « : ; ! ? ». Then nothing this programme
published (every page, download and cahier, the PDF's text, the decoded .mkawa) holds a
pseudonym of someone who did not consent, a live session's id or join code, a command id, a
token (facilitator, console links, the organiser's one-time link, their hashes) or the
organiser's e-mail address — the live values read from the server's SQLite database. (Participant
ids stay: they are the session's counters, p1, p2…, the same in every session, ``anonymise``.)
"""

from __future__ import annotations

import html
import io
import json
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from server.cli import main
from server.simulation.wire import WireOptions, simulate_wire
from session_engine import decode_envelope, read_log
from session_engine.events import CoFacilitatorAdded, ParticipantJoined

from ..server.live import LiveServer
from .conftest import DESKTOP, PHONE, axe_violations, screenshot

T = TypeVar("T")

EMAIL: Final = "coordination@asso-metrokawa.example"
PASSWORD: Final = "trois tables et un grand café"
PROGRAMME: Final = "Du quartier à la métropole"
THEME: Final = "Mobilités"
SIX: Final = [
    ("Bas-Clichy", "Clichy-sous-Bois", True),
    ("Les Courtillières", "Pantin", True),
    ("La Noue", "Montreuil", True),
    ("Les Francs-Moisins", "Saint-Denis", True),
    ("Centre-ville", "Vincennes", False),
    ("Les Lilas", "Les Lilas", False),
]
METROPOLITAN: Final = "Métrokawa métropolitain"
LOCALS: Final = [  # (title, the territory's option in the form)
    ("Métrokawa local du Bas-Clichy", "Bas-Clichy (Clichy-sous-Bois)"),
    ("Métrokawa local des Courtillières", "Les Courtillières (Pantin)"),
]
COUNCIL: Final = "Conseil municipal de Clichy-sous-Bois"
ANSWER: Final = "Adopté à l’unanimité ; une première ligne de bus en septembre."
ANSWER_LINK: Final = "https://example.org/deliberation-2027-05-20.pdf"
LINK: Final = re.compile(r"https?://[^\s\"<>]+/mot-de-passe/([A-Za-z0-9_-]{43})")
TOKEN: Final = re.compile(r"#token=([A-Za-z0-9_-]+)")
ISSU_DE: Final = re.compile(r"Issu de\s:\s")  # an imported statement's provenance line
# French typography (house rule): a narrow or non-breaking space before « : ; ! ? », never an
# ordinary one, which lets the sign start a line of its own. What the page's main says with one.
LOOSE_PUNCTUATION: Final = (
    "() => [...document.querySelector('main').textContent.matchAll(/\\S{0,20} [:;!?](?=\\s|$)/g)]"
    ".map(m => m[0])"
)
SIDEWAYS: Final = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)
POLIS_HEADERS: Final = {  # Pol.is's openData files and how each one begins
    "comments.csv": "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
    "comment-body\n",
    "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n",
    "participants-votes.csv": "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree",
    "summary.csv": "topic,",
}


# Printing a cahier with WeasyPrint takes seconds on this loaded machine: more than a click's wait.
PDF_WAIT_MS: Final = 90_000


def beside(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: Playwright's sync API keeps an event loop running in
    this one, where the CLI's and the simulator's ``asyncio.run`` refuse to start."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work).result(timeout=240)


@dataclass
class Live:
    """What the live side holds and nothing published may show: filled as the test goes."""

    sessions: dict[str, str] = field(default_factory=dict)  # live session id → its title
    tokens: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Created:
    session: str
    link: str  # the console link, with the facilitator's token
    token: str  # the facilitator's
    imported: int


# --- the organiser ----------------------------------------------------------------------------


def organiser_link(server: LiveServer, capsys: pytest.CaptureFixture[str], live: Live) -> str:
    args = ["organiser", "add", EMAIL, "--db", str(server.db_path), "--public-url", server.url]
    assert beside(lambda: main(args)) == 0
    found = LINK.search(capsys.readouterr().out)
    assert found is not None
    live.tokens.add(found.group(1))
    return found.group(0)


def create_programme(page: Any, url: str) -> str:
    page.get_by_role("link", name="Créer un programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau programme")
    page.get_by_label("Titre du programme").fill(PROGRAMME)
    page.get_by_label("Thème").fill(THEME)
    for i, (name, commune, qpv) in enumerate(SIX, 1):
        row = page.get_by_role("group", name=f"Territoire {i}")
        row.get_by_label("Nom du territoire").fill(name)
        row.get_by_label("Commune").fill(commune)
        if qpv:
            row.get_by_label("Quartier prioritaire (QPV)").check()
    page.get_by_role("button", name="Créer le programme").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/programmes/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    return str(page.url)


def create_session(page: Any, kind: str, title: str, territory: str | None, live: Live) -> Created:
    form = page.locator("form[action$='/seances']")
    form.get_by_label("Étape").select_option(label=kind)
    if territory is not None:
        form.get_by_label("Territoire (séance locale)").select_option(label=territory)
    form.get_by_label("Titre", exact=True).fill(title)
    form.get_by_label("Date", exact=True).fill("2027-03-14")
    form.get_by_role("button", name="Créer la séance").click()
    heading = re.compile(rf"Séance créée\s:\s{re.escape(title)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate(LOOSE_PUNCTUATION) == []
    notice = page.locator(".notice").inner_text()
    found = re.search(r"avec (\d+) énoncés? importés?|(sans) énoncé importé", notice)
    assert found is not None, notice
    imported = 0 if found.group(2) else int(found.group(1))
    link = page.locator("#console").get_attribute("href")
    token = TOKEN.search(link)
    session = re.match(r"/f/([^#?]+)", link)
    assert token is not None, link
    assert session is not None, link
    live.tokens.add(token.group(1))
    live.sessions[session.group(1)] = title
    return Created(session.group(1), link, token.group(1), imported)


def play(server: LiveServer, created: Created, seed: int) -> None:
    """The room: 30 simulated people on their phones, played fast, one vœu by consent."""
    options = WireOptions(
        console=server.url + created.link, participants=30, seed=seed, speed=3000, voeux=1
    )
    summary = beside(lambda: simulate_wire(options))
    assert summary.completed, summary.failure


def session_item(page: Any, title: str) -> Any:
    return page.locator("li[data-session]").filter(has=page.get_by_text(title, exact=True))


def session_ps(page: Any, title: str) -> str:
    ps = session_item(page, title).get_attribute("data-session")
    assert isinstance(ps, str)
    return ps


# Each button posts its form and the server redirects to the programme's page: the next step
# waits for what that page then says, not for a time.


def close(page: Any, title: str) -> None:
    item = session_item(page, title)
    item.get_by_label(re.compile(r"La séance est finie\s:")).check()  # asked before closing
    item.get_by_role("button", name="Clôturer la séance").click()
    expect(session_item(page, title)).to_contain_text("clôturée")


def publish(page: Any, title: str) -> None:
    session_item(page, title).get_by_role("button", name="Publier dans les archives").click()
    expect(session_item(page, title)).to_contain_text("publiée")


def follow_voeu(voeu: Any, form: dict[str, str]) -> None:
    voeu.get_by_label("Nouvelle étape").select_option(label=form["status"])
    voeu.get_by_label("Date", exact=True).fill(form["date"])
    if "answer" in form:
        voeu.get_by_label("Réponse du conseil").fill(form["answer"])
        voeu.get_by_label("Lien vers la réponse (délibération, PDF)").fill(form["link"])
    voeu.get_by_role("button", name="Enregistrer l’étape").click()
    expect(voeu.locator(".status")).to_have_text(form["status"])


def no_sideways_scroll_at_360(page: Any) -> None:
    page.set_viewport_size(PHONE)
    try:
        assert page.evaluate(SIDEWAYS) <= 0, "the programme page scrolls sideways at 360 px"
        screenshot(page, "programme-phone")
    finally:
        page.set_viewport_size(DESKTOP)


# --- what the visitor downloads ---------------------------------------------------------------


def download(page: Any, link: Any) -> bytes:
    with page.expect_download() as started:
        link.click()
    path = started.value.path()
    assert path is not None
    return Path(path).read_bytes()


def opened_pdf(page: Any, link: Any) -> bytes:
    """The PDF a click on ``link`` opens. It is served inline, so Chromium shows it in its viewer
    instead of downloading it (no download event, and the page's response is the viewer's): the
    bytes are kept as they pass on their way to the browser, then the page comes back."""
    kept: list[bytes] = []

    def keep(route: Any) -> None:
        answer = route.fetch(timeout=PDF_WAIT_MS)
        kept.append(answer.body())
        route.fulfill(response=answer)

    pdf = re.compile(r"\.pdf(\?.*)?$")
    page.route(pdf, keep)
    try:
        with page.expect_response(pdf, timeout=PDF_WAIT_MS) as answer:
            link.click()
        assert answer.value.headers["content-type"] == "application/pdf"
    finally:
        page.unroute(pdf, keep)
    page.go_back()
    [data] = kept
    return data


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def mkawa_text(data: bytes, archive: str) -> str:
    """The published log decoded: every envelope as JSON, after checking that it names the
    archive, not the live session, and carries no command id (a join's is as secret as a
    token)."""
    header, envelopes = read_log(data)
    assert header.session == archive
    assert envelopes
    assert [e.seq for e in envelopes if e.cmd is not None] == []
    parts = [msgspec.json.encode(header).decode()]
    parts += [msgspec.json.encode(e).decode() for e in envelopes]
    return "\n".join(parts)


# --- the anonymisation check ------------------------------------------------------------------


@dataclass(frozen=True)
class Forbidden:
    """What the live database holds that nothing published may contain."""

    strings: frozenset[str]  # tokens, their hashes, session ids, join codes, command ids, e-mail
    pseudonyms: frozenset[str]  # of people who did not consent, in none of the sessions
    allowed: frozenset[str]  # pseudonyms shown with consent (may contain a forbidden one)


def forbidden(db: Path, live: Live) -> Forbidden:
    strings = set(live.tokens) | {EMAIL}
    consented: set[str] = set()
    withheld: set[str] = set()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        for session, code, facilitator in connection.execute(
            "SELECT id, code, facilitator_hash FROM sessions"
        ):
            if session in live.sessions:
                strings |= {session, code, facilitator}
        for session, token_hash in connection.execute("SELECT session_id, token_hash FROM tokens"):
            if session in live.sessions:
                strings.add(token_hash)
        for session, record in connection.execute("SELECT session_id, record FROM events"):
            if session not in live.sessions:
                continue
            envelope = decode_envelope(record)
            if envelope.cmd is not None and len(envelope.cmd) >= 12:
                strings.add(envelope.cmd)  # short ones are counters (c1…) found in any text
            event = envelope.event
            if isinstance(event, ParticipantJoined):
                (consented if event.consent else withheld).add(event.pseudonym)
            if isinstance(event, CoFacilitatorAdded) and event.label:
                strings.add(event.label)  # « Organisation : <e-mail> »
    assert len(live.sessions) == 3
    assert withheld, "the simulator's rooms should hold people who did not consent"
    return Forbidden(frozenset(strings), frozenset(withheld - consented), frozenset(consented))


def _found_in(text: str, rule: Forbidden) -> list[str]:
    flat = " ".join(html.unescape(text).split())
    compact = "".join(flat.split())  # a token cut at a PDF's line end is still found
    found = [s for s in rule.strings if len(s) >= 12 and "".join(s.split()) in compact]
    # A join code is six letters and digits: only a whole word of its own counts.
    found += [
        s
        for s in rule.strings
        if len(s) < 12 and re.search(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", flat)
    ]
    # A consented pseudonym may contain a withheld one (« M. Bernard » and « Bernard »): take
    # every consented one out first, then look for whole withheld ones (« Claire » is not
    # found in « Marie-Claire »).
    for name in sorted(rule.allowed, key=len, reverse=True):
        flat = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", flat)
    found += [
        name
        for name in rule.pseudonyms
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flat)
    ]
    return sorted(found)


def assert_anonymised(artefacts: dict[str, str], rule: Forbidden) -> None:
    leaks = {name: found for name, text in artefacts.items() if (found := _found_in(text, rule))}
    assert leaks == {}


# --- the test ---------------------------------------------------------------------------------


def test_a_programme_from_the_organisers_account_to_the_public_archive(
    server: LiveServer, open_context: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    live = Live()
    url = server.url

    # The organiser: made by the CLI, a password chosen through the link, logged in.
    link = organiser_link(server, capsys, live)
    page = open_context(DESKTOP, accept_downloads=True).new_page()
    page.goto(link)
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Le même, une seconde fois").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer et se connecter").click()
    page.wait_for_url(f"{url}/programmes")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{url}/connexion")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{url}/programmes")

    # The programme and its six territories, four of them QPV.
    programme = create_programme(page, url)
    territories = page.locator("section[aria-labelledby=territoires] tbody tr")
    expect(territories).to_have_count(6)
    for name, commune, _ in SIX:
        expect(territories.filter(has_text=name)).to_contain_text(commune)
    expect(territories.filter(has=page.get_by_role("cell", name="QPV", exact=True))).to_have_count(
        4
    )

    # The metropolitan session: created, played by the simulator, closed.
    metropolitan = create_session(page, "Métrokawa métropolitain", METROPOLITAN, None, live)
    assert metropolitan.imported == 0
    play(server, metropolitan, seed=5)
    page.goto(programme)
    close(page, METROPOLITAN)

    # Two local sessions, each importing what the metropolitan one shared and adopted.
    locals_: list[Created] = []
    for title, territory in LOCALS:
        page.goto(programme)
        created = create_session(page, "Métrokawa local", title, territory, live)
        assert created.imported >= 1
        locals_.append(created)
    # The organiser's console (« Ouvrir la console » on the programme's page: a link of their
    # own) shows where an imported statement comes from.
    page.goto(programme)
    button = session_item(page, LOCALS[0][0]).get_by_role("button", name="Ouvrir la console")
    with page.expect_response(lambda answer: answer.url.endswith("/console")) as redirect:
        button.click()  # the console takes the token out of the address bar: read the redirect
    console = TOKEN.search(redirect.value.headers["location"])
    assert console is not None
    live.tokens.add(console.group(1))
    provenance = page.get_by_test_id("statement-provenance").first
    expect(provenance).to_contain_text(ISSU_DE)
    imported_text = (
        page.get_by_test_id("statement-list")
        .locator("li", has=page.get_by_test_id("statement-provenance"))
        .first.locator(".mk-statement")
        .inner_text()
    )
    screenshot(page, "programme-console-imported")
    for seed, created in enumerate(locals_, start=6):
        play(server, created, seed=seed)
    page.goto(programme)
    for title, _ in LOCALS:
        expect(session_item(page, title)).to_contain_text(re.compile(r"\d+ énoncés? importés?"))
        close(page, title)

    # A vœu of the Bas-Clichy followed to its council: tabled, then adopted with the answer.
    voeu = page.locator(f"li[data-voeu^='{session_ps(page, LOCALS[0][0])}-']").first
    expect(voeu.locator(".status")).to_have_text("à déposer")
    expect(voeu.get_by_label("Conseil", exact=True)).to_have_value(COUNCIL)
    follow_voeu(voeu, {"status": "déposé", "date": "2027-04-02"})
    adopted = {"status": "adopté", "date": "2027-05-20", "answer": ANSWER, "link": ANSWER_LINK}
    follow_voeu(voeu, adopted)
    expect(voeu).to_contain_text(re.compile(r"déposé le 2\savril 2027"))
    expect(voeu).to_contain_text(re.compile(r"adopté le 20\smai 2027"))
    expect(voeu).to_contain_text("une première ligne de bus en septembre")
    expect(voeu.get_by_role("link", name="Réponse publiée")).to_have_attribute("href", ANSWER_LINK)

    # The territory's cahier, as the council is sent it.
    cahiers = page.locator("section[aria-labelledby=cahiers] li").filter(has_text="Bas-Clichy")
    cahier = pdf_text(opened_pdf(page, cahiers.get_by_role("link", name="PDF")))
    assert "Bas-Clichy" in cahier
    assert "première ligne de bus" in " ".join(cahier.split())

    # The programme page: accessible, typeset, and no sideways scroll on a phone.
    assert axe_violations(page) == []
    assert page.evaluate(LOOSE_PUNCTUATION) == []
    screenshot(page, "programme-page")
    no_sideways_scroll_at_360(page)

    # Published: the three sessions, then the programme.
    for title in [METROPOLITAN, *(t for t, _ in LOCALS)]:
        publish(page, title)
    page.get_by_role("button", name="Publier le programme").click()
    page.wait_for_url(f"{programme}#publication")
    archived = page.get_by_role("link", name="archive publique du programme")
    programme_archive = (archived.get_attribute("href") or "").removeprefix("/archives/")
    assert programme_archive

    # --- an anonymous visitor, on a phone --------------------------------------------------
    visitor = open_context(PHONE, accept_downloads=True).new_page()
    visitor.goto(f"{url}/archives")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Archives publiques")
    assert axe_violations(visitor) == []
    assert visitor.evaluate(SIDEWAYS) <= 0
    visitor.get_by_label("Territoire", exact=True).fill("Bas-Clichy")
    visitor.get_by_role("button", name="Filtrer").click()
    listed = visitor.locator("ol.archives > li")
    expect(listed.get_by_role("link", name=LOCALS[0][0], exact=True)).to_be_visible()
    expect(listed.get_by_role("link", name=PROGRAMME, exact=True)).to_be_visible()
    expect(listed.get_by_role("link", name=LOCALS[1][0], exact=True)).to_have_count(0)
    screenshot(visitor, "programme-archives-territory")
    word = max(re.findall(r"\w{6,}", imported_text), key=len)
    visitor.get_by_label("Territoire", exact=True).fill("")
    visitor.get_by_label("Rechercher dans les énoncés").fill(word)
    visitor.get_by_role("button", name="Filtrer").click()
    expect(visitor).to_have_url(re.compile(r"q="))
    for title, _ in LOCALS:  # both imported the statement
        expect(listed.get_by_role("link", name=title, exact=True)).to_be_visible()
    listed.get_by_role("link", name=LOCALS[0][0], exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(LOCALS[0][0])
    local_archive = visitor.url.rsplit("/", 1)[1]
    assert axe_violations(visitor) == []
    assert visitor.evaluate(SIDEWAYS) <= 0
    screenshot(visitor, "programme-archive-page")

    # Its downloads: the Pol.is files, the results, the log and the cahier.
    artefacts: dict[str, str] = {"archive page": visitor.content()}
    for name, header in POLIS_HEADERS.items():
        polis = re.compile(rf"Pol\.is\s:\s{re.escape(name)}")
        data = download(visitor, visitor.get_by_role("link", name=polis))
        text = data.decode("utf-8")
        assert text.startswith(header), (name, text[:200])
        assert text.count("\n") >= 2, name
        artefacts[f"local {name}"] = text
    results = download(visitor, visitor.get_by_role("link", name="Résultats (JSON)"))
    artefacts["local resultats.json"] = json.dumps(json.loads(results), ensure_ascii=False)
    journal = visitor.get_by_role("link", name="Journal anonymisé de la séance (.mkawa)")
    artefacts["local journal.mkawa"] = mkawa_text(download(visitor, journal), local_archive)
    pdf = opened_pdf(visitor, visitor.get_by_role("link", name="Cahier de préconisations (PDF)"))
    text = pdf_text(pdf)
    assert LOCALS[0][0] in " ".join(text.split())
    artefacts["local cahier.pdf"] = text

    # The replay: played from the start, the timeline moves and the room's statements appear.
    visitor.get_by_role("link", name="Rejouer la séance").click()
    expect(visitor).to_have_url(f"{url}/r/a/{local_archive}")
    expect(visitor.get_by_test_id("replay-title")).to_have_text(LOCALS[0][0])
    position = visitor.get_by_test_id("replay-position")
    expect(position).to_have_attribute("data-seq", "1")
    statements = visitor.get_by_test_id("replay-statements").locator("li[data-statement-id]")
    expect(statements).to_have_count(0)
    visitor.get_by_test_id("replay-speed").select_option("60")
    visitor.get_by_test_id("replay-play").click()
    visitor.wait_for_function(
        "() => +document.querySelector('[data-testid=replay-position]').dataset.seq > 5"
    )
    expect(statements.first).to_be_visible()
    expect(visitor.get_by_test_id("replay-statements")).to_contain_text(ISSU_DE)
    screenshot(visitor, "programme-replay")
    artefacts["replay"] = visitor.content()

    # « Comparer »: the imported statement's positions in both local sessions.
    visitor.goto(f"{url}/archives/{local_archive}")
    visitor.get_by_role("link", name="Comparer les énoncés importés d’une séance à l’autre").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Comparer les énoncés importés")
    compared = visitor.locator("section").filter(has_text=word).first
    expect(compared.get_by_role("heading", level=2)).to_be_visible()
    for title, _ in LOCALS:  # its row for each whole session, with the counts of its positions
        row = compared.locator("tbody tr").filter(
            has=visitor.get_by_role("link", name=title, exact=True)
        )
        whole = row.filter(has_text="Toute la séance")
        expect(whole).to_have_count(1)
        expect(whole.locator("td.n")).to_have_count(7)  # voters, five positions, passes
    screenshot(visitor, "programme-compare")
    artefacts["comparer"] = visitor.content()

    # Everything else this programme published, as anyone fetches it.
    fetch = visitor.context.request
    artefacts["list"] = fetch.get(f"{url}/archives").text()
    artefacts["list json"] = fetch.get(f"{url}/archives?format=json").text()
    members = json.loads(artefacts["list json"])["archives"]
    mine = [a["id"] for a in members if a.get("programme") == PROGRAMME or a["title"] == PROGRAMME]
    assert programme_archive in mine
    assert len(mine) == 4
    for archive in mine:
        base = f"{url}/archives/{archive}"
        for path in ["", "/cahier.html", "/comparer"]:
            artefacts[f"{archive}{path}"] = fetch.get(base + path).text()
        artefacts[f"{archive}/cahier.pdf"] = pdf_text(fetch.get(base + "/cahier.pdf").body())
        if archive == programme_archive:
            continue
        for name in POLIS_HEADERS:
            artefacts[f"{archive}/{name}"] = fetch.get(f"{base}/polis/{name}").text()
        artefacts[f"{archive}/resultats.json"] = json.dumps(
            fetch.get(f"{base}/resultats.json").json(), ensure_ascii=False
        )
        data = fetch.get(f"{base}/journal.mkawa").body()
        artefacts[f"{archive}/journal.mkawa"] = mkawa_text(data, archive)
    rule = forbidden(server.db_path, live)
    assert_anonymised(artefacts, rule)
    # The check sees a leak when there is one: the live log the facilitator exports (kept by
    # the organisers, never published) names its session and the organiser's console link.
    export = fetch.get(
        f"{url}/api/sessions/{locals_[0].session}/log",
        headers={"Authorization": f"Bearer {locals_[0].token}"},
    )
    log_header, envelopes = read_log(export.body())
    exported = "\n".join(msgspec.json.encode(e).decode() for e in [log_header, *envelopes])
    leaked = _found_in(exported, rule)
    assert locals_[0].session in leaked
    assert [s for s in leaked if s.startswith("Organisation")] != []  # its label, the e-mail
    # The organiser's own cahier is not published, but holds no token nor address either.
    assert _found_in(cahier, Forbidden(rule.strings, frozenset(), frozenset())) == []
