"""``metrokawa``: the command line of Métrokawa, in French.

    metrokawa simulate --offline [--participants 120] [--territories 6] [--rounds 4]
                       [--seed 2026] [--voeux N] [-o FICHIER.mkawa]
    metrokawa simulate --url http://HÔTE:PORT [--participants 120] [--territories 6]
                       [--speed 150 | --real-time] [--timeout 300] [--json] [-o FICHIER.mkawa]
                       [--voeux N]
    metrokawa simulate --console http://HÔTE:PORT/f/SESSION#token=JETON [--participants 120]
                       [--speed 150 | --real-time] [--timeout 300] [--json] [--voeux N]
    metrokawa simulate --url http://HÔTE:PORT --forum [--participants 120] [--territories 6]
                       [--days 3] [--speed 8640] [--timeout 300] [--json] [-o FICHIER.mkawa]
    metrokawa replay FICHIER.mkawa [--until SEQ] [--json]
    metrokawa report FICHIER.mkawa [--format md|html|json] [--territory T] [-o SORTIE]
    metrokawa export [--format polis] FICHIER.mkawa DOSSIER
    metrokawa import [--format polis] DOSSIER [-o FICHIER.mkawa]
    metrokawa serve [--room] [--host 127.0.0.1] [--port 8000] [--db metrokawa.sqlite]
    metrokawa sessions [SESSION] [--db metrokawa.sqlite] [--public-url URL | --room] [--port 8000]
    metrokawa organiser add EMAIL [--db metrokawa.sqlite] [--public-url URL] [--port 8000]

``simulate --offline`` writes the replay of a whole synthetic session (``simulation.offline``);
``simulate --url … --forum`` plays the online phase, a forum numérique, against a live server
(``simulation.forum``);
``replay`` folds a ``.mkawa`` file through the engine and prints what the room did, as text or
as the JSON of ``session_engine.summarize``; ``report`` writes the cahier de préconisations of a
log (``session_engine.report``) in Markdown, HTML or JSON; ``export`` and ``import`` write a log
as Pol.is's openData CSV files and build a log from them (``session_engine.opendata``);
``serve`` binds its port first (``listen``: a taken port is one French sentence, before anything
is created), then runs the live server and announces a new session (``--room``: for the tablets of
the room, ``room``); ``sessions`` lists the sessions of the local database and gives a console
link back for one of them (``local``); ``organiser add`` creates an organiser's account and prints
its one-time link to choose a password (``organisers``; mailed too when SMTP is configured).
``main(argv)`` returns the exit code: 0 when all went well, 2 for anything the user can fix
(bad arguments, an unreadable log, a command not available yet), always with a French sentence
on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timezone
from importlib import metadata
from itertools import takewhile
from pathlib import Path
from typing import Any, NoReturn, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from session_engine import (
    LogFormatError,
    LogHeader,
    Rejected,
    SessionState,
    iter_log,
    replay,
    summarize,
)
from session_engine.events import PositionTaken
from session_engine.summary import POSITIONS_IN_FORCE, POSITIONS_TAKEN
from session_engine.typography import plural, typeset

from .simulation.forum.summary import MAX_DAYS, MAX_FORUM_PARTICIPANTS
from .simulation.offline import MAX_PARTICIPANTS, MAX_VOEUX, SimulationError, run_offline
from .simulation.population import MAX_ROUNDS, TERRITORIES
from .trust import DEVELOPMENT_SECRET, SECRET_MIN_LENGTH, SECRET_VARIABLE, development

__all__ = ["main"]

USAGE_ERROR = 2
DEFAULT_DB = "metrokawa.sqlite"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the process exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already explained
        return stop.code if isinstance(stop.code, int) else USAGE_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


# --- simulate -----------------------------------------------------------------------------------


def _simulate(args: argparse.Namespace) -> int:
    if args.forum or args.days is not None:
        return _simulate_forum(args)
    if args.participants > MAX_PARTICIPANTS:
        return _refuse(
            f"Le nombre de participant·e·s doit être compris entre 2 et {MAX_PARTICIPANTS} "
            f"(jusqu'à {MAX_FORUM_PARTICIPANTS} pour un forum, avec --forum)."
        )
    if args.offline and args.url:
        return _refuse(
            "Choisissez : --offline pour simuler en mémoire, ou --url pour simuler par le réseau "
            "contre un serveur, pas les deux."
        )
    if args.console and (args.offline or args.url):
        return _refuse(
            "--console désigne déjà la session et son serveur : ne l'ajoutez ni à --offline ni "
            "à --url."
        )
    if args.url or args.console:
        if args.real_time and args.speed is not None:
            return _refuse("Choisissez : --speed pour accélérer l'horloge, ou --real-time.")
        return _simulate_over_the_wire(args)
    if not args.offline:
        return _refuse(
            "Indiquez l'adresse d'un serveur temps réel avec --url http://HÔTE:PORT pour y "
            "simuler la session par le réseau, ou ajoutez --offline pour la simuler en mémoire "
            "et écrire son journal."
        )
    output = Path(args.output or f"metrokawa-{args.seed}.mkawa")
    try:
        run = run_offline(args.participants, args.territories, args.rounds, args.seed, args.voeux)
    except (ValueError, SimulationError) as error:
        return _refuse(str(error))
    try:
        output.write_bytes(run.data)
    except OSError as error:
        return _refuse(f"Impossible d'écrire « {output} » : {_os_reason(error)}.")
    s = run.stats
    _say(
        f"Simulation hors ligne (graine {args.seed}) : {_n(s.events)} événements, "
        f"{_n(s.participants)} participant·e·s, {s.territories} territoires, {s.rounds} manches, "
        f"{_n(s.statements)} énoncés, {_n(s.positions)} {POSITIONS_TAKEN} "
        f"({_n(s.positions_in_force)} {POSITIONS_IN_FORCE}), {_n(s.ballots)} bulletins"
        + (f", {plural(s.voeux, 'vœu', 'vœux')}" if args.voeux else "")
        + " ; "
        f"{_kb(s.size_bytes)} Ko écrits dans {output}"
    )
    return 0


def _simulate_over_the_wire(args: argparse.Namespace) -> int:
    """Drive a whole session on a live server with real WebSocket clients; print what happened."""
    from .simulation.wire import (
        DEFAULT_SPEED,
        WireOptions,
        WireSimulationError,
        simulate_wire,
    )

    options = WireOptions(
        url=args.url or "",  # with --console, the link's server
        participants=args.participants,
        territories=args.territories,
        rounds=args.rounds,
        seed=args.seed,
        speed=DEFAULT_SPEED if args.speed is None else args.speed,
        real_time=args.real_time,
        timeout_s=args.timeout,
        console=args.console,
        voeux=args.voeux,
    )
    stream = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the summary
    try:
        summary = simulate_wire(options, progress=lambda line: _say(line, stream))
    except WireSimulationError as error:
        return _refuse(str(error))
    except KeyboardInterrupt:
        return _refuse("Simulation interrompue (la session reste sur le serveur).")
    return _simulated(args, summary, stream, "Journal de la session")


def _simulate_forum(args: argparse.Namespace) -> int:
    """Play the online phase (a forum) on a live server; print what happened."""
    from .simulation.forum import DEFAULT_DAYS, DEFAULT_FORUM_SPEED, ForumOptions, simulate_forum
    from .simulation.wire import WireSimulationError

    if not args.forum:
        return _refuse("--days est la durée d'un forum : ajoutez --forum.")
    if args.offline or args.console or not args.url:
        return _refuse(
            "Le forum se simule par le réseau, contre un serveur qu'il crée : "
            "--url http://HÔTE:PORT --forum, sans --offline ni --console."
        )
    if args.voeux:
        return _refuse("Un forum n'a pas de vote : --voeux n'y a pas de sens.")
    if args.real_time and args.speed is not None:
        return _refuse("Choisissez : --speed pour accélérer l'horloge, ou --real-time.")
    speed = 1.0 if args.real_time else args.speed or DEFAULT_FORUM_SPEED
    options = ForumOptions(
        url=args.url,
        participants=args.participants,
        territories=args.territories,
        days=DEFAULT_DAYS if args.days is None else args.days,
        seed=args.seed,
        speed=speed,
        timeout_s=args.timeout,
        clock_file=os.environ.get("METROKAWA_CLOCK_FILE") or None,
    )
    stream = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the summary
    try:
        summary = simulate_forum(options, progress=lambda line: _say(line, stream))
    except WireSimulationError as error:
        return _refuse(str(error))
    except KeyboardInterrupt:
        return _refuse("Simulation interrompue (le forum reste sur le serveur).")
    return _simulated(args, summary, stream, "Journal du forum")


def _simulated(args: argparse.Namespace, summary: Any, stream: TextIO, log_name: str) -> int:
    """What a simulation over the wire ends with, a session's or a forum's: its summary (text,
    or JSON on stdout), its log written with ``-o``, its exit code."""
    from .simulation.wire import WireSimulationError, fetch_log

    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        _say("\n".join(summary.lines()))
    if args.output:
        output = Path(args.output)
        try:
            output.write_bytes(fetch_log(summary.url, summary.session, summary.facilitator_token))
        except WireSimulationError as error:
            return _refuse(str(error))
        except OSError as error:
            return _refuse(f"Impossible d'écrire « {output} » : {_os_reason(error)}.")
        _say(f"{log_name} écrit dans {output}", stream)
    if summary.failure is not None:
        return _refuse(summary.failure)
    return 0


def _factor(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a number between ``low`` and ``high``, or a French complaint."""

    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text} : la valeur doit être entre {low:g} et {high:g}"
            )
        return value

    return parse


# --- replay -------------------------------------------------------------------------------------


def _replay(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _refuse(f"Impossible de lire « {path} » : {_os_reason(error)}.")
    shown = args.progress or (sys.stderr.isatty() and len(data) >= _LARGE_LOG)
    try:
        header, envelopes = iter_log(data, _progress_bar(sys.stderr) if shown else None)
        read = list(takewhile(lambda e: args.until is None or e.seq <= args.until, envelopes))
        state = replay(read)
    except LogFormatError as error:
        return _refuse(f"« {path} » n'est pas un journal Métrokawa lisible ({error}).")
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as error:
        return _refuse(f"« {path} » est un journal incohérent : il ne se rejoue pas ({error!r}).")
    summary = summarize(state)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        taken = sum(isinstance(e.event, PositionTaken) for e in read)
        _say(_as_text(header, len(read), taken, state, summary))
    return 0


_LARGE_LOG = 1 << 20  # bytes (about 10,000 events): below this a replay is instant


def _progress_bar(stream: Any) -> Callable[[int, int], None]:
    """A one-line bar on ``stream``, redrawn in place: how much of the file is read."""

    def show(done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        stream.write(
            f"\rRelecture du journal [{'#' * filled}{'.' * (30 - filled)}] "
            f"{100 * done // max(total, 1):3d} %  ({done / 1e6:.1f} / {total / 1e6:.1f} Mo)"
        )
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


_ROUND_KINDS = {"table": "tables", "plenary": "plénière", "vote": "vote"}
_ROUND_STATUS = {
    "pending": "à venir",
    "running": "en cours",
    "paused": "en pause",
    "ended": "terminée",
}
_STATEMENT_STATUS = {
    "proposed": "en attente",
    "published": "publiés",
    "hidden": "masqués",
    "merged": "fusionnés",
}


def _as_text(
    header: LogHeader, events: int, taken: int, state: SessionState, summary: dict[str, Any]
) -> str:
    """The summary as a person reads it; pseudonyms and prompts come from the state. ``taken``
    is every ``PositionTaken`` replayed (changes of mind included)."""
    lines = [
        summary["title"] or "(session sans titre)",
        f"Journal « {header.session} » créé le {_date(header.created_at)}, "
        f"{_n(events)} événements rejoués. "
        + ("Session close." if summary["closed"] else "Session ouverte."),
        "",
        f"Participant·e·s : {_n(summary['participants'])}",
        *(f"  {name} : {count}" for name, count in summary["participants_per_territory"].items()),
        "",
        f"Tables : {len(summary['tables'])}",
        *(_table_line(state, number, t) for number, t in summary["tables"].items()),
        "",
        "Manches :",
        *(_round_line(state, r) for r in summary["rounds"]),
        "",
        "Énoncés : " + _statement_counts(summary["statements"]),
        f"{POSITIONS_IN_FORCE.capitalize()}\u00a0: {_n(summary['positions'])} (sur les énoncés "
        "publiés)",
        f"{POSITIONS_TAKEN.capitalize()}\u00a0: {_n(taken)}",
        f"Annotations : {_n(summary['annotations'])}",
        f"Synthèses : {_n(summary['syntheses'])}",
        f"Propositions : {_n(summary['proposals'])}",
        "Votes : " + ("aucun" if not summary["votes"] else ""),
        *(_vote_line(vote_id, v) for vote_id, v in summary["votes"].items()),
    ]
    return "\n".join(line.rstrip() for line in lines)


def _table_line(state: SessionState, number: str, table: dict[str, Any]) -> str:
    host = table["host"]
    person = state.participants.get(host) if host else None
    who = f"{person.pseudonym} ({host})" if person else "aucun·e"
    return f"  table {number} : {table['members']} personnes, hôte {who}"


def _round_line(state: SessionState, r: dict[str, Any]) -> str:
    prompt = state.rounds[r["number"] - 1].spec.prompt
    kind = _ROUND_KINDS.get(r["kind"], r["kind"])
    status = _ROUND_STATUS.get(r["status"], r["status"])
    return f"  {r['number']}. [{kind}] {prompt} : {status}"


def _statement_counts(counts: dict[str, int]) -> str:
    if not counts:
        return "aucun"
    total = sum(counts.values())
    parts = (f"{_STATEMENT_STATUS.get(k, k)} : {_n(n)}" for k, n in counts.items())
    return f"{_n(total)} ({', '.join(parts)})"


def _vote_line(vote_id: str, vote: dict[str, Any]) -> str:
    status = "ouvert" if vote["open"] else "fermé"
    return (
        f"  {vote_id} : {status}, {vote['proposals']} propositions, "
        f"{_n(vote['voters'])} votant·e·s, {_n(vote['ballots'])} mentions"
    )


def _date(ms: int) -> str:
    try:
        zone: timezone | ZoneInfo = ZoneInfo("Europe/Paris")
        suffix = "heure de Paris"
    except ZoneInfoNotFoundError:
        zone, suffix = UTC, "UTC"
    moment = datetime.fromtimestamp(ms / 1000, tz=zone)
    return f"{moment:%d/%m/%Y à %H:%M} ({suffix})"


# --- report -------------------------------------------------------------------------------------


# The report's formats, spelled here so that the parser needs no numpy (``session_engine.report``
# loads it, through ``opinions``); tests/server/test_cli.py checks they are the report's own.
REPORT_FORMATS = ("md", "html", "json")


def _report(args: argparse.Namespace) -> int:
    from session_engine.report import UnknownTerritory, build_report, render

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _refuse(f"Impossible de lire « {path} » : {_os_reason(error)}.")
    try:
        header, envelopes = iter_log(data)
        report = build_report(header, list(envelopes), territory=args.territory)
        text = render(report, args.format)
    except LogFormatError as error:
        return _refuse(f"« {path} » n'est pas un journal Métrokawa lisible ({error}).")
    except UnknownTerritory as unknown:
        known = ", ".join(f"{t.id} ({t.name})" for t in unknown.known) or "aucun"
        return _refuse(
            f"Le territoire « {unknown.wanted} » n'est pas dans cette session. "
            f"Territoires connus : {known}."
        )
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as error:
        return _refuse(f"« {path} » est un journal incohérent : il ne se rejoue pas ({error!r}).")
    if args.output is None:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        return _refuse(f"Impossible d'écrire « {output} » : {_os_reason(error)}.")
    _say(f"Cahier de préconisations ({args.format}) écrit dans {output}", sys.stderr)
    return 0


# --- export, import: Pol.is's openData files ----------------------------------------------------

EXCHANGE_FORMATS = ("polis",)


def _export(args: argparse.Namespace) -> int:
    from session_engine.opendata import export_polis

    path, directory = Path(args.file), Path(args.directory)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _refuse(f"Impossible de lire « {path} » : {_os_reason(error)}.")
    try:
        header, envelopes = iter_log(data)
        files = export_polis(header, list(envelopes))
    except LogFormatError as error:
        return _refuse(f"« {path} » n'est pas un journal Métrokawa lisible ({error}).")
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as error:
        return _refuse(f"« {path} » est un journal incohérent : il ne se rejoue pas ({error!r}).")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text, encoding="utf-8")
    except OSError as error:
        return _refuse(f"Impossible d'écrire dans « {directory} » : {_os_reason(error)}.")
    print(f"Export Pol.is (openData) : {', '.join(files)} écrits dans {directory}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from session_engine import write_log
    from session_engine.opendata import FILES, OpenDataError, load_polis

    directory = Path(args.directory)
    if not directory.is_dir():
        return _refuse(f"« {directory} » n'est pas un dossier d'export Pol.is.")
    try:
        files = {
            name: (directory / name).read_text(encoding="utf-8")
            for name in FILES
            if (directory / name).is_file()
        }
    except (OSError, UnicodeDecodeError) as error:
        reason = _os_reason(error) if isinstance(error, OSError) else "pas en UTF-8"
        return _refuse(f"Impossible de lire les fichiers de « {directory} » : {reason}.")
    try:
        header, envelopes = load_polis(files)
    except OpenDataError as error:
        return _refuse(f"Export Pol.is illisible dans « {directory} » : {error}")
    output = Path(args.output or f"{header.session}.mkawa")
    try:
        output.write_bytes(write_log(header, envelopes))
    except OSError as error:
        return _refuse(f"Impossible d'écrire « {output} » : {_os_reason(error)}.")
    print(
        f"Conversation Pol.is « {header.title} » : {_n(len(envelopes))} événements écrits dans "
        f"{output}",
        file=sys.stderr,
    )
    return 0


# --- serve --------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    import msgspec

    from . import listen  # only the server needs uvicorn; simulate and replay start faster
    from .app import SETTINGS_VARIABLE, Settings, create_app
    from .limits import limits_from_environment
    from .logs import LOG_CONFIG
    from .mail import Mailer
    from .tiles import tiles_from_environment

    host = args.host or ("0.0.0.0" if args.room else "127.0.0.1")
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    public_url = args.public_url or os.environ.get("METROKAWA_PUBLIC_URL") or None
    if args.room and public_url is None:  # an address given by hand wins over the one found
        public_url = _room_url(args.port)
    hosts = args.allowed_hosts or os.environ.get("METROKAWA_ALLOWED_HOSTS") or "*"
    proxies = args.forwarded_allow_ips or os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
    redis = args.redis or os.environ.get("METROKAWA_REDIS")
    db = _db_url(args.db)
    if args.workers > 1 and (redis is None or db.startswith("sqlite")):
        _say(
            "metrokawa serve : --workers demande une base PostgreSQL (--db postgresql://…) et "
            "un Redis (--redis redis://…) partagés par les processus.",
            sys.stderr,
        )
        return USAGE_ERROR
    secret = "" if redis is None else _cluster_secret(host, redis)
    if secret is None:
        return USAGE_ERROR
    try:
        limits = limits_from_environment()
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        return _refuse(f"METROKAWA_LIMITS n'est pas un objet JSON de limites valable ({error}).")
    try:  # a mistyped METROKAWA_SMTP_URL: one sentence now, not a traceback at start-up
        Mailer.from_environment()
        tiles = tiles_from_environment(dict(os.environ))
    except ValueError as error:
        return _refuse(str(error))
    settings = Settings(
        db=db,
        limits=limits,
        # N workers would each create one: a session is then created from the home page.
        announce=not args.no_new_session and args.workers == 1,
        public_url=public_url,
        listen_url=f"http://{shown_host}:{args.port}",
        room=args.room,
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip()),
        redis=redis,
        cluster_secret=secret,
        tiles=tiles,
        clock_file=os.environ.get("METROKAWA_CLOCK_FILE") or None,
        **({"lease_ms": args.lease_ms} if args.lease_ms else {}),
        **({"evict_after_s": args.evict_after} if args.evict_after else {}),
        **({"ui_dir": args.ui} if args.ui else {}),
    )
    try:  # before anything is created: a taken port must not leave a session behind
        sock = listen.bind(host, args.port)
    except listen.Unavailable as unavailable:
        return _refuse(str(unavailable))
    if args.room and not settings.announce:  # no session to announce: the home page, for the room
        _say_room(settings.public_url or settings.listen_url)
    options: dict[str, Any] = {
        "proxy_headers": True,
        "forwarded_allow_ips": proxies,
        "log_config": LOG_CONFIG,
        "log_level": "info",
        # The transport refuses a message over the protocol's limit before reading it (1009).
        "ws_max_size": limits.max_frame_bytes,
    }
    if args.workers == 1:
        listen.serve(create_app(settings), sock, **options)
        return 0
    # uvicorn's own supervisor: N processes sharing the listening socket, each one building the
    # app from the settings passed down in the environment.
    os.environ[SETTINGS_VARIABLE] = msgspec.json.encode(settings).decode()
    listen.serve_workers("server.app:app_from_environment", sock, args.workers, **options)
    return 0


def _room_url(port: int) -> str | None:
    """``serve --room``: the address tablets reach this machine by (``room``), said with the other
    ones found; None, with a French warning, when there is only the loopback."""
    from .room import LOOPBACK_WARNING, room_address

    found = room_address()
    url = found.url(port)
    if url is None:
        _say(f"metrokawa serve : {LOOPBACK_WARNING}", sys.stderr)
    elif found.others:
        _say(
            f"metrokawa serve : adresse de la salle {found.address} (autres adresses de cette "
            f"machine : {', '.join(found.others)} ; --public-url en choisit une autre).",
            sys.stderr,
        )
    return url


def _say_room(base: str) -> None:
    """The home page's address and its QR code, for the tablets of the room."""
    from .room import colours, terminal_qr

    home = base.rstrip("/") + "/"
    _say(f"\nMétrokawa dans la salle : {home}\nLes tablettes s'y connectent, ou scannent ce code :")
    print(terminal_qr(home, colours=colours()), flush=True)


def _cluster_secret(host: str, redis: str) -> str | None:
    """The secret the workers sign their Redis entries with (``trust``): from the environment,
    or the public one in development; None, said why, when they may not start."""
    secret = os.environ.get(SECRET_VARIABLE, "")
    if len(secret) >= SECRET_MIN_LENGTH:
        return secret
    if secret:
        _refuse(
            f"{SECRET_VARIABLE} est trop court ({len(secret)} caractères) : il en faut au "
            f"moins {SECRET_MIN_LENGTH}."
        )
        return None
    if development(host, redis):
        print(
            f"metrokawa serve : pas de {SECRET_VARIABLE}, mais le serveur et Redis sont sur "
            f"cette machine : mode développement, les processus signent avec un secret public.",
            file=sys.stderr,
        )
        return DEVELOPMENT_SECRET
    _refuse(
        f"--redis demande un secret commun aux processus dans {SECRET_VARIABLE} : au moins "
        f"{SECRET_MIN_LENGTH} caractères, le même pour tous (par exemple : python3 -c "
        f'"import secrets; print(secrets.token_hex(32))"). Sans lui, quiconque peut écrire '
        f"dans ce Redis agirait au nom de n'importe quel participant, animation comprise. Seul un "
        f"essai sur cette machine (--host et Redis en 127.0.0.1) s'en passe."
    )
    return None


def _db_url(db: str) -> str:
    """A bare file name means a SQLite file; anything with ``://`` is an SQLAlchemy URL."""
    return db if "://" in db else f"sqlite:///{db}"


# --- sessions -----------------------------------------------------------------------------------


def _sessions(args: argparse.Namespace) -> int:
    """List the local database's sessions, or give a console link back for one of them."""
    import asyncio

    db = _db_url(args.db)
    if db.startswith("sqlite:///") and not Path(db.removeprefix("sqlite:///")).is_file():
        return _refuse(
            f"Pas de base Métrokawa « {args.db} » ici : lancez cette commande dans le dossier "
            "du serveur, ou donnez sa base avec --db."
        )
    try:
        return asyncio.run(_sessions_in(db, args))
    except Exception as error:  # an unreadable database: one sentence, no traceback
        return _refuse(f"Impossible de lire la base « {args.db} » ({error}).")


async def _sessions_in(db: str, args: argparse.Namespace) -> int:
    from .local import find_session, give_link, sessions
    from .store import open_store

    store = open_store(db)
    try:
        if args.session is None:
            _say_sessions(args.db, await sessions(store))
            return 0
        record = await find_session(store, args.session)
        if record is None:
            return _refuse(
                f"Aucune session « {args.session} » dans {args.db} : metrokawa sessions les liste."
            )
        given = await give_link(store, record, now=_now_ms())
    finally:
        await store.close()
    if isinstance(given, Rejected):
        return _refuse(f"Pas de nouveau lien pour « {record.title} » : {given.message}")
    base = (_sessions_base(args) or f"http://127.0.0.1:{args.port}").rstrip("/")
    _say(
        f"Session « {record.title} » ({record.id}) : un nouveau lien d'animation a été créé "
        f"pour cette machine ({given.cofacilitator}, « Machine du serveur »), que la console "
        "peut retirer.\n"
        f"  Console d'animation : {base}/f/{record.id}#token={given.token}\n"
        f"  Code pour rejoindre : {record.code}   ({base}/j/{record.code})\n"
        f"  Vue projecteur      : {base}/p/{record.id}\n"
        "  Gardez ce lien pour vous : il contient un jeton."
    )
    return 0


def _say_sessions(db: str, lines: list[Any]) -> None:
    if not lines:
        _say(f"Aucune session dans {db}.")
        return
    _say(f"{plural(len(lines), 'session', 'sessions')} dans {db} :")
    for line in lines:
        record = line.record
        status = "close" if line.closed else "manche en cours" if line.round_open else "ouverte"
        people = plural(line.participants, "participant·e", "participant·e·s")
        events = plural(line.events, "événement", "événements")
        _say(
            f"  {record.id}  code {record.code}  « {record.title} », créée le "
            f"{_date(record.created_at)} : {people}, {events}, {status}"
        )
    _say(
        "Pour retrouver la console d'une session (un nouveau lien, que la console peut retirer) : "
        "metrokawa sessions SESSION (son identifiant ou son code)."
    )


def _sessions_base(args: argparse.Namespace) -> str | None:
    """Where the links point: as ``serve`` makes them (an address given, else with --room the
    address found on the local network)."""
    given = args.public_url or os.environ.get("METROKAWA_PUBLIC_URL")
    if given:
        return str(given)
    return _room_url(args.port) if args.room else None


def _now_ms() -> int:
    import time

    return time.time_ns() // 1_000_000


def _add_sessions(commands: Any) -> None:
    sub = _subparser(
        commands,
        "sessions",
        "lister les sessions de cette machine, ou redonner le lien d'animation de l'une d'elles",
        "Sur la machine qui fait tourner le serveur : liste les sessions de sa base (identifiant, "
        "code, titre, date, participant·e·s, état). Avec SESSION (son identifiant ou son code), "
        "redonne un lien d'animation : le jeton d'origine n'est gardé que sous forme d'empreinte "
        "et ne peut pas être relu, alors un nouveau lien de co-animation est créé, inscrit au "
        "journal (« Machine du serveur ») et révocable depuis la console. Le serveur peut "
        "tourner pendant ce temps.",
    )
    sub.add_argument_group("arguments").add_argument(
        "session",
        nargs="?",
        metavar="SESSION",
        help="l'identifiant ou le code de la session dont redonner le lien d'animation",
    )
    sub.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"base d'événements du serveur : fichier SQLite ou URL postgresql:// ({DEFAULT_DB})",
    )
    sub.add_argument(
        "--public-url",
        metavar="URL",
        help="l'adresse publique du serveur, dont faire les liens (ou METROKAWA_PUBLIC_URL)",
    )
    sub.add_argument(
        "--room",
        action="store_true",
        help="faire les liens de l'adresse de cette machine sur le réseau local (serve --room)",
    )
    sub.add_argument(
        "--port", type=_count(1, 65535), default=8000, help="port du serveur, pour les liens (8000)"
    )
    sub.set_defaults(run=_sessions)


# --- organiser ----------------------------------------------------------------------------------


def _organiser(args: argparse.Namespace) -> int:
    """``organiser add EMAIL``: the account, and its one-time link printed (and mailed)."""
    import asyncio

    from .organisers import AccountError, normalise_email

    try:
        email = normalise_email(args.email)
    except AccountError:
        return _refuse(f"« {args.email[:80]} » n'est pas une adresse électronique valable.")
    from .mail import Mailer

    try:
        mailer = Mailer.from_environment()
    except ValueError as error:
        return _refuse(str(error))
    try:
        return asyncio.run(_organiser_add(_db_url(args.db), email, args, mailer))
    except Exception as error:  # an unreadable database: one sentence, no traceback
        return _refuse(f"Impossible d'écrire dans la base « {args.db} » ({type(error).__name__}).")


async def _organiser_add(db: str, email: str, args: argparse.Namespace, mailer: Any) -> int:
    from .organisers import LINK_LIFETIME_MS, Organisers
    from .store import open_store

    store = open_store(db)
    try:
        issued = await Organisers.for_store(store).add(email, _now_ms())
    finally:
        await store.close()
    base = (_sessions_base(args) or f"http://127.0.0.1:{args.port}").rstrip("/")
    link = f"{base}/mot-de-passe/{issued.token}"
    hours = LINK_LIFETIME_MS // 3_600_000
    if issued.created:
        _say(f"Compte d'organisateur·rice créé pour {email} dans {args.db}.")
        _say(f"Pour choisir son mot de passe (lien valable {hours} heures, une seule fois) :")
    else:
        _say(f"{email} a déjà un compte d'organisateur·rice dans {args.db}.")
        _say(f"Pour changer son mot de passe (lien valable {hours} heures, une seule fois) :")
    print(f"  {link}", flush=True)
    if mailer is not None:
        if await mailer.send_link(email, issued.kind, link, by=None):
            _say(f"Le lien lui a aussi été envoyé par courriel ({email}).")
        else:
            _say("L'envoi par courriel a échoué : transmettez-lui ce lien vous-même.", sys.stderr)
    return 0


def _add_organiser(commands: Any) -> None:
    sub = _subparser(
        commands,
        "organiser",
        "gérer les comptes des organisateur·rice·s (metrokawa organiser add ADRESSE)",
        "Comptes des organisateur·rice·s de l'association, dans la base du serveur. "
        "« metrokawa organiser add ADRESSE » crée un compte et affiche un lien à usage unique, "
        "valable 72 heures, pour choisir son mot de passe (à transmettre à la personne) ; pour "
        "une adresse qui a déjà un compte, un lien pour changer son mot de passe. Le lien est "
        "aussi envoyé par courriel quand METROKAWA_SMTP_URL (smtp://utilisateur:mot-de-passe@"
        "hôte:port, ou smtps://) et METROKAWA_MAIL_FROM sont définies. Ensuite, on se connecte "
        "sur /connexion, et un·e organisateur·rice invite ses collègues depuis le site.",
    )
    actions = sub.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)
    add = _subparser(
        actions,
        "add",
        "créer un compte et afficher son lien pour choisir un mot de passe",
        "Crée le compte d'organisateur·rice de ADRESSE et affiche un lien à usage unique (72 "
        "heures) pour choisir son mot de passe ; si le compte existe, un lien pour le changer.",
    )
    add.add_argument_group("arguments").add_argument(
        "email", metavar="ADRESSE", help="l'adresse électronique de l'organisateur·rice"
    )
    add.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"base du serveur : fichier SQLite ou URL postgresql:// ({DEFAULT_DB})",
    )
    add.add_argument(
        "--public-url",
        metavar="URL",
        help="l'adresse publique du serveur, dont faire le lien (ou METROKAWA_PUBLIC_URL)",
    )
    add.add_argument(
        "--port", type=_count(1, 65535), default=8000, help="port du serveur, pour le lien (8000)"
    )
    add.set_defaults(run=_organiser, room=False)


# --- the parser, in French ----------------------------------------------------------------------


class _Formatter(argparse.HelpFormatter):
    """French help: « Utilisation », and every description and option help typeset before it is
    wrapped (a no-break space never starts a line with its « : »)."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        french = "Utilisation\u00a0: " if prefix is None else prefix
        super().add_usage(usage, actions, groups, french)

    def _format_text(self, text: str) -> str:
        return super()._format_text(typeset(text))

    def _expand_help(self, action: argparse.Action) -> str:
        return typeset(super()._expand_help(action))


# argparse's own messages, put into French (the part it fills in is kept as is).
_ARGPARSE_FRENCH: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix \2 inconnu (\3)"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"\1 : valeur invalide \3"),
    (r"argument (.*?): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (.*?): (.*)", r"\1 : \2"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, french in _ARGPARSE_FRENCH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, french, message)
                break
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, typeset(f"{self.prog} : erreur : {message}\n"))


def _count(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer between ``low`` and ``high``, or a French complaint."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
        if value < low or (high is not None and value > high):
            bound = f"au moins {low}" if high is None else f"entre {low} et {high}"
            raise argparse.ArgumentTypeError(f"{value} : la valeur doit être {bound}")
        return value

    return parse


def _new_parser(prog: str, description: str, **kwargs: Any) -> _Parser:
    parser = _Parser(
        prog=prog,
        description=description,
        formatter_class=_Formatter,
        add_help=False,
        **kwargs,
    )
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    return parser


def _parser() -> _Parser:
    parser = _new_parser(
        "metrokawa",
        "Métrokawa : serveur de délibération en temps réel pour les cafés-débats du Grand Paris.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"metrokawa {_version()}",
        help="afficher la version et quitter",
    )
    commands = parser.add_subparsers(title="commandes", dest="command", metavar="COMMANDE")
    _add_simulate(commands)
    _add_replay(commands)
    _add_report(commands)
    _add_export(commands)
    _add_import(commands)
    _add_serve(commands)
    _add_sessions(commands)
    _add_organiser(commands)
    return parser


def _subparser(commands: Any, name: str, summary: str, description: str) -> _Parser:
    sub: _Parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=_Formatter,
        add_help=False,
    )
    sub.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    return sub


def _add_simulate(commands: Any) -> None:
    sub = _subparser(
        commands,
        "simulate",
        "simuler une session complète, en mémoire (.mkawa) ou contre un serveur",
        "Simule un Métrokawa entier (arrivées, tables, manches, énoncés, positions, vote). "
        "Avec --offline, en mémoire sur une horloge fictive : la même graine donne toujours le "
        "même fichier, octet pour octet. Avec --url, contre un serveur temps réel : l'animation "
        "et chaque participant·e sont de vrais clients WebSocket (démonstration et test de "
        "charge) ; la session reste ensuite sur le serveur. Avec --console, la simulation joue "
        "une session existante (créée depuis la console ou la page d'un programme) : sur ses "
        "territoires, les manches de son ordre du jour pas encore commencées, jusqu'à sa "
        "clôture. Avec --url et --forum, la phase en ligne (forum numérique) : des habitant·e·s "
        "de chaque territoire y viennent pendant --days jours, proposent des problèmes et des "
        "idées (avec une adresse ou un point sur la carte), les notent de −2 à +2 ou passent, "
        "les commentent ; l'animation les publie.",
    )
    sub.add_argument(
        "--offline",
        action="store_true",
        help="simuler en mémoire, sans serveur, et écrire le journal",
    )
    sub.add_argument(
        "--url",
        metavar="URL",
        help="adresse d'un serveur Métrokawa (http://HÔTE:PORT) : simuler par le réseau",
    )
    sub.add_argument(
        "--participants",
        type=_count(2, MAX_FORUM_PARTICIPANTS),
        default=120,
        metavar="N",
        help=f"nombre de participant·e·s (120 par défaut ; jusqu'à {MAX_PARTICIPANTS}, "
        f"{MAX_FORUM_PARTICIPANTS} habitant·e·s avec --forum)",
    )
    sub.add_argument(
        "--territories",
        type=_count(1, len(TERRITORIES)),
        default=6,
        metavar="N",
        help="nombre de territoires, de 1 à 6 (6 par défaut, dont 4 QPV)",
    )
    sub.add_argument(
        "--rounds",
        type=_count(2, MAX_ROUNDS),
        default=4,
        metavar="N",
        help="nombre de manches, la dernière étant le vote (4 par défaut)",
    )
    sub.add_argument(
        "--seed",
        type=_count(0),
        default=2026,
        metavar="GRAINE",
        help="graine du hasard (2026 par défaut)",
    )
    sub.add_argument(
        "--voeux",
        type=_count(0, MAX_VOEUX),
        default=0,
        metavar="N",
        help="après le vote, ouvrir un tour de consentement sur chacune des N propositions "
        "adoptées les mieux classées et l'adopter comme vœu (0 par défaut : aucun) ; moins de "
        "propositions adoptées, moins de vœux ; en mémoire comme par le réseau",
    )
    sub.add_argument(
        "-o",
        "--output",
        metavar="FICHIER",
        help="fichier à écrire (metrokawa-GRAINE.mkawa par défaut ; avec --url ou --console, "
        "le journal n'est téléchargé que si FICHIER est donné)",
    )
    wire = sub.add_argument_group("simulation par le réseau (--url ou --console)")
    wire.add_argument(
        "--console",
        metavar="LIEN",
        help="lien de la console d'animation d'une session existante "
        "(http://HÔTE:PORT/f/SESSION#token=JETON, celui de l'animation ou d'une co-animation) : "
        "la simuler jusqu'à sa clôture, au lieu d'en créer une ; le serveur est celui du lien, "
        "--territories et --rounds sont ceux de la session",
    )
    wire.add_argument(
        "--speed",
        type=_factor(1, 100_000),
        metavar="FACTEUR",
        help="l'horloge de la session va FACTEUR fois plus vite que la réalité (150 par défaut : "
        "une session de 4 manches en moins d'une minute) ; l'animation clôt chaque manche",
    )
    wire.add_argument(
        "--real-time",
        action="store_true",
        help="en temps réel : les manches durent ce que dit l'ordre du jour et le serveur les "
        "clôt à l'heure",
    )
    wire.add_argument(
        "--timeout",
        type=_factor(1, 7 * 24 * 3600),
        metavar="SECONDES",
        help="arrêter la simulation au bout de SECONDES quoi qu'il arrive (par défaut 300, ou "
        "une fois et demie la durée attendue de la session si elle est plus longue)",
    )
    wire.add_argument(
        "--json",
        action="store_true",
        help="afficher le bilan en JSON (positions\u00a0: prises, changements compris\u202f; "
        "positions_in_force\u00a0: en cours à la fin, sur les énoncés publiés\u202f; "
        "voeux\u00a0: vœux adoptés)",
    )
    forum = sub.add_argument_group("forum numérique (--url et --forum)")
    forum.add_argument(
        "--forum",
        action="store_true",
        help="simuler la phase en ligne d'un programme : créer un forum (sans tables ni "
        "manches) et y faire venir les habitant·e·s jour après jour",
    )
    forum.add_argument(
        "--days",
        type=_count(1, MAX_DAYS),
        metavar="N",
        help=f"durée du forum en jours, de 1 à {MAX_DAYS} (3 par défaut) ; avec --forum, "
        "--speed vaut 8640 par défaut (un jour en 10 s)",
    )
    sub.set_defaults(run=_simulate)


def _add_replay(commands: Any) -> None:
    sub = _subparser(
        commands,
        "replay",
        "rejouer un journal .mkawa et afficher l'état de la session",
        "Rejoue un journal .mkawa événement par événement et affiche ce que la salle a fait : "
        "participant·e·s par territoire, tables, manches, énoncés, positions, synthèses, votes.",
    )
    sub.add_argument_group("arguments").add_argument(
        "file", metavar="FICHIER", help="le journal à rejouer"
    )
    sub.add_argument(
        "--until", type=_count(0), metavar="SEQ", help="s'arrêter après l'événement numéro SEQ"
    )
    sub.add_argument(
        "--json",
        action="store_true",
        help="afficher le résumé en JSON (positions\u00a0: les positions en cours, sur les "
        "énoncés publiés)",
    )
    sub.add_argument(
        "--progress",
        action="store_true",
        help="toujours afficher la barre de progression (sinon : sur un terminal, au-delà de 1 Mo)",
    )
    sub.set_defaults(run=_replay)


def _add_report(commands: Any) -> None:
    sub = _subparser(
        commands,
        "report",
        "écrire le cahier de préconisations d'un journal .mkawa",
        "Rejoue un journal .mkawa et écrit son cahier de préconisations : préconisations "
        "adoptées au jugement majoritaire et leur soutien par territoire, vœux et objections, "
        "problèmes partagés et locaux, énoncés consensuels et clivants, groupes d'opinion, "
        "évolution des opinions, synthèses et notes des tables, points de vue minoritaires. Les "
        "pseudonymes de celles et ceux qui n'y ont pas consenti sont remplacés ; le même journal "
        "donne toujours le même cahier, octet pour octet.",
    )
    sub.add_argument_group("arguments").add_argument(
        "file", metavar="FICHIER", help="le journal dont écrire le cahier"
    )
    sub.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="md",
        help="md (Markdown, par défaut), html (une page autonome qui s'imprime en PDF) ou json",
    )
    sub.add_argument(
        "--territory",
        metavar="T",
        help="centrer le cahier sur un territoire, par son identifiant (t3) ou son nom",
    )
    sub.add_argument(
        "-o",
        "--output",
        metavar="SORTIE",
        help="fichier à écrire (par défaut : la sortie standard)",
    )
    sub.set_defaults(run=_report)


def _add_export(commands: Any) -> None:
    sub = _subparser(
        commands,
        "export",
        "écrire un journal .mkawa dans les fichiers CSV de Pol.is (openData)",
        "Rejoue un journal .mkawa et écrit, dans DOSSIER, les fichiers des exports openData de "
        "Pol.is : comments.csv (les énoncés), votes.csv (chaque position prise : 1 pour, -1 "
        "contre, 0 neutre ou je passe), participants-votes.csv (la dernière position de chaque "
        "personne et son groupe d'opinion) et summary.csv. Les pseudonymes n'y figurent pas : "
        "chaque personne est un numéro. Ces fichiers contiennent toutes les positions, comme le "
        "journal : ne les publiez que là où le journal peut l'être.",
    )
    sub.add_argument(
        "--format",
        choices=EXCHANGE_FORMATS,
        default="polis",
        help="polis (les fichiers CSV openData de Pol.is, par défaut)",
    )
    arguments = sub.add_argument_group("arguments")
    arguments.add_argument("file", metavar="FICHIER", help="le journal à exporter")
    arguments.add_argument(
        "directory", metavar="DOSSIER", help="le dossier où écrire les fichiers (créé au besoin)"
    )
    sub.set_defaults(run=_export)


def _add_import(commands: Any) -> None:
    sub = _subparser(
        commands,
        "import",
        "construire un journal .mkawa à partir d'un export Pol.is (openData)",
        "Lit, dans DOSSIER, les fichiers CSV d'un export openData de Pol.is (comments.csv, et "
        "votes.csv ou participants-votes.csv ; summary.csv s'il est là) et écrit un journal "
        ".mkawa qui se rejoue : une session d'un seul territoire, chaque participant·e "
        "inscrit·e, chaque commentaire publié comme énoncé (masqué s'il a été rejeté par la "
        "modération), chaque vote pris comme position. replay, report et la page de relecture "
        "s'en servent comme d'une session Métrokawa.",
    )
    sub.add_argument(
        "--format",
        choices=EXCHANGE_FORMATS,
        default="polis",
        help="polis (les fichiers CSV openData de Pol.is, par défaut)",
    )
    sub.add_argument_group("arguments").add_argument(
        "directory", metavar="DOSSIER", help="le dossier de l'export Pol.is"
    )
    sub.add_argument(
        "-o",
        "--output",
        metavar="FICHIER",
        help="journal à écrire (par défaut : polis-CODE.mkawa, CODE venant de l'URL de la "
        "conversation)",
    )
    sub.set_defaults(run=_import)


def _add_serve(commands: Any) -> None:
    sub = _subparser(
        commands,
        "serve",
        "lancer le serveur temps réel",
        "Lance le serveur temps réel et crée une nouvelle session dont il affiche le lien "
        "d'animation et le code pour rejoindre. Le port est réservé d'abord : s'il est déjà "
        "pris, le serveur le dit et s'arrête sans rien créer. La carte du forum numérique prend "
        "ses fonds de carte à METROKAWA_TILES_URL (ceux d'OpenStreetMap par défaut ; vide : "
        "aucun, la liste et les repères restent) et les crédite de METROKAWA_TILES_ATTRIBUTION.",
    )
    sub.add_argument(
        "--no-new-session",
        action="store_true",
        help="ne pas créer de session au démarrage (sur une plateforme d'hébergement)",
    )
    sub.add_argument(
        "--room",
        action="store_true",
        help="servir la salle : écouter sur toutes les adresses de cette machine, trouver son "
        "adresse sur le réseau local (le Wi-Fi de la salle), en faire tous les liens et afficher "
        "dans le terminal le code QR pour rejoindre ; prévient si seule 127.0.0.1 est trouvée",
    )
    sub.add_argument("--host", help="adresse d'écoute (127.0.0.1 ; avec --room, 0.0.0.0 : toutes)")
    sub.add_argument("--port", type=_count(1, 65535), default=8000, help="port d'écoute (8000)")
    sub.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"base d'événements : fichier SQLite ou URL postgresql:// ({DEFAULT_DB})",
    )
    sub.add_argument(
        "--ui",
        metavar="DOSSIER",
        help="interface construite à servir (clients/tablet/dist)",
    )
    sub.add_argument(
        "--public-url",
        metavar="URL",
        help="l'adresse publique du serveur (https://metrokawa.example.org, ou "
        "METROKAWA_PUBLIC_URL) : tous les liens et codes QR en sont faits ; sans elle, de "
        "l'adresse que chaque requête nomme (en-tête Host)",
    )
    sub.add_argument(
        "--allowed-hosts",
        metavar="HÔTES",
        help="noms d'hôte servis, séparés par des virgules (*.example.org permis ; ou "
        "METROKAWA_ALLOWED_HOSTS) : toute autre requête reçoit 400 (*, tous, par défaut)",
    )
    sub.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="mandataires (proxys) dont on croit X-Forwarded-For et X-Forwarded-Proto, "
        "séparés par des virgules, * pour tous (ou FORWARDED_ALLOW_IPS ; 127.0.0.1 par "
        "défaut) ; sur une plateforme d'hébergement : *",
    )
    sub.add_argument(
        "--redis",
        metavar="URL",
        help="plusieurs processus : leur Redis commun, redis://hôte:6379 (ou METROKAWA_REDIS), "
        "et leur secret commun dans METROKAWA_CLUSTER_SECRET (32 caractères au moins ; "
        "facultatif seulement si --host et Redis sont en boucle locale, 127.0.0.1)",
    )
    sub.add_argument(
        "--workers",
        type=_count(1, 64),
        default=1,
        help="nombre de processus sur ce port (1 ; au-delà, avec --redis et PostgreSQL)",
    )
    sub.add_argument(
        "--lease-ms",
        type=_count(300),
        help="plusieurs processus : durée du bail d'une session, en ms (5000) ; un processus "
        "arrêté garde ses sessions aussi longtemps",
    )
    sub.add_argument(
        "--evict-after",
        type=_factor(1, 7 * 24 * 3600),
        metavar="SECONDES",
        help="libérer la mémoire d'une session sans connexion ni manche en cours au bout de "
        "SECONDES d'inactivité (600) ; elle est relue du journal à la demande",
    )
    sub.set_defaults(run=_serve)


# --- small helpers ------------------------------------------------------------------------------


def _say(text: str, stream: Any = None) -> None:
    """A message for people, in French typography (``typeset``), on stdout unless told."""
    print(typeset(text), file=stream or sys.stdout, flush=True)


def _refuse(sentence: str) -> int:
    _say(f"metrokawa : {sentence}", sys.stderr)
    return USAGE_ERROR


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
}


def _os_reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno or 0, error.strerror or str(error))


def _n(number: int) -> str:
    """A count the French way: 4 267 (narrow no-break space between thousands)."""
    return f"{number:,}".replace(",", "\u202f")


def _kb(size: int) -> str:
    return _n(max(1, round(size / 1024)))


def _version() -> str:
    try:
        return metadata.version("metrokawa")
    except metadata.PackageNotFoundError:
        return "inconnue"


if __name__ == "__main__":
    raise SystemExit(main())
