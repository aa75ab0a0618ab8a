"""Final collective opinions: what the room thinks, per territory, per role, per opinion group.

A pure projection of a ``SessionState`` (and, for opinion shift, of the log's events): no I/O,
no clock, and no randomness but from fixed seeds (the ``kmeans`` helper's ``seed`` argument,
the clustering's own constants), so the same input always gives the same output, live and in
replay. Results are frozen ``msgspec``
Structs: ``msgspec.to_builtins(opinions(state))`` is ready for JSON.

What counts
-----------
Only **published** statements are shown; positions on hidden or merged statements are left
out (as ``summary`` counts them), except where Pol.is counts them: who is clustered, and the
groups' votes of ``group_statistics``. A position is −2..+2 or a pass (``None``); a participant who
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
Pol.is's math is ``math/src/polismath`` in compdemocracy/polis; its statistics given the groups
(group votes, consensus, representativeness, consensus lists) are reproduced exactly, its
clustering in substance.

1. The participant × statement matrix holds each position's direction as Pol.is votes: +1 for
   +1 or +2, −1 for −1 or −2, 0 for neutral or a pass (so that an export to Pol.is's format and
   back gives the same groups). A missing cell is filled with its statement's mean over those
   who took a position, then every column is centred. Moderated-out statements (hidden or
   merged after people took positions) are columns too, left out of the projection.
2. Who is clustered is Pol.is's in-conv rule: at least ``min(7, statements)`` positions,
   statements and positions moderated out since included, topped up to 15 people with those
   who took the most (``clustered``); ``min_positions`` overrides the threshold.
3. PCA to 2 components over every participant (numpy's SVD; signs fixed so that each
   component's first largest loading is positive); each participant's coordinates are scaled
   by ``sqrt(statements / positions taken)`` as Pol.is does, so that someone with few positions
   is not pulled to the centre by the imputation.
4. Pol.is's two-level k-means (``clustering``): up to 100 base clusters started on the first
   distinct points, then groups of base clusters for 2 to ``min(5, 2 + ⌊base / 12⌋)`` groups,
   the number chosen by the silhouette of the base clusters. Pol.is's deterministic start is
   joined by 32 more (16 farthest-first, 16 k-means++ from fixed generators), the lowest
   inertia kept: the groups never depend on a caller's seed. **No group has fewer than k
   members**: a smaller one joins the nearest group; one group left is no opinion group.
   Groups are named A, B, C… by decreasing size.
5. Pol.is's statistics on those groups (``polis.group_statistics``): group votes A, D, S,
   group-informed consensus ``Π_g (A_g + 1)/(S_g + 2)``, representative statements (repness,
   with Pol.is's best-agree entry and its fallback when nothing is significant, 5 at most) and
   Pol.is's consensus lists over every participant (``majority``: agree and disagree, p > ½ and
   z > 1.2816, 5 each).
6. On top, ours: a statement is **consensual across groups** when every group's smoothed agree
   share ``(A+1)/(S+2)`` is at least ``agree_threshold`` (0.6), best group-informed consensus
   first; **divisive** when the standard deviation of those shares is at least
   ``DIVISIVE_MIN_SPREAD`` (0.25: two groups at 75 % and 25 %).

k-anonymity holds for opinion groups as for any other group: a cell (group, statement) with
fewer than k voters, or whose figures would give away by subtraction the people no group holds
(left out, or too few to form a group), shows nothing; a statement with such a cell is neither
consensual nor divisive, has no consensus nor spread, and represents no group. A figure of a
group of fewer than k people never leaves the package (``group_statistics`` hides such groups
when it is given one).

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
``clustering`` Pol.is's base clusters and groups; ``polis`` Pol.is's statistics given the
groups; ``groups`` opinion groups and our views on them; ``territories`` territory consensus;
``votes`` majority judgment per territory; ``shift`` opinion shift; ``bundle`` ``opinions()``;
``landscape`` the live opinion landscape, as Pol.is shows it, for everyone or one territory.
"""

from .breakdown import distributions, hidden_cells, suppressed
from .bundle import opinions
from .clustering import max_groups, opinion_partition
from .groups import clustered, opinion_groups
from .landscape import (
    Consensus,
    ConsensusStatement,
    GroupStatement,
    Landscape,
    LandscapeGroup,
    landscape,
    landscape_inputs,
)
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
from .polis import group_consensus, group_statistics, prop_test, two_prop_test
from .results import (
    Direction,
    Distribution,
    GroupAgreement,
    GroupStatistics,
    GroupVotes,
    Majority,
    MajorityStatement,
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
    "Consensus",
    "ConsensusStatement",
    "Direction",
    "Distribution",
    "GroupAgreement",
    "GroupStatement",
    "GroupStatistics",
    "GroupVotes",
    "Landscape",
    "LandscapeGroup",
    "Majority",
    "MajorityStatement",
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
    "clustered",
    "default_min_positions",
    "distributions",
    "group_consensus",
    "group_statistics",
    "hidden_cells",
    "kmeans",
    "landscape",
    "landscape_inputs",
    "max_groups",
    "opinion_groups",
    "opinion_partition",
    "opinion_shift",
    "opinions",
    "position_history",
    "position_matrix",
    "project",
    "prop_test",
    "silhouette",
    "silhouettes",
    "suppressed",
    "territory_consensus",
    "two_prop_test",
    "vote_results",
]
