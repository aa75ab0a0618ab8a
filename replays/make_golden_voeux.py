"""Build ``replays/golden-v1-voeux.mkawa``: a small, complete session with every event type.

The demo archive (``demo-metrokawa-120.mkawa``) is simulated and has no consent round, no vœu and
no results on the screens. This log is built through the engine itself (``Session.handle``: every
event is one that ``decide`` really emits), with fixed clocks and seeds, so it is the same bytes
on every run: 16 participants in 3 territories (5 or 6 each, so k = 5 shows every territory),
2 table rounds (one paused, resumed and extended, one ended by its deadline), statements
published, hidden and merged, an annotation, positions that move between the rounds, syntheses,
a late arrival seated at a table, a majority-judgment vote closed with two proposals adopted and
one not, results shown and hidden, a consent round whose two objections are amended and withdrawn
and which ends in a vœu, a second consent round abandoned with its objection unresolved, two
co-facilitator links (one given by the server's machine, which shows results; the other revoked),
and the session closed; and the changes made on the night (``live_changes_*``: territories and the
table size before seating, a host's handover, the agenda edited, a move, three late arrivals who
leave). It is exported as the server exports (``pseudonymise``, no command ids).

    .venv/bin/python replays/make_golden_voeux.py            # writes the log next to this file
    .venv/bin/python replays/make_golden_voeux.py -o x.mkawa

Then regenerate its reports (``replays/README.md``, "Golden logs").
"""

from __future__ import annotations

import argparse
from pathlib import Path

from session_engine import Context, Rejected, Role, Session, pseudonymise, replay, write_log
from session_engine.commands import (
    AbandonConsent,
    AddCoFacilitator,
    AddParticipant,
    AddRound,
    AddTerritory,
    AdoptVoeu,
    Annotate,
    CastBallot,
    ChangeTableSize,
    CloseSession,
    CloseVote,
    Command,
    CreateSession,
    EditRound,
    EndRound,
    EnterPaperBallots,
    ExtendRound,
    HandOverHost,
    HideResults,
    HideStatement,
    IssueTableTablet,
    JoinSession,
    MergeParticipants,
    MergeStatements,
    MoveParticipant,
    NewTerritory,
    OpenConsent,
    OpenVote,
    PauseRound,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    RaiseObjection,
    RecordBallot,
    RecordPosition,
    RemoveParticipant,
    RemoveRound,
    RenameTerritory,
    ResolveObjection,
    ResumeRound,
    RevokeCoFacilitator,
    RevokeTableTablet,
    RotateTables,
    SeatTables,
    ShowResults,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.logfile import LogHeader, without_command_ids
from session_engine.model import Grade, ParticipantRole, RoundKind, RoundSpec, StatementKind

GOLDEN = Path(__file__).resolve().parent / "golden-v1-voeux.mkawa"
T0 = 1_795_854_600_000  # samedi 28 novembre 2026, 9 h 30 (heure de Paris)
ROUND_MS = 20 * 60_000
SESSION = "golden-voeux"
TITLE = "Métrokawa des mobilités du soir"

H, E, T, A = (
    ParticipantRole.HABITANT,
    ParticipantRole.ELU,
    ParticipantRole.TECHNICIEN,
    ParticipantRole.AUTRE,
)
# (pseudonym, territory, role, consent): p1 … p15 join before seating, p16 arrives late.
PEOPLE = (
    ("Awa", "t1", H, True),
    ("Bilal", "t1", H, False),
    ("Chloé", "t1", E, False),
    ("Djamel", "t1", H, True),
    ("Elsa", "t1", T, False),
    ("Farid", "t2", H, False),
    ("Gaëlle", "t2", H, True),
    ("Hugo", "t2", A, False),
    ("Inès", "t2", E, False),
    ("Jules", "t2", H, False),
    ("Kenza", "t3", H, True),
    ("Louis", "t3", T, False),
    ("Maëlle", "t3", H, False),
    ("Nabil", "t3", H, True),
    ("Océane", "t3", E, False),
    ("Paulin", "t1", H, False),
)


class Builder:
    """The session, a clock that moves one second per command, and the commands' senders."""

    def __init__(self) -> None:
        self.session = Session()
        self.now = T0

    def run(self, command: Command, actor: str, role: Role, *, seed: int = 0) -> None:
        self.now += 1000
        ctx = Context(actor=actor, role=role, now=self.now, seed=seed)
        result = self.session.handle(command, ctx)
        if isinstance(result, Rejected):
            raise SystemExit(f"rejected: {command!r} by {actor}: {result.code}")

    def f(self, command: Command, *, seed: int = 0) -> None:
        self.run(command, "facilitator", Role.FACILITATOR, seed=seed)

    def p(self, participant: str, command: Command) -> None:
        self.run(command, participant, Role.PARTICIPANT)

    def join(self, pseudonym: str, territory: str, role: ParticipantRole, consent: bool) -> None:
        join = JoinSession(pseudonym=pseudonym, territory=territory, role=role, consent=consent)
        self.run(join, "guest", Role.GUEST)

    def positions(self, statement: str, values: str) -> None:
        """One position per participant p1, p2 …: a digit 0..4 is -2..+2, ``.`` passes,
        a space says nothing."""
        for n, mark in enumerate(values, 1):
            if mark != " ":
                value = None if mark == "." else int(mark) - 2
                self.p(f"p{n}", TakePosition(statement=statement, value=value))

    def syntheses(self, texts: dict[int, str]) -> None:
        current = self.session.state.round
        assert current is not None
        for table, host in sorted(current.hosts.items()):
            if host is not None and table in texts:
                self.p(host, SubmitSynthesis(text=texts[table]))


def build() -> Session:
    b = Builder()
    b.f(
        CreateSession(
            title=TITLE,
            territories=(
                NewTerritory(name="La Goutte d'Or", commune="Paris 18e", qpv=True),
                NewTerritory(name="Franc Moisin", commune="Saint-Denis", qpv=True),
            ),
            agenda=(
                RoundSpec(
                    kind=RoundKind.TABLE,
                    prompt="Qu'est-ce qui vous empêche de sortir le soir ?",
                    duration_ms=ROUND_MS,
                ),
                RoundSpec(
                    kind=RoundKind.TABLE,
                    prompt="Que demander aux villes ?",
                    duration_ms=ROUND_MS,
                ),
            ),
            table_size=5,
        )
    )
    live_changes_before_seating(b)
    for pseudonym, territory, role, consent in PEOPLE[:15]:
        b.join(pseudonym, territory, role, consent)
    b.f(SeatTables(), seed=2026)
    b.join(*PEOPLE[15])  # a late arrival: seated at once (ParticipantSeated)

    # --- round 1: problems, moderation, positions, the screen, syntheses --------------------
    b.f(StartRound())
    problems = (
        ("p1", "Les bus de nuit ne desservent pas les quartiers après minuit."),
        ("p6", "Les arrêts de bus sont mal éclairés le soir."),
        ("p11", "Le dernier métro part trop tôt le week-end."),
        ("p7", "Les arrêts sont mal éclairés, on a peur d'attendre le soir."),
        ("p12", "Les trottinettes bloquent les trottoirs."),
        ("p2", "Tous les élus sont des menteurs."),
    )
    for author, text in problems:
        b.p(author, ProposeStatement(text=text))
    for sid in ("s1", "s2", "s3", "s4", "s5"):
        b.f(PublishStatement(statement=sid))
    b.f(HideStatement(statement="s6"))
    b.f(MergeStatements(statement="s4", into="s2"))
    b.p("p3", Annotate(text="Surtout rue Polonceau.", statement="s2", tags=("éclairage",)))
    b.f(PauseRound())
    b.f(ResumeRound())
    b.f(ExtendRound(minutes=5))
    # Two camps of opinion: p1 … p8 and p9 … p16, agreeing on the buses and the lighting,
    # opposed on the metro and the scooters.
    #                 p1 … p16
    b.positions("s1", "3434343434343434")
    b.positions("s2", "4443434443434.43")
    b.positions("s3", "0101010143434343")
    b.positions("s5", "3434343410 01010")
    b.f(ShowResults(statement="s2"))
    b.f(HideResults())
    live_changes_in_round_1(b)
    b.syntheses(
        {
            1: "Notre table insiste sur l'éclairage des arrêts et les bus de nuit.",
            2: "Le soir, on renonce à sortir faute de transport pour rentrer.\n"
            "Deux personnes parlent aussi des trottinettes.",
            3: "Le dernier métro du week-end revient à chaque témoignage.",
        }
    )
    b.f(EndRound())

    # --- round 2: ideas, positions that move, syntheses; ended by its deadline ---------------
    b.f(RotateTables(), seed=2027)
    b.f(StartRound())
    start = b.now
    ideas = (
        ("p4", "Créer une ligne de bus de nuit entre Saint-Denis, Paris 18e et Montreuil."),
        ("p9", "Éclairer chaque arrêt de bus jusqu'au dernier passage."),
        ("p13", "Prolonger le métro d'une heure le vendredi et le samedi."),
    )
    for author, text in ideas:
        b.p(author, ProposeStatement(text=text, kind=StatementKind.IDEA))
    for sid in ("s7", "s8", "s9"):
        b.f(PublishStatement(statement=sid))
    b.positions("s1", "4444444443444344")
    b.positions("s5", "2323232300000100")
    b.positions("s7", "4434434443433443")
    b.positions("s8", "4443444343444344")
    b.positions("s9", "1010101044344434")
    live_changes_in_round_2(b)
    table_without_phones_in_round_2(b)
    b.syntheses(
        {
            1: "Une ligne de bus de nuit qui relie les trois territoires.",
            2: "Des arrêts éclairés jusqu'au dernier bus.",
        }
    )
    b.now = start + ROUND_MS + 1000
    b.run(EndRound(), "system", Role.SYSTEM)

    # --- the vote: three proposals, two adopted; the screen shows the profiles ----------------
    b.f(PromoteProposal(statement="s7"))
    b.f(PromoteProposal(statement="s8", text="Éclairer chaque arrêt de bus jusqu'au dernier bus."))
    b.f(PromoteProposal(statement="s9"))
    b.f(OpenVote(proposals=("pr1", "pr2", "pr3")))
    grades = ("5546554556455465", "4454545444545544", "1212122343432212")
    for n in range(1, 17):
        b.p(
            f"p{n}",
            CastBallot(
                vote="v1",
                grades={
                    proposal: Grade(int(row[n - 1]))
                    for proposal, row in zip(("pr1", "pr2", "pr3"), grades, strict=True)
                },
            ),
        )
    ballots_without_phones(b)
    b.f(CloseVote(vote="v1"))
    b.f(ShowResults(vote="v1"))
    b.f(HideResults())

    # --- consent: a vœu after one objection amended and one withdrawn ------------------------
    b.f(OpenConsent(proposal="pr1"))
    b.p("p8", RaiseObjection(consent="c1", text="Il faut aussi un arrêt près de l'hôpital."))
    b.p("p14", RaiseObjection(consent="c1", text="Et qui paiera la ligne ?"))
    b.f(
        ResolveObjection(
            objection="o1",
            resolution="amended",
            wording="Créer une ligne de bus de nuit entre Saint-Denis, Paris 18e et Montreuil, "
            "avec un arrêt à l'hôpital Delafontaine.",
        )
    )
    b.f(ResolveObjection(objection="o2", resolution="withdrawn"))
    b.f(
        AdoptVoeu(
            consent="c1",
            outcome="La salle consent. Vœu à présenter aux conseils municipaux de Saint-Denis, "
            "Paris et Montreuil, et à Île-de-France Mobilités.",
        )
    )

    # --- consent: a second round abandoned, its objection left unresolved --------------------
    b.f(OpenConsent(proposal="pr2"))
    b.p("p5", RaiseObjection(consent="c2", text="L'éclairage seul ne suffit pas sans abri."))
    b.f(AbandonConsent(consent="c2"))

    # --- serving the room: a co-facilitator link given, one given back by the server's machine
    # (``metrokawa sessions``), the first revoked --------------------------------------------
    b.f(AddCoFacilitator(label="Amina, accueil"))
    b.run(AddCoFacilitator(label="Machine du serveur"), "system", Role.SYSTEM)
    b.run(ShowResults(vote="v1"), "cf2", Role.FACILITATOR)  # a co-facilitator steers too
    b.run(HideResults(), "cf2", Role.FACILITATOR)
    b.f(RevokeCoFacilitator(cofacilitator="cf1"))
    b.f(RevokeTableTablet(tablet="tb1"))
    b.f(CloseSession())
    if replay(b.session.log) != b.session.state:
        raise SystemExit("the log does not replay to the live state")
    return b.session


# --- live changes on the night (issue 14 §3) ----------------------------------------------------
# The session is created with a territory missing, another misspelt, tables of 5 and round 2's
# prompt to be reworded: the changes below make it the session the rest of the script expects.
# During the rounds a host hands over, a round is added then removed, someone is moved, and three
# late arrivals leave: a second entry of Awa (merged into p1), Rosa (who asks for erasure: her
# statement s10, her note and her positions go) and Sami (removed: his positions stay, unnamed).


def live_changes_before_seating(b: Builder) -> None:
    b.f(AddTerritory(name="Centre-ville", commune="Montreuil", qpv=False))
    b.f(RenameTerritory(territory="t2", name="Franc-Moisin"))
    b.f(ChangeTableSize(table_size=6))


def live_changes_in_round_1(b: Builder) -> None:
    table = b.session.state.tables[1]
    assert table.host is not None
    member = next(m for m in table.members if m != table.host)
    b.p(table.host, HandOverHost(to=member))  # the new host writes table 1's synthesis
    b.f(AddRound(kind=RoundKind.PLENARY, prompt="Mise en commun", duration_ms=10 * 60_000))
    b.f(EditRound(round=2, prompt="Que demander aux conseils municipaux ?"))
    b.f(RemoveRound(round=3))


def live_changes_in_round_2(b: Builder) -> None:
    state = b.session.state
    own = state.participants["p2"].table
    b.f(MoveParticipant(participant="p2", table=min(t for t in state.tables if t != own)))
    b.join("Awa B.", "t1", ParticipantRole.HABITANT, False)  # p17: Awa again, on a 2nd phone
    b.f(MergeParticipants(participant="p17", into="p1"))
    b.join("Rosa", "t3", ParticipantRole.HABITANT, False)  # p18
    b.p("p18", ProposeStatement(text="Des navettes pour les soirées de quartier."))
    b.f(PublishStatement(statement="s10"))
    b.p("p18", TakePosition(statement="s10", value=2))
    b.p("p18", TakePosition(statement="s1", value=1))
    b.p("p5", TakePosition(statement="s10", value=1))
    b.p("p18", Annotate(text="Comme à Bobigny.", statement="s10"))
    b.f(RemoveParticipant(participant="p18", erase=True))
    b.join("Sami", "t2", ParticipantRole.HABITANT, False)  # p19
    b.p("p19", TakePosition(statement="s7", value=2))
    b.p("p19", TakePosition(statement="s8", value=1))
    b.f(RemoveParticipant(participant="p19"))


# --- people without a phone (issue 14 §2) --------------------------------------------------------
# Table 1 gets a shared tablet from its host; Odette, who has no phone, joins on it (p20) and
# takes a position there; the host records one « pour » a member beside them. In the vote the
# tablet casts Odette's ballot and the facilitator enters a stack of three paper ballots. The
# facilitator revokes the tablet's link before closing.


def table_without_phones_in_round_2(b: Builder) -> None:
    table = b.session.state.tables[1]
    assert table.host is not None
    b.p(table.host, IssueTableTablet(table=1))
    tablet = "tb1"
    odette = AddParticipant(pseudonym="Odette", territory="t1", role=ParticipantRole.HABITANT)
    b.run(odette, tablet, Role.TABLET)  # p20, seated at table 1
    b.run(RecordPosition(participant="p20", statement="s7", value=2), tablet, Role.TABLET)
    member = next(m for m in table.members if m != table.host)
    b.p(table.host, RecordPosition(participant=member, statement="s9", value=-1))


def ballots_without_phones(b: Builder) -> None:
    grades = {"pr1": Grade.TRES_BIEN, "pr2": Grade.BIEN, "pr3": Grade.PASSABLE}
    b.run(RecordBallot(participant="p20", vote="v1", grades=grades), "tb1", Role.TABLET)
    paper = (
        {"pr1": Grade.EXCELLENT, "pr2": Grade.BIEN, "pr3": Grade.INSUFFISANT},
        {"pr1": Grade.BIEN, "pr2": Grade.ASSEZ_BIEN, "pr3": Grade.A_REJETER},
        {"pr1": Grade.TRES_BIEN, "pr2": Grade.BIEN, "pr3": Grade.PASSABLE},
    )
    b.f(EnterPaperBallots(vote="v1", ballots=paper, note="Urne papier de l'accueil"))


def golden_bytes() -> bytes:
    """The log as the server exports it: pseudonymised, without command ids."""
    session = build()
    header = LogHeader(session=SESSION, title=TITLE, created_at=T0)
    return write_log(header, without_command_ids(pseudonymise(session.log)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=GOLDEN)
    args = parser.parse_args()
    data = golden_bytes()
    args.output.write_bytes(data)
    print(f"{args.output}: {len(data)} octets")


if __name__ == "__main__":
    main()
