"""Pol.is's openData CSV files: a session out to them, a Pol.is conversation in from them.

Pure: texts in, texts out (the caller reads and writes the files). The layout is the one of
the public exports in compdemocracy/openData, written by Pol.is's ``darwin/export.clj``
(``csv-format``, ``participants-votes-table``), with the column ``xid`` of its 2022 exports:

``comments.csv``
    ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body``: one
    row per statement in id order; ``moderated`` is 1 (published), −1 (hidden or merged) or 0
    (never moderated); ``agrees``/``disagrees`` count the vote rows of ``votes.csv``. A
    statement imported from another step of the programme is a moderator's comment: its
    ``author-id`` is empty, and it is not counted among the ``commenters`` (``load_polis``
    reads an empty ``author-id`` back as the facilitator's comment).
``votes.csv``
    ``timestamp,datetime,comment-id,voter-id,vote``: every position taken, a changed one
    included, ordered by comment, voter, time (Pol.is's query order); ``vote`` is 1 (agree:
    +1 or +2), −1 (disagree: −1 or −2) or 0 (neutral or a pass).
``participants-votes.csv``
    ``participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree`` then one column per
    statement with a vote, in id order: each voter's latest vote, rows in order of first
    appearance in ``votes.csv``; ``group-id`` is the opinion group (0 for A, 1 for B…), empty
    for someone not clustered; ``xid`` is always empty.
``summary.csv``
    ``topic``, ``url`` (empty), ``views`` (participants), ``voters``, ``voters-in-conv`` (as
    Pol.is, the voters of the vote matrix), ``commenters``, ``comments`` (statements with a
    vote), ``groups``, ``conversation-description`` (the first round's prompt).

``timestamp`` is the event's time in ms; ``datetime`` the same written as Java's
``Date.toString`` in UTC (``Wed Jul 27 15:09:49 UTC 2022``). Participants are numbered from
their id (``p1`` is 0) and statements likewise (``s1`` is 0), or in log order when some id is
not of that form. What the files hold, the ``.mkawa`` log holds too (every position, under
pseudonymous numbers): publish them where the log may be published.

``load_polis`` builds a replayable log from such files: one territory, every participant (the
voters, the authors, then numbers up to ``views``) joined, one round, every statement proposed
and published (hidden at the end when ``moderated`` is −1; left waiting when 0 with no vote),
every vote taken as a position (+1, −1, or a pass for 0) at its time. ``votes.csv`` is
optional when ``participants-votes.csv`` is there (the latest votes, at their statement's
time). ``export_polis(load_polis(export_polis(log)))`` gives the same files, byte for byte.
"""

from .export import export_polis
from .layout import FILES, OpenDataError
from .load import load_polis

__all__ = ["FILES", "OpenDataError", "export_polis", "load_polis"]
