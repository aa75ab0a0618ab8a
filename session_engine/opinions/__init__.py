"""Final collective opinions: what the room thinks, per territory, per role, per opinion group.

A pure projection of a ``SessionState`` (and, for opinion shift, of the log's events): no I/O,
no clock, and the only randomness (k-means++ seeding) is drawn from a ``seed`` argument, so the
same input always gives the same output, live and in replay. Results are frozen ``msgspec``
Structs: ``msgspec.to_builtins(opinions(state))`` is ready for JSON.

What counts
-----------
Only **published** statements are looked at; positions on hidden or merged statements are left
out (as ``summary`` counts them). A position is −2..+2 or a pass (``None``); a participant who
passed *took part* (counts as a voter) but neither agrees nor disagrees. **Agree** means +1 or +2,
**disagree** −1 or −2; shares are taken over every voter, passes included (Pol.is's "seen").

k-anonymity (``k``, 5 by default)
---------------------------------
Any group (territory, role, opinion group, or the whole room) with fewer than ``k`` voters on a
statement is ``hidden``: it shows its number of voters but no counts, shares nor rankings.
Because the whole room's figures are shown, one small hidden territory could be recovered by
subtraction; so within a partition (territories, roles) the hidden groups must together hold
0 or at least ``k`` voters, else the smallest shown groups are hidden too (complementary
suppression, as statistical offices do). The same rule applies to majority-judgment ballots per
territory and to opinion shift per territory.

Opinion groups (as Pol.is computes them)
----------------------------------------
1. The participant × statement matrix holds −2..+2, a pass as 0. A missing cell is filled with
   its statement's mean over those who took a position (Pol.is's imputation), then every column
   is centred: after centring a missing cell is exactly 0.
2. Participants with fewer than ``min_positions`` positions are left out. Pol.is uses 7; the
   default here is ``ceil(statements / 5)`` clamped to 3..7, so 7 for a session of ~40
   statements (each person places on about a sixth of them at least) and 3 for a tiny one.
3. PCA to 2 components by numpy's SVD (signs fixed so that each component's first largest
   loading is positive). As Pol.is does, each participant's coordinates are scaled by
   ``sqrt(statements / positions taken)`` so that someone with few positions is not pulled to
   the centre by the zeros of the imputation.
4. k-means (k-means++ seeding from ``seed``, ``KMEANS_RESTARTS`` restarts, the lowest inertia
   kept) for every k in 2..5; the k with the best mean silhouette wins (a tie goes to the
   smaller k). Groups are named A, B, C… by decreasing size.
5. Representative statements ("repness", Pol.is's formulas): for a group and a statement, with
   ``a`` agreeing of ``s`` voters in the group and ``a'`` of ``s'`` in the rest of the clustered
   room, ``p = (a+1)/(s+2)``, ratio ``r = p / p'``, a one-proportion test of ``p`` against ½
   and a two-proportion test of the group against the rest; a statement represents the group if
   both z exceed 1.2816 (90 %, one-sided) and at least ``k`` of the group voted on it (the
   small-sample guard). The same for disagreement; the better direction is kept, ranked by
   ``r · z₂ · p · z₁``, at most ``REPRESENTATIVE_PER_GROUP`` per group.
6. Group-informed consensus: ``Π_g (a_g + 1)/(s_g + 2)`` over the groups (Pol.is). A statement
   is **consensual across groups** when every group's smoothed agree share ``(a+1)/(s+2)`` is at
   least ``agree_threshold`` (0.6); a group under k members (hidden) has no veto.
   **Divisive**: the standard deviation of the groups' smoothed agree shares is at least
   ``DIVISIVE_MIN_SPREAD`` (0.25: two groups at 75 % and 25 %).

Territories
-----------
A territory *agrees* with a statement when at least ``agree_threshold`` (0.6) of its voters
agree; only territories shown under k-anonymity are *eligible*. A statement is **shared** when it
is agreed in at least ``min(shared_min, eligible)`` territories and at least two (``shared_min``
is 3 by default: a quarter to a half of a six-territory metropolis); **local** when it is agreed
in one or more but fewer; otherwise **not agreed**.

Majority judgment
-----------------
Reuses ``majority.tally_vote`` and ``majority.rank`` (Balinski–Laraki with the iterated gauge),
for the whole room and for the ballots of each territory's participants.

Opinion shift
-------------
From the events in log order: for each participant and statement with at least two positions,
the first and the last value. ``changed`` counts those whose last differs from the first (a pass
included); ``mean_shift`` is the mean of ``last − first`` where neither is a pass.

Modules
-------
``params`` the defaults; ``results`` the result types; ``matrix`` the position matrix;
``breakdown`` k-anonymity and the distributions; ``numerics`` PCA, k-means, silhouette;
``groups`` opinion groups, repness and consensus; ``territories`` territory consensus; ``votes``
majority judgment per territory; ``shift`` opinion shift; ``bundle`` ``opinions()``.
"""

from .breakdown import distributions, suppressed
from .bundle import opinions
from .groups import group_consensus, opinion_groups
from .matrix import PositionMatrix, position_matrix
from .numerics import (
    adjusted_rand_index,
    default_min_positions,
    kmeans,
    project,
    silhouette,
    silhouettes,
)
from .params import AGREE_THRESHOLD, DEFAULT_K, DIVISIVE_MIN_SPREAD, SHARED_MIN
from .params import ALL as ALL
from .results import (
    Direction,
    Distribution,
    GroupAgreement,
    OpinionGroup,
    OpinionGroups,
    Opinions,
    OpinionShift,
    Participation,
    PositionHistory,
    Projection,
    ProposalResult,
    Representative,
    Scope,
    Shift,
    SilhouetteScore,
    StatementDistributions,
    StatementScope,
    StatementShift,
    TerritoryConsensus,
    TerritoryShare,
    VoteRanking,
    VoteResult,
)
from .shift import opinion_shift, position_history
from .territories import territory_consensus
from .votes import vote_results

__all__ = [
    "AGREE_THRESHOLD",
    "DEFAULT_K",
    "DIVISIVE_MIN_SPREAD",
    "SHARED_MIN",
    "Direction",
    "Distribution",
    "GroupAgreement",
    "OpinionGroup",
    "OpinionGroups",
    "OpinionShift",
    "Opinions",
    "Participation",
    "PositionHistory",
    "PositionMatrix",
    "Projection",
    "ProposalResult",
    "Representative",
    "Scope",
    "Shift",
    "SilhouetteScore",
    "StatementDistributions",
    "StatementScope",
    "StatementShift",
    "TerritoryConsensus",
    "TerritoryShare",
    "VoteRanking",
    "VoteResult",
    "adjusted_rand_index",
    "default_min_positions",
    "distributions",
    "group_consensus",
    "kmeans",
    "opinion_groups",
    "opinion_shift",
    "opinions",
    "position_history",
    "position_matrix",
    "project",
    "silhouette",
    "silhouettes",
    "suppressed",
    "territory_consensus",
    "vote_results",
]
