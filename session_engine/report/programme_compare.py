"""Step 3 in the programme's cahier: each forum's problems compared across territories.

The facilitator's comparison (``ProgrammeSession.comparison``: groups of the forum's statement
ids, each retained or not) is quoted with the forum's own cahier (its ``Report``: the
contributions' texts and their authors' territories, published ones only) and the programme's
imports (``ProgrammeSession.imports``: provenance key → statement; a group's key is
``f"{forum}-{statement}"``, its first problem still in the forum, ``steps.compared_imports``).

A group is « shared » when its problems come from two territories or more, « local » otherwise.
With a focus, only the groups where that territory has a problem are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Territory
from ..programme import ComparedGroup, ProgrammeSession, SessionKind
from .model import ForumSection, Report
from .programme_model import ComparedLine, ComparedProblem, Comparison, ImportedInto

__all__ = ["comparisons"]


def comparisons(
    sessions: Sequence[ProgrammeSession],
    reports: Mapping[str, Report],
    territories: Sequence[Territory],
    focus: Territory | None,
) -> tuple[Comparison, ...]:
    """The comparison of every compared forum among ``sessions``, in their order."""
    return tuple(
        _comparison(s, reports.get(s.id), sessions, territories, focus)
        for s in sessions
        if s.kind is SessionKind.FORUM and s.comparison is not None
    )


def _comparison(
    forum: ProgrammeSession,
    report: Report | None,
    sessions: Sequence[ProgrammeSession],
    territories: Sequence[Territory],
    focus: Territory | None,
) -> Comparison:
    online = report.forum if report is not None else None
    if not isinstance(online, ForumSection) or report is None:
        return Comparison(session=forum.id, reported=False, groups=())
    names = {t.id: t.name for t in report.territories}
    cited = {
        c.statement.id: (c.statement.text, names.get(c.statement.territory or ""))
        for c in online.contributions
    }
    order = [t.name for t in territories]
    lines = []
    for group in forum.comparison or ():
        line = _line(forum, group, cited, sessions, order)
        if focus is None or focus.name.casefold() in {n.casefold() for n in line.territories}:
            lines.append(line)
    return Comparison(session=forum.id, reported=True, groups=tuple(lines))


def _line(
    forum: ProgrammeSession,
    group: ComparedGroup,
    cited: Mapping[str, tuple[str, str | None]],
    sessions: Sequence[ProgrammeSession],
    order: Sequence[str],
) -> ComparedLine:
    problems = tuple(
        ComparedProblem(
            statement=sid,
            text=cited[sid][0] if sid in cited else None,
            territory=cited[sid][1] if sid in cited else None,
        )
        for sid in group.statements
    )
    found = {p.territory for p in problems if p.territory}
    # The programme's order first; a name it does not know (renamed since) after, as written.
    named = [n for n in order if n in found] + sorted(found - set(order))
    keys = {f"{forum.id}-{sid}" for sid in group.statements}
    return ComparedLine(
        problems=problems,
        territories=tuple(named),
        scope="shared" if len(named) > 1 else "local",
        retained=group.retained,
        imported=tuple(
            ImportedInto(session=s.id, statement=statement)
            for s in sessions
            for key, statement in s.imports.items()
            if key in keys
        ),
    )
