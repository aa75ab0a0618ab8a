"""Hypothesis strategies for the engine's property tests (see ``test_properties``).

The strategies do not look at the state: an id is drawn as a ``Pick`` that the state machine
resolves against the ids that exist when the rule runs. Most picks land on an existing (and,
where it matters, usable) id; a few on a list of ids that never exist. That keeps every rule's
arguments printable in a failing example while most commands stay meaningful.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple, cast

from hypothesis import strategies as st

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
    ImportStatement,
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
from session_engine.decide import LIMITS, Role
from session_engine.model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    Provenance,
    RoundKind,
    RoundSpec,
    StatementKind,
)

__all__ = [
    "ALL_ROLES",
    "UNKNOWN_CONSENTS",
    "UNKNOWN_OBJECTIONS",
    "UNKNOWN_PARTICIPANTS",
    "UNKNOWN_PROPOSALS",
    "UNKNOWN_STATEMENTS",
    "UNKNOWN_TERRITORIES",
    "UNKNOWN_VOTES",
    "Pick",
    "Sender",
    "any_command",
    "ballot_grades",
    "command_strategies",
    "create_sessions",
    "grade_values",
    "joins",
    "live_change_strategies",
    "picks",
    "position_values",
    "pseudonyms",
    "resolutions",
    "resolve",
    "senders",
    "texts",
]

ALL_ROLES: tuple[Role, ...] = tuple(Role)
UNKNOWN_PARTICIPANTS = ("p0", "p999", "P1", "facilitator", "system", "")
UNKNOWN_STATEMENTS = ("s0", "s999", "S1", "p1", "")
UNKNOWN_PROPOSALS = ("pr0", "pr999", "s1", "")
UNKNOWN_VOTES = ("v0", "v999", "pr1", "")
UNKNOWN_TERRITORIES = ("t0", "t99", "T1", "Sevran", "")
UNKNOWN_CONSENTS = ("c0", "c999", "C1", "v1", "")
UNKNOWN_OBJECTIONS = ("o0", "o999", "O1", "c1", "")
UNKNOWN_COFACILITATORS = ("cf0", "cf999", "CF1", "facilitator", "p1", "")
UNKNOWN_TABLETS = ("tb0", "tb999", "TB1", "t1", "cf1", "")

TERRITORY_NAMES = (
    "Clichy-sous-Bois",
    "Sevran",
    "Aubervilliers",
    "Grigny",
    "Bobigny",
    "Montreuil",
    "Saint-Denis",
)
NAMES = (
    "Amina",
    "Bruno",
    "Chloé",
    "Djibril",
    "Élodie",
    "Fatou",
    "Gaëlle",
    "Hamid",
    "Inès",
    "Jules",
    "Karim",
    "Léa",
    "Moussa",
    "Nadia",
    "Océane",
    "Paulo",
    "Rachid",
    "Sofia",
    "Thierry",
    "Yasmine",
)
# Names of the form exports give to those who did not consent, or close to it.
RESERVED_LOOKING = (
    "Participant·e 1",
    "participante 2",
    "PARTICIPANT 3",
    "Participant·e 04",
    "Participant·e\u00a01",
    "Participant·e",
)
SENTENCES = (
    "Les ascenseurs de la tour B sont en panne depuis des mois.",
    "Il manque un lieu pour les jeunes le soir.",
    "Ouvrir la médiathèque le dimanche.",
    "Le bus 147 passe trop rarement.",
    "Des bancs et de l'ombre sur la place du marché.",
    "Un conseil citoyen qui se réunit vraiment.",
)


class Pick(NamedTuple):
    """A choice of id: ``flag`` 0-5 the preferred ids, 6-7 any existing id, 8-9 ``unknown``."""

    flag: int
    nth: int
    unknown: str


def picks(unknown: Sequence[str]) -> st.SearchStrategy[Pick]:
    return st.builds(Pick, st.integers(0, 9), st.integers(0, 63), st.sampled_from(unknown))


def resolve(pick: Pick, preferred: Sequence[str], existing: Sequence[str] = ()) -> str:
    """The id ``pick`` stands for; ``existing`` defaults to ``preferred``."""
    pool = existing or preferred
    if pick.flag < 6 and preferred:
        return preferred[pick.nth % len(preferred)]
    if pick.flag < 8 and pool:
        return pool[pick.nth % len(pool)]
    return pick.unknown


class Sender(NamedTuple):
    """Who sends: ``usual`` (the role allowed to) 8 times in 10, else ``other``; ``who`` is the
    participant it is when the role is participant."""

    flag: int
    usual: Role
    other: Role
    who: Pick

    @property
    def role(self) -> Role:
        return self.usual if self.flag < 8 else self.other


def senders(usual: Role) -> st.SearchStrategy[Sender]:
    return st.builds(
        Sender,
        st.integers(0, 9),
        st.just(usual),
        st.sampled_from(ALL_ROLES),
        picks(UNKNOWN_PARTICIPANTS),
    )


def texts(limit: str) -> st.SearchStrategy[str]:
    """Mostly fine texts; sometimes empty, blank, at the limit, or just past it."""
    most = LIMITS[limit]
    return st.one_of(
        st.sampled_from(SENTENCES).filter(lambda s: len(s) <= most),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=min(most, 30)),
        st.sampled_from(("", "   ", "\n\t ")),
        st.integers(most - 1, most + 2).map(lambda n: "é" * n),
        st.just(" " + "a" * most + " "),  # fine once the blanks are stripped
    )


def pseudonyms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NAMES),
        st.sampled_from(NAMES).map(str.upper),  # taken, up to case
        st.sampled_from(NAMES).map(lambda n: f"  {n} "),  # taken, up to blanks
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=12),
        st.sampled_from(("", "  ", "x" * (LIMITS["pseudonym"] + 1))),
        st.sampled_from(RESERVED_LOOKING),
    )


def position_values() -> st.SearchStrategy[int | None]:
    return st.one_of(st.integers(-2, 2), st.none(), st.sampled_from((-3, 3, 7)))


def grade_values() -> st.SearchStrategy[int]:
    """A grade, 0..6 most of the time, -1 or 7 now and then."""
    return st.integers(-1, 7)


def ballot_grades() -> st.SearchStrategy[list[tuple[Pick, int]]]:
    return st.lists(st.tuples(picks(UNKNOWN_PROPOSALS), grade_values()), max_size=4)


def resolutions() -> st.SearchStrategy[Literal["amended", "withdrawn"]]:
    """How an objection is resolved; now and then a word the engine does not know."""
    words = st.sampled_from(("amended", "withdrawn", "amended", "withdrawn", "rejected", ""))
    return words.map(lambda word: cast(Literal["amended", "withdrawn"], word))


def round_specs() -> st.SearchStrategy[RoundSpec]:
    return st.builds(
        RoundSpec,
        kind=st.sampled_from(RoundKind),
        prompt=st.sampled_from(("Quels problèmes ?", "Quelles idées ?", "Que proposer ?")),
        duration_ms=st.integers(1, 3).map(lambda minutes: minutes * 60_000),
    )


@st.composite
def create_sessions(draw: st.DrawFn) -> CreateSession:
    """A valid session: a few territories, at least one QPV, 2-4 short rounds, tables of 3-6."""
    names = draw(st.permutations(TERRITORY_NAMES))[: draw(st.integers(2, 5))]
    qpv = draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    qpv[draw(st.integers(0, len(names) - 1))] = True
    return CreateSession(
        title=draw(st.sampled_from(("Métrokawa Nord-Est", "Café-débat du 93", "Grand Paris"))),
        territories=tuple(
            NewTerritory(name=name, commune=name, qpv=is_qpv)
            for name, is_qpv in zip(names, qpv, strict=True)
        ),
        agenda=tuple(draw(st.lists(round_specs(), min_size=2, max_size=4))),
        table_size=draw(st.integers(3, 6)),
        host_policy=draw(st.sampled_from(HostPolicy)),
    )


class JoinArgs(NamedTuple):
    pseudonym: str
    territory: Pick
    role: ParticipantRole
    stays_seated: bool
    consent: bool


def joins() -> st.SearchStrategy[JoinArgs]:
    return st.builds(
        JoinArgs,
        pseudonyms(),
        picks(UNKNOWN_TERRITORIES),
        st.sampled_from(ParticipantRole),
        st.integers(0, 4).map(lambda n: n == 0),  # one in five stays seated
        st.booleans(),
    )


def _ids(prefix: str, unknown: Sequence[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.integers(1, 8).map(lambda n: f"{prefix}{n}"), st.sampled_from(unknown))


def _grades() -> st.SearchStrategy[dict[str, Grade]]:
    return st.dictionaries(
        _ids("pr", UNKNOWN_PROPOSALS), grade_values().map(lambda g: cast(Grade, g)), max_size=3
    )


def command_strategies() -> dict[type[Command], st.SearchStrategy[Command]]:
    """For every command type, its commands with arguments drawn without looking at the state."""
    statements = _ids("s", UNKNOWN_STATEMENTS)
    tables = st.none() | st.integers(-1, 9)
    return {
        CreateSession: create_sessions(),
        JoinSession: st.builds(
            JoinSession,
            pseudonym=pseudonyms(),
            territory=_ids("t", UNKNOWN_TERRITORIES),
            role=st.sampled_from(ParticipantRole),
            stays_seated=st.booleans(),
            consent=st.booleans(),
            # A key two devices cannot share, one device twice, a malformed one, or none.
            person=st.sampled_from((None, "Zk3_q-9XwB2mYtR0aLpC7g", "b" * 22, "court")),
        ),
        SeatTables: st.builds(SeatTables),
        RotateTables: st.builds(RotateTables),
        StartRound: st.builds(StartRound),
        PauseRound: st.builds(PauseRound),
        ResumeRound: st.builds(ResumeRound),
        ExtendRound: st.builds(ExtendRound, minutes=st.integers(-1, 61)),
        EndRound: st.builds(EndRound),
        ProposeStatement: st.builds(
            ProposeStatement, text=texts("statement"), kind=st.sampled_from(StatementKind)
        ),
        PublishStatement: st.builds(PublishStatement, statement=statements),
        HideStatement: st.builds(HideStatement, statement=statements),
        MergeStatements: st.builds(MergeStatements, statement=statements, into=statements),
        Annotate: st.builds(
            Annotate,
            text=texts("annotation"),
            statement=st.none() | statements,
            table=tables,
            tags=st.lists(texts("tag"), max_size=3).map(tuple),
            place=st.none() | texts("place"),
        ),
        TakePosition: st.builds(TakePosition, statement=statements, value=position_values()),
        SubmitSynthesis: st.builds(SubmitSynthesis, text=texts("synthesis")),
        PromoteProposal: st.builds(
            PromoteProposal, statement=statements, text=st.none() | texts("proposal")
        ),
        OpenVote: st.builds(
            OpenVote, proposals=st.lists(_ids("pr", UNKNOWN_PROPOSALS), max_size=3).map(tuple)
        ),
        CastBallot: st.builds(CastBallot, vote=_ids("v", UNKNOWN_VOTES), grades=_grades()),
        CloseVote: st.builds(CloseVote, vote=_ids("v", UNKNOWN_VOTES)),
        ShowResults: st.builds(
            ShowResults,
            statement=st.none() | statements,
            vote=st.none() | _ids("v", UNKNOWN_VOTES),
        ),
        HideResults: st.builds(HideResults),
        OpenConsent: st.builds(OpenConsent, proposal=_ids("pr", UNKNOWN_PROPOSALS)),
        RaiseObjection: st.builds(
            RaiseObjection, consent=_ids("c", UNKNOWN_CONSENTS), text=texts("objection")
        ),
        ResolveObjection: st.builds(
            ResolveObjection,
            objection=_ids("o", UNKNOWN_OBJECTIONS),
            resolution=resolutions(),
            wording=st.none() | texts("proposal"),
        ),
        AdoptVoeu: st.builds(
            AdoptVoeu, consent=_ids("c", UNKNOWN_CONSENTS), outcome=texts("outcome")
        ),
        AbandonConsent: st.builds(AbandonConsent, consent=_ids("c", UNKNOWN_CONSENTS)),
        CloseSession: st.builds(CloseSession),
        AddCoFacilitator: st.builds(AddCoFacilitator, label=texts("pseudonym")),
        RevokeCoFacilitator: st.builds(
            RevokeCoFacilitator, cofacilitator=_ids("cf", UNKNOWN_COFACILITATORS)
        ),
        **live_change_strategies(),
        **tablet_strategies(),
    }


def live_change_strategies() -> dict[type[Command], st.SearchStrategy[Command]]:
    """The changes made on the night, arguments drawn without looking at the state."""
    people = _ids("p", UNKNOWN_PARTICIPANTS)
    rounds = st.integers(-1, 8)
    return {
        HandOverHost: st.builds(HandOverHost, to=people),
        MoveParticipant: st.builds(MoveParticipant, participant=people, table=st.integers(-1, 9)),
        RemoveParticipant: st.builds(RemoveParticipant, participant=people, erase=st.booleans()),
        MergeParticipants: st.builds(MergeParticipants, participant=people, into=people),
        AddRound: st.builds(
            AddRound,
            kind=st.sampled_from(RoundKind),
            prompt=texts("prompt"),
            duration_ms=st.integers(0, 5).map(lambda minutes: minutes * 60_000),
            round=st.none() | rounds,
        ),
        EditRound: st.builds(
            EditRound,
            round=rounds,
            kind=st.none() | st.sampled_from(RoundKind),
            prompt=st.none() | texts("prompt"),
            duration_ms=st.none() | st.integers(0, 5).map(lambda minutes: minutes * 60_000),
        ),
        RemoveRound: st.builds(RemoveRound, round=rounds),
        AddTerritory: st.builds(
            AddTerritory,
            name=st.one_of(st.sampled_from(TERRITORY_NAMES), texts("territory")),
            commune=texts("commune"),
            qpv=st.booleans(),
        ),
        RenameTerritory: st.builds(
            RenameTerritory,
            territory=_ids("t", UNKNOWN_TERRITORIES),
            name=st.one_of(st.sampled_from(TERRITORY_NAMES), texts("territory")),
            commune=st.none() | texts("commune"),
        ),
        ChangeTableSize: st.builds(ChangeTableSize, table_size=st.integers(0, 14)),
    }


def tablet_strategies() -> dict[type[Command], st.SearchStrategy[Command]]:
    """The commands for people without a phone, arguments drawn without looking at the state."""
    people = _ids("p", UNKNOWN_PARTICIPANTS)
    tables = st.none() | st.integers(-1, 9)
    paper = st.lists(_grades(), max_size=4).map(tuple)
    return {
        AddParticipant: st.builds(
            AddParticipant,
            pseudonym=pseudonyms(),
            territory=_ids("t", UNKNOWN_TERRITORIES),
            role=st.sampled_from(ParticipantRole),
            table=tables,
            stays_seated=st.booleans(),
            consent=st.booleans(),
        ),
        IssueTableTablet: st.builds(IssueTableTablet, table=st.integers(-1, 9)),
        RevokeTableTablet: st.builds(RevokeTableTablet, tablet=_ids("tb", UNKNOWN_TABLETS)),
        RecordPosition: st.builds(
            RecordPosition,
            participant=people,
            statement=_ids("s", UNKNOWN_STATEMENTS),
            value=position_values(),
        ),
        RecordBallot: st.builds(
            RecordBallot, participant=people, vote=_ids("v", UNKNOWN_VOTES), grades=_grades()
        ),
        EnterPaperBallots: st.builds(
            EnterPaperBallots,
            vote=_ids("v", UNKNOWN_VOTES),
            ballots=paper,
            note=texts("paper_note"),
        ),
        ImportStatement: st.builds(
            ImportStatement,
            text=texts("statement"),
            kind=st.sampled_from(StatementKind),
            provenance=st.builds(
                Provenance,
                # a few keys, so that one comes twice; then keys that are not keys
                key=st.sampled_from(("e1", "e2", "metro-3", "E1", "e 1", "", "e" * 41)),
                source=texts("source"),
                territories=st.lists(st.sampled_from(TERRITORY_NAMES), max_size=13).map(tuple),
                statement=st.none() | _ids("s", UNKNOWN_STATEMENTS),
            ),
        ),
    }


def any_command() -> st.SearchStrategy[Command]:
    """A command of any type in ``COMMAND_TYPES``."""
    return st.one_of(*command_strategies().values())
