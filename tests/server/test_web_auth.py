"""Organisers on the web (server/web_auth.py), on a real server process and its SQLite file.

An account made by ``metrokawa organiser add`` sets its password once through its link, logs in,
invites a colleague and gives one a reset link; logging out kills the cookie; an altered cookie
logs nobody in; a POST without its CSRF token changes nothing; a wrong password and an unknown
address answer alike; the sixth failure for one address is 429. No token and no password ever
reaches the server's log.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from .live import LiveServer
from .web import CSRF, LINK, SECRETS, Visitor, add_organiser, visitor


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("web-auth") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


def organiser_with_password(
    server: LiveServer, email: str, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    link = add_organiser(server, email, capsys)
    with visitor(server, "198.51.100.1") as browser:
        assert browser.set_password(link, password).status_code == 303


def db_rows(server: LiveServer, query: str, *args: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(server.db_path)) as db:
        return db.execute(query, args).fetchall()


def logged_in(browser: Visitor) -> bool:
    page = browser.get("/organisateurs/inviter")
    if page.status_code == 303:
        assert page.headers["location"].startswith("/connexion?next=")
        return False
    assert page.status_code == 200, page.text
    return True


# --- the one-time link, logging in -------------------------------------------------------------


def test_the_cli_link_sets_the_password_once_and_logs_in(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    link = add_organiser(server, "Claire@Asso.example", capsys)
    with visitor(server, "203.0.113.1") as browser:
        form = browser.get(link)
        assert form.status_code == 200
        assert "claire@asso.example" in form.text
        assert 'autocomplete="new-password"' in form.text
        answer = browser.set_password(link, "une longue phrase de passe")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/programmes"
        assert logged_in(browser)
        # Used once: the page and the form both refuse it now, and the password stays.
        assert browser.get(link).status_code == 404
        again = browser.client.post(link, data={"csrf": browser.csrf("/organisateurs/inviter")})
        assert again.status_code == 404
    with visitor(server, "203.0.113.2") as other:
        token_page = other.get(link)
        assert token_page.status_code == 404
        assert 'data-code="link_invalid"' in token_page.text
        password = {"password": "une autre phrase de passe"}
        answer = other.post(
            link, {**password, "password2": password["password"]}, csrf_from="/connexion"
        )
        assert answer.status_code == 404
    (stored,) = db_rows(
        server, "SELECT password_hash FROM organisers WHERE email = ?", "claire@asso.example"
    )
    assert str(stored[0]).startswith("$argon2id$")
    with visitor(server, "203.0.113.3") as browser:
        assert browser.login("claire@asso.example", "une autre phrase de passe").status_code == 401
        answer = browser.login("  CLAIRE@asso.example ", "une longue phrase de passe")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/programmes"
        cookie = answer.headers["set-cookie"]
        for attribute in ("mk_org=", "HttpOnly", "Max-Age=43200", "Path=/", "SameSite=lax"):
            assert attribute in cookie
        assert "Secure" not in cookie  # served over http: a Secure cookie would never come back


def test_a_password_outside_the_bounds_is_refused_and_the_link_stays_usable(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    link = add_organiser(server, "bornes@asso.example", capsys)
    refused = [  # (password, again, code)
        ("onze-signes", "onze-signes", "password_too_short"),
        ("x" * 257, "x" * 257, "password_too_long"),
        ("douze signes", "douze signez", "passwords_differ"),
    ]
    with visitor(server, "203.0.113.10") as browser:
        for password, again, code in refused:
            answer = browser.post(link, {"password": password, "password2": again})
            assert answer.status_code == 400
            assert f'data-code="{code}"' in answer.text
            assert 'id="mot-de-passe-erreur"' in answer.text
            assert 'aria-describedby="mot-de-passe-erreur password-aide"' in answer.text
        assert browser.set_password(link, "douze signes").status_code == 303  # 12: enough


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/organisateurs/inviter", "/organisateurs/inviter"),
        ("//evil.example/x", "/programmes"),
        ("https://evil.example/", "/programmes"),
        ("/\\evil.example", "/programmes"),
        ("", "/programmes"),
    ],
)
def test_after_login_only_a_local_path_is_followed(
    server: LiveServer, capsys: pytest.CaptureFixture[str], target: str, landing: str
) -> None:
    email = f"suite-{abs(hash(target))}@asso.example"
    organiser_with_password(server, email, "aller plus loin ensuite", capsys)
    with visitor(server, "203.0.113.20") as browser:
        answer = browser.login(email, "aller plus loin ensuite", next_=target)
        assert answer.status_code == 303
        assert answer.headers["location"] == landing


def test_a_page_for_organisers_sends_a_visitor_to_the_login_form(server: LiveServer) -> None:
    with visitor(server, "203.0.113.30") as browser:
        for path in ("/organisateurs/inviter", "/organisateurs/oubli"):
            answer = browser.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == f"/connexion?next={path}"
            answer = browser.client.post(path, data={"email": "x@asso.example"})
            assert answer.status_code == 303


def test_the_login_form_is_labelled_and_autocompletes(server: LiveServer) -> None:
    with visitor(server, "203.0.113.31") as browser:
        page = browser.get("/connexion")
    html = page.text
    assert '<html lang="fr">' in html
    assert '<main id="contenu"' in html
    assert 'href="#contenu"' in html
    for name, autocomplete in (("email", "username"), ("password", "current-password")):
        assert f'<label for="{name}">' in html
        assert f'id="{name}" name="{name}"' in html
        assert f'autocomplete="{autocomplete}"' in html
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


# --- no account enumeration, rate limit --------------------------------------------------------


def without_varying_parts(html: str) -> str:
    return (
        CSRF.sub("", html)
        .replace("inconnu@asso.example", "ADRESSE")
        .replace("egal@asso.example", "ADRESSE")
    )


def test_a_wrong_password_and_an_unknown_address_answer_alike(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "egal@asso.example", "le bon mot de passe", capsys)
    with visitor(server, "203.0.113.40") as browser:
        wrong = browser.login("egal@asso.example", "le mauvais mot de passe")
        unknown = browser.login("inconnu@asso.example", "le mauvais mot de passe")
    assert wrong.status_code == unknown.status_code == 401
    assert 'data-code="login_failed"' in wrong.text
    assert without_varying_parts(wrong.text) == without_varying_parts(unknown.text)
    assert 'aria-describedby="connexion-erreur"' in wrong.text


def test_the_sixth_failure_for_one_address_is_429_even_with_the_right_password(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "cible@asso.example", "le vrai mot de passe", capsys)
    answers = []
    # Each attempt from another client address: the limit per e-mail holds whatever the address.
    for n in range(5):
        with visitor(server, f"192.0.2.{n + 1}") as browser:
            answers.append(browser.login("cible@asso.example", f"essai numéro {n}").status_code)
    assert answers == [401] * 5
    with visitor(server, "192.0.2.50") as browser:
        sixth = browser.login("cible@asso.example", "le vrai mot de passe")
    assert sixth.status_code == 429
    assert 'data-code="too_many_attempts"' in sixth.text
    assert "réessayez dans 15\u00a0min" in sixth.text or "réessayez dans 15 min" in sixth.text
    assert 850 <= int(sixth.headers["retry-after"]) <= 900
    assert "set-cookie" not in sixth.headers or "mk_org" not in sixth.headers["set-cookie"]


def test_one_client_address_is_limited_across_addresses_tried(server: LiveServer) -> None:
    with visitor(server, "192.0.2.200") as browser:
        answers = [
            browser.login(f"personne-{n}@asso.example", "pas le bon").status_code for n in range(21)
        ]
    assert answers == [401] * 20 + [429]


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_post_without_or_with_a_wrong_csrf_token_is_403_and_changes_nothing(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "garde@asso.example", "jeton de formulaire", capsys)
    with visitor(server, "203.0.113.50") as browser, visitor(server, "203.0.113.51") as other:
        assert browser.login("garde@asso.example", "jeton de formulaire").status_code == 303
        assert other.login("garde@asso.example", "jeton de formulaire").status_code == 303
        others_token = other.csrf("/organisateurs/inviter")
        mine = browser.csrf("/organisateurs/inviter")
        forms = [  # (what is sent as csrf, why it is refused)
            ({}, "absent"),
            ({"csrf": ""}, "empty"),
            ({"csrf": mine[:40] + ("A" if mine[40] != "A" else "B") + mine[41:]}, "altered"),
            ({"csrf": mine[:-8]}, "cut short"),
            ({"csrf": "%%%%"}, "not base64"),
            ({"csrf": others_token}, "another login's"),
        ]
        for csrf, why in forms:
            answer = browser.client.post(
                "/organisateurs/inviter", data={"email": "intrus@asso.example", **csrf}
            )
            assert answer.status_code == 403, why
            assert 'data-code="csrf"' in answer.text
            assert "Formulaire expiré" in answer.text
        assert (
            db_rows(server, "SELECT id FROM organisers WHERE email = ?", "intrus@asso.example")
            == []
        )
        # Logging out needs it too: refused, the login holds.
        assert browser.client.post("/deconnexion").status_code == 403
        assert logged_in(browser)
    with visitor(server, "203.0.113.52") as stranger:
        answer = stranger.client.post(
            "/connexion", data={"email": "garde@asso.example", "password": "jeton de formulaire"}
        )
        assert answer.status_code == 403
        assert "mk_org" not in answer.headers.get("set-cookie", "")


# --- the cookie ---------------------------------------------------------------------------------


def test_a_logged_out_cookie_no_longer_works(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "sortie@asso.example", "au revoir tout le monde", capsys)
    with visitor(server, "203.0.113.60") as browser:
        assert browser.login("sortie@asso.example", "au revoir tout le monde").status_code == 303
        stolen = browser.client.cookies["mk_org"]
        answer = browser.post("/deconnexion", {}, csrf_from="/organisateurs/inviter")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/connexion"
        assert not logged_in(browser)
    with visitor(server, "203.0.113.61") as thief:
        thief.client.cookies.set("mk_org", stolen)
        assert not logged_in(thief)


def test_an_altered_cookie_is_refused(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "biscuit@asso.example", "ne touchez pas au biscuit", capsys)
    organiser_with_password(server, "voisin@asso.example", "le biscuit du voisin", capsys)
    with visitor(server, "203.0.113.70") as browser:
        assert browser.login("biscuit@asso.example", "ne touchez pas au biscuit").status_code == 303
        genuine = browser.client.cookies["mk_org"]
    (neighbour,) = db_rows(
        server, "SELECT id FROM organisers WHERE email = ?", "voisin@asso.example"
    )
    organiser, login, issued, mac = genuine.split(".")
    flipped_mac = mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")
    forged = [  # (cookie, what was changed)
        (genuine, "nothing: the control"),
        (f"{neighbour[0]}.{login}.{issued}.{mac}", "the organiser"),
        (f"{organiser}.{login[:-1]}x.{issued}.{mac}", "the login"),
        (f"{organiser}.{login}.{int(issued) + 1}.{mac}", "the issue time"),
        (f"{organiser}.{login}.{issued}.{flipped_mac}", "the MAC"),
        (f"{organiser}.{login}.{issued}", "a part missing"),
        ("", "empty"),
        ("x" * 300, "too long"),
    ]
    results = {}
    for cookie, what in forged:
        with visitor(server, "203.0.113.71") as other:
            other.client.cookies.set("mk_org", cookie)
            results[what] = logged_in(other)
    assert results == {what: what.startswith("nothing") for _, what in forged}


# --- colleagues ---------------------------------------------------------------------------------


def test_an_organiser_invites_a_colleague_from_the_web(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "hote@asso.example", "bienvenue aux collègues", capsys)
    with visitor(server, "203.0.113.80") as host:
        assert host.login("hote@asso.example", "bienvenue aux collègues").status_code == 303
        answer = host.post("/organisateurs/inviter", {"email": "Nouvelle@Asso.example"})
        assert answer.status_code == 200
        assert "Compte créé pour nouvelle@asso.example" in answer.text
        found = LINK.search(answer.text)
        assert found is not None, answer.text
        SECRETS.append(found.group(2))
        again = host.post("/organisateurs/inviter", {"email": "nouvelle@asso.example"})
        assert again.status_code == 400
        assert 'data-code="already_organiser"' in again.text
        bad = host.post("/organisateurs/inviter", {"email": "pas une adresse"})
        assert bad.status_code == 400
        assert 'data-code="email_invalid"' in bad.text
    link = found.group(1).removeprefix(server.url)
    with visitor(server, "203.0.113.81") as colleague:
        assert colleague.set_password(link, "me voici parmi vous").status_code == 303
        assert logged_in(colleague)
    (invited_by,) = db_rows(
        server, "SELECT invited_by FROM organisers WHERE email = ?", "nouvelle@asso.example"
    )
    (host_id,) = db_rows(server, "SELECT id FROM organisers WHERE email = ?", "hote@asso.example")
    assert invited_by == host_id


def test_a_forgotten_password_by_a_colleague_issued_link(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    organiser_with_password(server, "aide@asso.example", "je donne un coup de main", capsys)
    organiser_with_password(server, "oublie@asso.example", "je ne m'en souviens plus", capsys)
    with visitor(server, "203.0.113.90") as forgetful, visitor(server, "203.0.113.91") as helper:
        assert forgetful.login("oublie@asso.example", "je ne m'en souviens plus").status_code == 303
        assert helper.login("aide@asso.example", "je donne un coup de main").status_code == 303
        unknown = helper.post("/organisateurs/oubli", {"email": "personne@asso.example"})
        assert unknown.status_code == 400
        assert 'data-code="unknown_organiser"' in unknown.text
        # A reset link opens the account: without a mail server, only for a colleague who
        # already shares a programme with it.
        stranger = helper.post("/organisateurs/oubli", {"email": "oublie@asso.example"})
        assert stranger.status_code == 403
        assert 'data-code="not_a_colleague"' in stranger.text
        assert "/mot-de-passe/" not in stranger.text
        shared = helper.post("/programmes/nouveau", PROGRAMME, csrf_from="/programmes/nouveau")
        programme = shared.headers["location"]
        added = {"email": "oublie@asso.example"}
        helper.post(f"{programme}/organisateurs", added, csrf_from=programme)
        answer = helper.post("/organisateurs/oubli", {"email": "oublie@asso.example"})
        assert answer.status_code == 200
        found = LINK.search(answer.text)
        assert found is not None, answer.text
        SECRETS.append(found.group(2))
        link = found.group(1).removeprefix(server.url)
        with visitor(server, "203.0.113.92") as later:
            assert "Changer votre mot de passe" in later.get(link).text
            assert later.set_password(link, "un tout nouveau mot de passe").status_code == 303
        # The new password ends every earlier login of that organiser.
        assert not logged_in(forgetful)
        assert logged_in(helper)
        assert forgetful.login("oublie@asso.example", "je ne m'en souviens plus").status_code == 401
        answer = forgetful.login("oublie@asso.example", "un tout nouveau mot de passe")
        assert answer.status_code == 303


PROGRAMME: Final = {"titre": "Entraide", "nom1": "Bas-Clichy", "commune1": "Clichy-sous-Bois"}


# --- the log ------------------------------------------------------------------------------------


def test_no_token_or_password_in_the_server_log(server: LiveServer) -> None:
    """Last in this module: every token and password the tests above used."""
    log = server.log()
    assert "/mot-de-passe/…" in log  # the access log is on, and it saw the links
    assert "POST /connexion" in log
    assert len(SECRETS) > 20
    leaked = [secret for secret in SECRETS if secret in log]
    assert leaked == []
    cookie_secret = db_rows(server, "SELECT value FROM web_secrets")
    assert cookie_secret
    assert str(cookie_secret[0][0]) not in log


def test_the_database_keeps_no_token(server: LiveServer) -> None:
    data = Path(server.db_path).read_bytes()
    wal = Path(f"{server.db_path}-wal")
    if wal.exists():
        data += wal.read_bytes()
    tokens = [s for s in SECRETS if re.fullmatch(r"[A-Za-z0-9_-]{43}", s)]
    assert tokens
    assert [t for t in tokens if t.encode() in data] == []
