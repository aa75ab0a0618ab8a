"""Comparable problems across territories (``session_engine.programme.similarity``), as scenarios.

The facilitator compares a whole forum, not two sentences: the weight of a word comes from the
problems compared (a word every territory uses counts little). So each scenario puts the
problems it is about among the ones of ``FORUM``, a small forum of six territories written out
here, and looks at the groups proposed for them. Last, the quality on the test set of the bench
(``bench/data/forum-problemes.json``): pairwise precision and recall of 0.8 at least (issue 16).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Final

import numpy as np
import pytest

from session_engine.programme.similarity import (
    DEFAULT_THRESHOLD,
    MAX_CHARS,
    Problem,
    ProblemGroup,
    features,
    propose_groups,
    similarity_matrix,
)

DATA: Final = Path(__file__).resolve().parents[2] / "bench" / "data" / "forum-problemes.json"

# A forum of six territories, none of whose problems says what another says.
FORUM: Final = (
    Problem("f1", "t1", "Les loyers sont trop chers, les familles partent"),
    Problem("f2", "t2", "Les ascenseurs de la tour sont en panne depuis un mois"),
    Problem("f3", "t3", "Trafic de drogue dans les halls d'immeuble"),
    Problem("f4", "t4", "Rien à faire pour les ados le week-end"),
    Problem("f5", "t5", "Pas de médecin généraliste dans le quartier"),
    Problem("f6", "t6", "Les lampadaires du parc sont éteints la nuit"),
    Problem("f7", "t1", "Les profs absents ne sont pas remplacés au collège"),
    Problem("f8", "t2", "Des crottes de chien sur tous les trottoirs"),
    Problem("f9", "t3", "La poste du quartier a fermé"),
    Problem("f10", "t4", "Les voitures roulent trop vite devant l'école"),
)


def groups_with(*problems: Problem) -> tuple[ProblemGroup, ...]:
    return propose_groups((*FORUM, *problems))


def group_of(groups: Sequence[ProblemGroup], key: str) -> ProblemGroup:
    return next(group for group in groups if key in group.keys)


def partition(groups: Sequence[ProblemGroup]) -> set[frozenset[str]]:
    return {frozenset(group.keys) for group in groups}


# --- what meets and what does not --------------------------------------------------------------


def test_two_wordings_of_the_same_problem_in_two_territories_are_one_group() -> None:
    groups = groups_with(
        Problem("a", "t1", "Pas assez de bus le soir, on attend 30 minutes"),
        Problem("b", "t4", "Le soir les bus passent presque plus"),
    )
    group = group_of(groups, "a")
    assert group.keys == ("a", "b")
    assert group.territories == ("t1", "t4")


def test_synonyms_of_the_thesaurus_meet() -> None:
    groups = groups_with(
        Problem("a", "t2", "Les ordures s'entassent sur le trottoir"),
        Problem("b", "t5", "Des poubelles qui débordent partout"),
    )
    assert group_of(groups, "a").keys == ("a", "b")


def test_a_problem_written_with_typos_and_no_accents_meets_its_wording() -> None:
    groups = groups_with(
        Problem("a", "t3", "L'ascenseur de la tour est en panne depuis trois semaines"),
        Problem("b", "t6", "ascenceur en pane encore une fois au 12e"),
    )
    assert {"a", "b"} <= set(group_of(groups, "a").keys)


def test_the_same_theme_but_another_problem_is_another_group() -> None:
    groups = groups_with(
        Problem("a", "t1", "Pas assez de bus le soir"),
        Problem("b", "t4", "Les bus sont sales, les sièges sont dégueulasses"),
    )
    assert group_of(groups, "a") != group_of(groups, "b")


def test_rents_too_high_and_the_wait_for_social_housing_are_two_problems() -> None:
    groups = groups_with(
        Problem("a", "t3", "Ça fait 8 ans que j'attends un logement social"),
        Problem("b", "t5", "Impossible de se loger, les loyers explosent"),
    )
    assert group_of(groups, "a") != group_of(groups, "b")


def test_one_territorys_duplicates_are_one_local_group() -> None:
    groups = groups_with(
        Problem("a", "t2", "Vente à la sauvette devant le métro, on ne peut plus passer"),
        Problem("b", "t2", "Les vendeurs à la sauvette bloquent le trottoir du métro"),
    )
    group = group_of(groups, "a")
    assert group.keys == ("a", "b")
    assert group.territories == ("t2",)


def test_the_forum_alone_is_only_local_problems() -> None:
    groups = propose_groups(FORUM)
    assert [group.keys for group in groups] == [(p.key,) for p in FORUM]
    assert all(group.score == 1.0 for group in groups)


# --- how a text is read ------------------------------------------------------------------------

# Wordings residents use for one thing: each pair must share a word feature (a concept).
SAME_CONCEPT: Final = (
    ("ordures", "poubelles"),
    ("déchets", "encombrants"),
    ("HLM", "logement social"),
    ("lampadaire", "éclairage"),
    ("ados", "jeunes"),
    ("deal", "trafic de drogue"),
    ("métro", "RER"),
    ("dos d'âne", "ralentisseurs"),
    ("poubele", "poubelles"),  # a letter dropped
    ("ascenceur", "ascenseur"),  # a letter changed
    ("démarches en ligne", "internet"),
)
# Words of one theme that name different problems: no concept in common.
OTHER_CONCEPT: Final = (
    ("loyer", "HLM"),
    ("bus", "sale"),
    ("ascenseur", "panne"),
    ("faute", "fuite"),  # five letters, one apart: not a typo of each other
    ("ligne de bus", "en ligne"),
)


@pytest.mark.parametrize(("one", "other"), SAME_CONCEPT)
def test_wordings_of_one_thing_share_a_concept(one: str, other: str) -> None:
    assert set(features(one)[0]) & set(features(other)[0])


@pytest.mark.parametrize(("one", "other"), OTHER_CONCEPT)
def test_different_things_share_no_concept(one: str, other: str) -> None:
    assert not set(features(one)[0]) & set(features(other)[0])


def test_case_accents_apostrophes_and_articles_do_not_change_a_text() -> None:
    plain = features("l'ascenseur est en panne a la residence")
    assert features("L’ASCENSEUR est en panne à la résidence !") == plain
    assert features("Ascenseur en panne, résidence") == plain


def test_a_plural_has_the_word_features_of_its_singular() -> None:
    singular = features("l'ascenseur est en panne a la residence")[0]
    assert features("Les ascenseurs sont en pannes dans les résidences")[0] == singular


def test_a_place_named_inside_a_sentence_does_not_count() -> None:
    assert features("Dépôts sauvages rue Myrha") == features("Dépôts sauvages rue")


def test_a_text_of_stop_words_only_has_no_feature() -> None:
    assert features("il y a trop de ça, vraiment") == ({}, {})


# --- the matrix and the groups ------------------------------------------------------------------


def test_the_matrix_is_symmetric_in_0_1_with_1_on_its_diagonal() -> None:
    matrix = similarity_matrix([p.text for p in FORUM] + ["", "Les loyers sont chers"])
    assert matrix.shape == (12, 12)
    assert matrix.dtype == np.float32
    assert np.array_equal(matrix, matrix.T)
    assert np.all(np.diag(matrix) == 1.0)
    assert matrix.min() >= 0.0
    assert matrix.max() <= 1.0
    assert matrix[0, 11] > matrix[1, 11]  # rents are closer to rents than to lifts
    assert matrix[10, 0] == 0.0  # an empty text is like nothing


def test_a_long_text_is_read_up_to_its_bound() -> None:
    long = "Les loyers sont trop chers. " + "Et les charges aussi, " * 20_000
    matrix = similarity_matrix([long, long[:MAX_CHARS], "Les loyers sont chers"])
    assert matrix[0, 1] == pytest.approx(1.0)
    assert matrix[0, 2] == pytest.approx(matrix[1, 2])


def test_no_problem_no_group_and_one_problem_one_local_group() -> None:
    assert propose_groups([]) == ()
    assert propose_groups([Problem("s7", "t2", "Les bus sont sales")]) == (
        ProblemGroup(keys=("s7",), territories=("t2",), score=1.0),
    )


def test_groups_come_most_territories_first_then_in_the_order_of_their_first_problem() -> None:
    groups = groups_with(
        Problem("a", "t1", "Pas assez de bus le soir"),
        Problem("b", "t2", "Il manque des bus la nuit"),
        Problem("c", "t3", "Le soir les bus passent presque plus"),
        Problem("d", "t5", "Les poubelles débordent"),
        Problem("e", "t6", "poubelles pleines qui débordent"),
    )
    assert [group.keys for group in groups[:2]] == [("a", "b", "c"), ("d", "e")]
    assert [group.keys for group in groups[2:]] == [(p.key,) for p in FORUM]
    assert 0.0 < groups[0].score < 1.0


def test_the_same_problems_give_the_same_groups() -> None:
    problems = load("problems")
    assert propose_groups(problems) == propose_groups(list(problems))


def test_the_groups_do_not_depend_on_the_order_of_the_problems() -> None:
    problems = load("problems")
    shuffled = list(problems)
    random.Random(16).shuffle(shuffled)
    assert partition(propose_groups(shuffled)) == partition(propose_groups(problems))
    assert partition(propose_groups(problems[::-1])) == partition(propose_groups(problems))


def test_two_problems_with_one_key_or_a_threshold_outside_0_1_are_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        propose_groups([Problem("a", "t1", "Bus sales"), Problem("a", "t2", "Bus sales")])
    for threshold in (0.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="threshold"):
            propose_groups(FORUM, threshold=threshold)


# --- quality on the bench's test set ------------------------------------------------------------


def load(part: str) -> list[Problem]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))[part]
    return [Problem(row["key"], row["territory"], row["text"]) for row in rows]


def labels(part: str) -> dict[str, str]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))[part]
    return {row["key"]: row["group"] for row in rows}


def test_the_test_set_is_six_territories_and_eighty_problems_at_least() -> None:
    problems = load("problems")
    assert len(problems) >= 80
    assert len({p.territory for p in problems}) == 6


def test_the_groups_of_the_test_set_have_a_pairwise_precision_and_recall_of_08() -> None:
    problems, label = load("problems"), labels("problems")
    proposed = {
        frozenset(pair)
        for group in propose_groups(problems)
        for pair in combinations(group.keys, 2)
    }
    truth = {
        frozenset((a.key, b.key))
        for a, b in combinations(problems, 2)
        if label[a.key] == label[b.key]
    }
    precision = len(proposed & truth) / len(proposed)
    recall = len(proposed & truth) / len(truth)
    assert precision >= 0.8, f"precision {precision:.3f}"
    assert recall >= 0.8, f"recall {recall:.3f}"


# --- the grouping is average linkage ------------------------------------------------------------


def naive_average_linkage(similar: np.ndarray, threshold: float) -> set[frozenset[int]]:
    """Average linkage as a textbook writes it: merge the two groups of highest mean
    similarity (the first pair in input order among equals) while it is ``threshold`` or more."""
    groups = [[i] for i in range(len(similar))]
    while len(groups) > 1:
        means = {
            (x, y): float(np.mean(similar[np.ix_(groups[x], groups[y])]))
            for x, y in combinations(range(len(groups)), 2)
        }
        (x, y), mean = max(means.items(), key=lambda item: item[1])
        if mean < threshold:
            break
        groups[x] += groups.pop(y)
    return {frozenset(group) for group in groups}


@pytest.mark.parametrize("seed", range(5))
def test_the_groups_are_those_of_average_linkage(seed: int) -> None:
    problems = random.Random(seed).sample(load("problems"), 40)
    matrix = similarity_matrix([p.text for p in problems]).astype(np.float64)
    index = {p.key: i for i, p in enumerate(problems)}
    found = {frozenset(index[k] for k in g.keys) for g in propose_groups(problems)}
    assert found == naive_average_linkage(matrix, DEFAULT_THRESHOLD)
