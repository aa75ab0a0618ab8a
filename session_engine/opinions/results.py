"""The result types of the opinions: frozen ``msgspec`` Structs, ready for JSON.

Only data and the small properties that read it; every figure is computed elsewhere in the
package.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Distribution(msgspec.Struct, frozen=True, kw_only=True):
    """Positions of one group on one statement; ``counts`` are for −2, −1, 0, +1, +2."""

    group: str  # "all", a territory id, a role, or an opinion group's name
    voters: int  # participants of the group who took a position, passes included
    hidden: bool  # fewer than k voters (or complementary suppression): no figures
    counts: tuple[int, ...] | None
    passes: int | None

    @property
    def agree_share(self) -> float | None:
        """Share of voters at +1 or +2 (None when hidden or nobody voted)."""
        if self.counts is None or not self.voters:
            return None
        return (self.counts[3] + self.counts[4]) / self.voters


class Participation(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    participants: int  # who joined from this territory
    voters: int  # how many of them took a position on the statement
    share: float | None  # voters / participants (None with no participant)


class StatementDistributions(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    overall: Distribution
    territories: tuple[Distribution, ...]
    roles: tuple[Distribution, ...]
    groups: tuple[Distribution, ...]  # per opinion group (empty without groups)
    participation: tuple[Participation, ...]


class Projection(msgspec.Struct, frozen=True, kw_only=True):
    """PCA of a centred matrix: coordinates per row, components per column of the input."""

    coordinates: tuple[tuple[float, float], ...]
    components: tuple[tuple[float, ...], tuple[float, ...]]
    explained_variance_ratio: tuple[float, float]


class Direction(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"


class Representative(msgspec.Struct, frozen=True, kw_only=True):
    """A statement on which a group differs most from the rest of the room (Pol.is's repness).

    Pol.is's names: ``direction`` is repful-for, ``successes`` n-success, ``voters`` n-trials,
    ``probability`` p-success, ``z_probability`` p-test, ``ratio`` repness, ``z`` repness-test
    (the float32 Pol.is stores). Pol.is labels every entry by rat > rdt, the best-agree one too,
    which can then read "disagree" on a statement the group agrees with; its client shows that
    entry as agreement (with n-agree). ``stance`` is how the entry reads (agree for the
    best-agree entry, else ``direction``), and the two shares are in that stance.
    """

    statement: str
    direction: Direction
    best_agree: bool  # Pol.is's best-agree entry: what the group agrees on most, put first
    stance: Direction
    group_share: float  # raw share of the group's voters in the stance (0 with no voter)
    rest_share: float  # the same among the other shown groups' members
    ratio: float  # smoothed group share / smoothed rest share, in ``direction``
    z: float  # two-proportion test, group against rest
    probability: float  # smoothed group share (successes + 1)/(voters + 2)
    z_probability: float  # one-proportion test of that share against ½
    successes: int  # the group's voters in ``direction``
    voters: int  # the group's voters on the statement, passes included


class OpinionGroup(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # "A", "B"… by decreasing size; never fewer than k members
    members: tuple[str, ...]
    centre: tuple[float, float]
    representative: tuple[Representative, ...]


class GroupVotes(msgspec.Struct, frozen=True, kw_only=True):
    """Pol.is's group votes on one statement: A agree, D disagree, S seen (passes included)."""

    agree: int
    disagree: int
    seen: int


class GroupAgreement(msgspec.Struct, frozen=True, kw_only=True):
    """One statement across the shown opinion groups (each tuple in the groups' order).

    A cell (group, statement) with fewer than k voters, or hidden by complementary suppression,
    shows nothing, and whatever would be computed from it (consensus, spread) is None too.
    """

    statement: str
    votes: tuple[GroupVotes | None, ...]
    agree: tuple[float | None, ...]  # smoothed agree share (A+1)/(S+2), ½ with no voter
    consensus: float | None  # Pol.is group-informed consensus: Π (A+1)/(S+2)
    spread: float | None  # standard deviation of the groups' smoothed agree shares


class MajorityStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A statement of Pol.is's consensus list, over every participant."""

    statement: str
    successes: int  # n-success: voters who agree (or disagree, in the disagree list)
    voters: int  # n-trials, passes included
    probability: float  # p-success: (successes + 1)/(voters + 2)
    z: float  # p-test: one-proportion test against ½


class Majority(msgspec.Struct, frozen=True, kw_only=True):
    """Pol.is's consensus lists: p > ½ and z > 1.2816, best p·z first, 5 at most each."""

    agree: tuple[MajorityStatement, ...]
    disagree: tuple[MajorityStatement, ...]


class GroupStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """Pol.is's statistics given the groups (``group_statistics``)."""

    k: int
    groups: tuple[str, ...]  # the shown groups, in the order of every per-group tuple
    hidden: tuple[str, ...]  # groups under k members: left out as if nobody held them
    statements: tuple[GroupAgreement, ...]  # every column, moderated-out statements included
    representative: tuple[tuple[Representative, ...], ...]  # per shown group
    majority: Majority


class SilhouetteScore(msgspec.Struct, frozen=True, kw_only=True):
    groups: int
    score: float


class OpinionGroups(msgspec.Struct, frozen=True, kw_only=True):
    min_positions: int
    participants: tuple[str, ...]  # the clustered ones, sorted by id
    left_out: tuple[str, ...]  # too few positions
    coordinates: tuple[tuple[float, float], ...]  # aligned with ``participants``
    explained_variance_ratio: tuple[float, float]
    silhouettes: tuple[SilhouetteScore, ...]  # one per distinct partition tried
    groups: tuple[OpinionGroup, ...]  # empty when there is too little to cluster
    statements: tuple[GroupAgreement, ...]  # the published statements
    majority: Majority  # Pol.is's consensus lists, over every participant
    consensus: tuple[str, ...]  # agreed by every group, best consensus first
    divisive: tuple[str, ...]  # most divisive first

    def group_of(self, participant: str) -> str | None:
        return next((g.name for g in self.groups if participant in g.members), None)


class Scope(StrEnum):
    SHARED = "shared"
    LOCAL = "local"
    NOT_AGREED = "not_agreed"


class TerritoryShare(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    voters: int
    agree_share: float | None  # None when hidden


class StatementScope(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    kind: str  # "problem" or "idea"
    territories: tuple[TerritoryShare, ...]
    eligible: int  # territories shown under k-anonymity
    agreed_in: tuple[str, ...]
    scope: Scope


class TerritoryConsensus(msgspec.Struct, frozen=True, kw_only=True):
    threshold: float
    shared_min: int
    statements: tuple[StatementScope, ...]
    shared: tuple[str, ...]
    local: tuple[str, ...]


class ProposalResult(msgspec.Struct, frozen=True, kw_only=True):
    proposal: str
    rank: int  # 1 = best, ties share a rank
    majority_grade: int  # model.Grade value
    majority_grade_label: str
    profile: tuple[int, ...]  # judgments per grade, À rejeter first


class VoteRanking(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # "all" or a territory id
    voters: int
    hidden: bool
    proposals: tuple[ProposalResult, ...]  # best first; empty when hidden


class VoteResult(msgspec.Struct, frozen=True, kw_only=True):
    vote: str
    open: bool
    overall: VoteRanking
    territories: tuple[VoteRanking, ...]


class PositionHistory(msgspec.Struct, frozen=True, kw_only=True):
    first: int | None
    last: int | None
    count: int  # positions taken on the statement, repeats included


class Shift(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # "all" or a territory id
    people: int  # distinct participants with two positions or more
    pairs: int  # (participant, statement) pairs measured
    hidden: bool
    changed: int | None  # pairs whose last position differs from the first
    changed_share: float | None
    mean_shift: float | None  # mean of last − first, passes left out


class StatementShift(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    overall: Shift
    territories: tuple[Shift, ...]


class OpinionShift(msgspec.Struct, frozen=True, kw_only=True):
    overall: Shift
    territories: tuple[Shift, ...]
    statements: tuple[StatementShift, ...]


class Opinions(msgspec.Struct, frozen=True, kw_only=True):
    k: int
    statements: tuple[StatementDistributions, ...]
    groups: OpinionGroups
    territories: TerritoryConsensus
    votes: tuple[VoteResult, ...]
    shift: OpinionShift | None  # None when no events were given
    consensus: tuple[str, ...]  # agreed overall, by every opinion group and eligible territory
