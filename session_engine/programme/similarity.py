"""Comparable problems across territories (step 3 of the programme): which problems posted in
different territories say the same thing, as groups the facilitator then confirms or splits.

Why TF-IDF cosine in numpy and not ``rapidfuzz``. ``rapidfuzz``'s token measures compare the
letters of two strings: they see « poubele » and « poubelles » as close, but never « ordures »
and « poubelles », nor « HLM » and « logement social », and every word weighs the same, so
« quartier », which every territory writes, counts as much as « rodéos ». Here different
wordings must meet, and that needs what letters cannot give: a thesaurus of the programme's
themes, and weights that make the words the whole forum shares count little. TF-IDF gives the
weights, its features can be the thesaurus's concepts, and its character n-grams give the typo
tolerance ``rapidfuzz`` would have given. numpy is already a dependency; ``rapidfuzz`` would be
a new compiled one for the smaller part of the work.

How a text is read (``features``): its first ``MAX_CHARS`` characters, cut into words at every
sign but letters and digits (an elided l', d', qu' becomes a word of its own), casefolded,
accents and ligatures off, a few phone spellings spelt out (« tt », « pr »). A stop word gives
nothing (``STOP_WORDS``: articles, pronouns, auxiliaries, and the framing of any complaint,
« pas assez », « manque », « trop », « toujours »); nor a *named* word, capitalised inside a
sentence (« Château Rouge », « Issy »), which locates a problem rather than states it. Every
other word gives

* one *word* feature: the concept of the thesaurus phrase it starts or of the word
  (``THESAURUS``: the words residents use for one thing, matched by stem, e.g. « ordures »,
  « poubelles », « déchets » → ``#dechets``; « en ligne » → ``#internet`` but « ligne » →
  ``#transport``), also when it is a typo of an entry (``_Thesaurus.concept``: a letter
  dropped, added, changed or two swapped, « pane », « ascenceur »), else its stem (``stem``,
  a light suffix stripping: « logements » → « log »);
* its *character* 3- to 5-grams, within the word padded with spaces: typos and forms the
  thesaurus does not know still share most of them.

Each kind is weighted by (1 + log tf) × smoothed idf over the texts compared, each text's
vector of each kind has unit length, and the similarity is ``WORD_WEIGHT`` × the word cosine
+ (1 − ``WORD_WEIGHT``) × the character cosine, in [0, 1]. Concepts are narrow on purpose
(« loyer » and « HLM » are two, « bus » and « sale » too): a theme-wide one would make every
housing problem one group, whereas the facilitator wants « les loyers sont trop chers » apart
from « l'attente pour un HLM est trop longue ». The concepts naming what a problem is about
(``THEMES``: transport, housing, the young…) are weighted as if ``BACKGROUND`` more problems
named them, so that in a small forum two problems sharing only « bus » stay apart. The weights
come from the texts compared: compare a whole forum, not two sentences. What the thesaurus does
not know meets only by stems and letters (the bench's held-out part measures it): grow it with
the words of real forums.

Grouping (``propose_groups``): agglomerative, average linkage (the mean similarity between two
groups' members), merging the closest pair while that mean is ``threshold`` or more. Average
linkage rather than connected components: a chain of problems each close to the next (« bus
sales » → « bus le soir » → « bus bondés ») would make one component of things that are not one
problem, whereas average linkage needs a new member to be close to the group as a whole. Ties
go to the pair that comes first in the input. The similarity of two texts does not depend on
the order of the input (features are numbered and summed in sorted order), so neither does the
partition, unless two candidate merges tie exactly. Every problem is in exactly one group; a
group of one is a local problem.

Bounded: ``MAX_CHARS`` characters of a text are read. For 2,000 problems the similarities are
one 2,000 × 2,000 float64 matrix (32 MB; ``similarity_matrix`` returns it as float32, 16 MB)
and the merging a copy of it; the pairs of texts sharing a feature are summed
``PAIRS_PER_CHUNK`` at a time, without a dense text × feature matrix: about 130 MB at the peak
and a second or so (``bench/bench_similarity.py`` prints both). Memory grows as n² (10,000
problems would take several GB): a programme's forum, some problems per resident of six
territories, is well under 2,000. Pure: text in, numbers out; no I/O, no clock, no randomness.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_CHARS",
    "WORD_WEIGHT",
    "Problem",
    "ProblemGroup",
    "features",
    "propose_groups",
    "similarity_matrix",
    "stem",
]

DEFAULT_THRESHOLD: Final = 0.25  # the middle of the bench's plateau (bench_similarity.py)
WORD_WEIGHT: Final = 0.8  # share of the word/concept cosine; the rest is the character n-grams'
MAX_CHARS: Final = 1000  # a statement is at most 280; a pasted essay is read up to here
NGRAMS: Final = (3, 4, 5)
FUZZY_MIN: Final = 5  # thesaurus words this long are also found from a typo
PAIRS_PER_CHUNK: Final = 1_000_000  # bounds the memory of one accumulation step (~50 MB)

Matrix = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class Problem(msgspec.Struct, frozen=True):
    """What is compared: one problem posted in one territory."""

    key: str  # the caller's id, e.g. "s7"
    territory: str  # territory id, e.g. "t2"
    text: str


class ProblemGroup(msgspec.Struct, frozen=True):
    """Problems proposed as saying the same thing; one alone is a local problem."""

    keys: tuple[str, ...]  # in input order
    territories: tuple[str, ...]  # distinct, sorted
    score: float  # mean pairwise similarity inside (1.0 for a single one)


# --- the lexicon --------------------------------------------------------------------------------

# Written plain (casefolded, no accents), as ``_plain`` leaves a text. Negations and intensifiers
# are stop words too: « pas assez de bus » and « plus de bus » must meet on « bus » and « soir ».
STOP_WORDS: Final = frozenset(
    """
    a ai aie aient ait as au aux avais avait avez avoir avons ayant c ca ce ceci cela celle celles
    celui cet cette ces chez ci comme d dans de des donc dont du elle elles en encore entre es est
    et etaient etait etc ete etre eu eux faire fais fait faut font ici il ils j je jusqu l la le
    les leur leurs lui m ma mais me meme memes mes moi mon n ne ni nos notre nous o on ont ou par
    parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa
    sans se ses si soit son sont sur t ta te tes toi ton toujours tous tout toute toutes tres trop
    tu un une vers voila vos votre vous y assez beaucoup aucun aucune rien jamais souvent vraiment
    temps fois chaque autre autres bien deja alors ainsi car or puis avec sous apres avant depuis
    pendant svp merci bonjour salut pb probleme problemes gros grosse grand grande
    manque manquent manquer besoin faudrait falloir difficile impossible trouver trouve arrive
    arriver galere gens habitant habitants quartier bas part partout aller va vont week end
    maintenant vraiment nouveau nouveaux nouvelle nouvelles dire lorsqu puisqu quoiqu aujourd hui
    immeuble immeubles rue rues cite ville secteur coin endroit
    """.split()  # noqa: SIM905 (a block of words reads better than 200 quoted strings)
)
# Phone spellings spelt out before anything else.
SMS: Final = {
    "tt": "tout", "ts": "tous", "pr": "pour", "ds": "dans", "bcp": "beaucoup", "qd": "quand",
    "pk": "pourquoi", "pcq": "parce", "tjrs": "toujours", "tjs": "toujours", "jms": "jamais",
    "rdv": "rendez vous", "mtn": "maintenant", "slt": "salut", "stp": "svp",
    "vs": "vous", "ns": "nous", "ms": "mais", "ptn": "",
}  # fmt: skip
# The programme's themes as narrow concepts: the words and phrases residents use for one thing.
# An entry is matched by its stems (plural and feminine forms need no entry of their own).
THESAURUS: Final[dict[str, tuple[str, ...]]] = {
    # propreté
    "dechets": ("déchet", "ordure", "poubelle", "détritus", "immondice", "encombrant", "benne",
                "conteneur", "bac à ordures", "sac poubelle", "sacs-poubelle", "gravats"),
    "depot": ("dépôt", "déposer", "déposé", "jeter", "jettent", "jeté", "abandonner", "abandonné",
              "balancer", "dépôt sauvage", "décharge sauvage", "sauvage", "n'importe où"),
    "collecte": ("ramassage", "collecte", "éboueur", "camion poubelle", "enlèvement", "ramasser"),
    "plein": ("plein", "déborder", "débordent", "déborde", "entasser", "entassent", "saturé",
              "bondé", "blindé", "bourré", "serré", "comble", "surchargé", "sardines"),
    "sale": ("sale", "saleté", "crade", "crasseux", "dégueulasse", "dégueu", "malpropre",
             "propreté", "salir", "salissent", "souillé", "puant", "dégoûtant"),
    "odeur": ("odeur", "sentir", "sent", "puer", "pue", "puanteur", "mauvaise odeur"),
    "crotte": ("crotte", "déjection", "caca", "excrément"),
    "chien": ("chien", "chienne", "toutou", "clebs"),
    "urine": ("urine", "uriner", "urinent", "pipi", "pisse", "pisser"),
    "toilettes": ("toilettes", "sanisette", "wc", "urinoir", "toilettes publiques"),
    "nuisible": ("rat", "souris", "cafard", "blatte", "punaise", "punaises de lit", "nuisible"),
    # transports
    "transport": ("bus", "autobus", "métro", "rer", "tram", "tramway", "train", "transilien",
                  "transport", "transports en commun", "ligne", "navette", "noctilien", "station",
                  "gare", "arrêt de bus", "t1", "t2", "t3", "ratp"),
    "soir": ("soir", "soirée", "nuit", "nocturne", "tard", "tard le soir", "minuit", "20h", "21h",
             "22h", "23h", "après 20h", "après 21h", "après 22h"),
    "matin": ("matin", "matinée", "heure de pointe", "heures de pointe"),
    "frequence": ("fréquence", "passer", "passent", "passage", "attente du bus", "cadencement"),
    "attente": ("attendre", "attente", "attends", "attend", "sans réponse", "toujours rien",
                "éternité", "liste d'attente"),
    "retard": ("retard", "en retard", "ponctualité", "supprimé", "annulé", "perturbation"),
    "accessible": ("accessible", "accessibilité", "handicapé", "handicap", "fauteuil",
                   "fauteuil roulant", "pmr", "poussette", "mobilité réduite", "inaccessible"),
    "ascenseur": ("ascenseur", "élévateur", "monte-charge"),
    "panne": ("panne", "en panne", "hors service", "ne marche pas", "marche pas",
              "ne fonctionne pas", "bloqué", "coincé"),
    "velo": ("vélo", "cycliste", "piste cyclable", "bicyclette", "vélib"),
    "trottinette": ("trottinette", "trottinettes électriques"),
    "voiture": ("voiture", "automobiliste", "auto", "conducteur", "chauffard", "bagnole",
                "véhicule"),
    "vitesse": ("vitesse", "vite", "foncer", "foncent", "excès de vitesse", "rouler vite",
                "roulent vite", "rodéo automobile"),
    "ralentisseur": ("ralentisseur", "dos d'âne", "coussin berlinois", "chicane", "zone 30"),
    "stationnement": ("stationnement", "parking", "garer", "garé", "se garer", "place de parking"),
    # logement
    "logement": ("logement", "appartement", "appart", "loger", "se loger"),
    "loyer": ("loyer", "charges locatives"),
    "cher": ("cher", "chère", "coûteux", "coûte", "coût", "prix", "hors de prix", "exploser",
             "explosent", "augmenter", "augmentent", "augmentation", "inabordable"),
    "hlm": ("hlm", "logement social", "logements sociaux", "demande de logement",
            "office hlm", "attribution"),
    "bailleur": ("bailleur", "propriétaire", "gardien", "syndic", "régie"),
    "humidite": ("humidité", "humide", "moisissure", "moisi", "champignon", "infiltration",
                 "fuite", "salpêtre", "dégât des eaux", "insalubre", "insalubrité", "vétuste"),
    # sécurité
    "drogue": ("drogue", "deal", "dealer", "dealeur", "trafic", "trafiquant", "stupéfiant",
               "shit", "cannabis", "point de deal", "guetteur", "chouf"),
    "hall": ("hall", "cage d'escalier", "escalier", "parties communes", "entrée d'immeuble",
             "cave", "palier"),
    "insecurite": ("insécurité", "agression", "agresser", "agressé", "peur", "rassurant",
                   "pas rassurant", "vol", "voler", "cambriolage", "bagarre", "violence"),
    "danger": ("danger", "dangereux", "dangereuse", "accident", "risque"),
    "harcelement": ("harceler", "harcèlement", "embêter", "siffler", "importuner", "insulter",
                    "suivre", "draguer", "drague"),
    "femme": ("femme", "fille", "jeune fille", "meuf"),
    "eclairage": ("éclairage", "lampadaire", "lumière", "éclairer", "éclairé", "mal éclairé",
                  "sombre", "obscurité", "éteint", "réverbère", "noir"),
    "rodeo": ("rodéo", "moto", "quad", "scooter", "motocross", "bécane", "rodéo urbain"),
    "bruit": ("bruit", "bruyant", "nuisance sonore", "tapage", "vacarme", "boucan"),
    # jeunesse, école, emploi
    "jeunes": ("jeune", "ado", "adolescent", "les 12-17 ans", "les 15-25 ans", "jeunesse"),
    "enfant": ("enfant", "gamin", "gosse"),
    "activite": ("activité", "loisir", "animation", "occupation", "rien à faire", "s'ennuyer",
                 "ennuient", "ennui"),
    "stage": ("stage", "stagiaire", "alternance", "apprentissage"),
    "troisieme": ("3e", "3ème", "troisième", "collégien", "collégienne"),
    "emploi": ("emploi", "travail", "boulot", "taf", "job", "chômage", "chômeur", "embauche",
               "sans emploi", "travailler"),
    "ecole": ("école", "collège", "lycée", "maternelle", "primaire", "groupe scolaire"),
    "prof": ("prof", "professeur", "enseignant", "instituteur", "maîtresse", "maître"),
    "remplacer": ("remplacer", "remplacé", "remplacement", "absent", "absence", "absences"),
    "classe": ("classe", "effectif", "élève", "surcharge"),
    # services publics, santé, numérique
    "medecin": ("médecin", "généraliste", "docteur", "médecin traitant", "désert médical",
                "spécialiste", "dentiste", "pédiatre", "soins"),
    "rendezvous": ("rendez-vous", "délai", "attente pour un rendez-vous"),
    "poste": ("poste", "la poste", "bureau de poste", "colis", "courrier"),
    "fermer": ("fermer", "fermé", "fermeture", "ferment", "fermée"),
    "internet": ("internet", "en ligne", "numérique", "dématérialisation", "dématérialisé",
                 "ordinateur", "site internet", "appli", "application", "sur internet"),
    "demarche": ("démarche", "papiers", "dossier", "administratif", "administration",
                 "formulaire", "caf", "impôts", "préfecture", "sécu", "ameli"),
    "age": ("âgé", "personnes âgées", "senior", "vieux", "anciens", "retraité", "mamie", "papi"),
    # cadre de vie
    "commerce": ("commerce", "magasin", "boutique", "boulangerie", "supermarché", "épicerie",
                 "supérette", "courses", "faire les courses", "commerces de proximité"),
    "vert": ("espace vert", "espaces verts", "verdure", "parc", "arbre", "jardin", "nature",
             "végétation", "pelouse", "végétaliser"),
    "beton": ("béton", "bitume", "goudron", "bétonné"),
    "jeux": ("aire de jeux", "aires de jeux", "jeux", "jeux pour enfants", "toboggan",
             "balançoire", "city-stade"),
    "abime": ("abîmé", "cassé", "cassée", "dégradé", "mauvais état", "délabré", "détruit",
              "vandalisé", "vandalisme"),
    "pollution": ("pollution", "pollué", "qualité de l'air", "gaz d'échappement", "particules"),
    "autoroute": ("autoroute", "périphérique", "périph", "a1", "a86", "a3", "voie rapide",
                  "échangeur"),
    "ecoute": ("écouter", "écoute", "consulter", "consulté", "concertation", "concerter", "avis",
               "demander notre avis", "pris en compte", "prendre en compte"),
    "mairie": ("mairie", "maire", "élu", "municipalité", "conseil municipal", "la ville"),
    "sauvette": ("sauvette", "vente à la sauvette", "vendeur à la sauvette",
                 "vendeurs à la sauvette"),
    "trottoir": ("trottoir", "passage piéton", "piéton", "chaussée"),
    "banc": ("banc", "assise", "s'asseoir", "se reposer"),
}  # fmt: skip


# The concepts that name what a problem is about rather than what is wrong with it.
THEMES: Final = frozenset(
    ("transport", "logement", "jeunes", "enfant", "ecole", "age", "voiture", "femme", "mairie",
     "trottoir", "hall")
)  # fmt: skip


# What a forum looks like before any problem is read: out of ``BACKGROUND`` problems, a quarter
# name each theme's object (a bus, a flat, the young), whatever their problem; so that in a
# small forum two problems that share only « bus » are not taken for one.
BACKGROUND: Final = 20
_PRIOR: Final = {f"#{theme}": BACKGROUND / 4 for theme in THEMES}


# --- reading a text -----------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"[^\W_]+")  # letters and digits: apostrophes and hyphens cut words
_SENTENCE_END: Final = frozenset('.!?…\n«"(-•')  # what a capital may follow without a name
_LIGATURES: Final = str.maketrans({"œ": "oe", "æ": "ae"})
_SUFFIXES: Final = (
    "issements", "issement", "atrices", "ateurs", "ations", "ements", "atrice", "ateur",
    "ation", "ement", "ances", "ences", "ables", "ibles", "istes", "euses", "ments", "ance",
    "ence", "able", "ible", "iste", "euse", "ment", "ites", "ives", "ite", "eux", "ive", "ifs",
    "ees", "ent", "ee", "es", "er", "ez", "if", "e", "s", "x",
)  # fmt: skip  # a longer one before its own ending: the first that fits is taken off


def _plain(word: str) -> str:
    """Casefolded, without accents (« Été » → « ete »)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _plain_words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` (up to ``MAX_CHARS``), plain and phone spellings spelt out, each
    with whether it is *named*: capitalised inside a sentence (« Château Rouge », « Issy »), a
    place or a person that locates a problem rather than states it. An elided article (l', d',
    qu') is a word of its own, and a stop word."""
    text = text[:MAX_CHARS]
    words: list[tuple[str, bool]] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        named = raw[0].isupper() and not raw.isupper() and not _starts_sentence(text, match.start())
        for word in SMS.get(_plain(raw), _plain(raw)).split():
            words.append((word, named))
    return words


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t'’")
    return not before or before[-1] in _SENTENCE_END


def stem(word: str) -> str:
    """A light French stem: a plural's final s or x off (« rats » → « rat »), « -aux » →
    « -al », then the longest listed suffix off when three letters at least stay; a word of
    four letters or fewer is left so (« bus », « sale », « hlm »)."""
    if word.isdigit():
        return word
    if len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "aux")):
        word = word[:-1]
    if len(word) <= 4:
        return word
    if word.endswith("aux"):
        return word[:-3] + "al"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class _Thesaurus:
    """The thesaurus, indexed: entries by the stems of their words (so « poubelles » finds
    « poubelle »), and the single-word entries by their forms with one letter dropped, for the
    typos of ``concept``."""

    def __init__(self, concepts: dict[str, tuple[str, ...]]) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        self.words: dict[str, str] = {}  # single-word entries, as written (plain)
        self.dropped: dict[str, set[str]] = {}  # an entry less one letter -> its concepts
        for concept, entries in concepts.items():
            for entry in entries:
                words = [word for word, _ in _plain_words(entry)]
                self.phrases[tuple(stem(word) for word in words)] = f"#{concept}"
                if len(words) == 1 and len(words[0]) >= FUZZY_MIN:
                    self.words[words[0]] = f"#{concept}"
                    for variant in _deletions(words[0]):
                        self.dropped.setdefault(variant, set()).add(f"#{concept}")
        self.longest = max(len(words) for words in self.phrases)

    def phrase_at(self, stems: list[str], i: int) -> tuple[int, str | None]:
        """The longest phrase of two words or more starting at ``stems[i]``: its length and
        concept; else (1, None)."""
        for size in range(min(self.longest, len(stems) - i), 1, -1):
            concept = self.phrases.get(tuple(stems[i : i + size]))
            if concept is not None:
                return size, concept
        return 1, None

    def concept(self, word: str) -> str | None:
        """A single word's concept: by its stem; else, when exactly one concept fits, as a typo
        of an entry of ``FUZZY_MIN`` letters or more: a letter dropped (« pane », « poubele »)
        or, for a word of ``FUZZY_MIN`` + 1 letters or more, one added, changed or two swapped
        (« ascenceur »). A five-letter word one letter away from another is too often another
        word (« faute », « fuite »)."""
        exact = self.phrases.get((stem(word),))
        if exact is not None or len(word) < FUZZY_MIN - 1:
            return exact
        singular = word[:-1] if word[-1] in "sx" else word  # the entries are singular
        found: set[str] = set()
        for form in {word, singular}:
            found |= self.dropped.get(form, set())
            if len(form) > FUZZY_MIN:
                for variant in _deletions(form):
                    found |= self.dropped.get(variant, set())  # a letter changed or swapped
                    if variant in self.words:
                        found.add(self.words[variant])  # a letter added
        return found.pop() if len(found) == 1 else None


_THESAURUS: Final = _Thesaurus(THESAURUS)


def features(text: str) -> tuple[Counter[str], Counter[str]]:
    """The word features (concepts and stems) and the character n-grams of ``text``. Stop
    words give neither, except inside a thesaurus phrase (« en ligne », « dos d'âne »); named
    words neither, unless the thesaurus knows them."""
    words = _plain_words(text)
    stems = [stem(word) for word, _ in words]
    concepts: Counter[str] = Counter()
    grams: Counter[str] = Counter()
    i = 0
    while i < len(words):
        size, concept = _THESAURUS.phrase_at(stems, i)
        word, named = words[i]
        if size == 1:
            concept = None if word in STOP_WORDS else _THESAURUS.concept(word)
            if word in STOP_WORDS or (named and concept is None):
                i += 1
                continue
        concepts[concept or stems[i]] += 1
        grams.update(g for w, _ in words[i : i + size] if w not in STOP_WORDS for g in _ngrams(w))
        i += size
    return concepts, grams


def _ngrams(word: str) -> Iterable[str]:
    padded = f" {word} "
    return (padded[j : j + n] for n in NGRAMS for j in range(len(padded) - n + 1))


# --- similarity ---------------------------------------------------------------------------------


def similarity_matrix(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The n × n similarities of ``texts`` in [0, 1], 1 on the diagonal (float32)."""
    return _similarities(texts).astype(np.float32)


def _similarities(texts: Sequence[str]) -> Matrix:
    read = [features(text) for text in texts]
    n = len(texts)
    word = _weighted([concepts for concepts, _ in read], WORD_WEIGHT, _PRIOR)
    char = _weighted([grams for _, grams in read], 1.0 - WORD_WEIGHT, {})
    similar = _gram((word, char), n)
    np.clip(similar, 0.0, 1.0, out=similar)
    np.fill_diagonal(similar, 1.0)
    return similar


class _Sparse(NamedTuple):
    """A text × feature matrix, one entry per feature a text has; features are numbered in
    the sorted order of their names, so that no sum depends on the order of the input."""

    text: Ints
    feature: Ints
    weight: Matrix


def _weighted(counts: Sequence[Counter[str]], share: float, prior: Mapping[str, float]) -> _Sparse:
    """(1 + log tf) × smoothed idf, log((1 + n) / (1 + df)) + 1, where a ``prior`` adds
    ``BACKGROUND`` problems to n and its count to a feature's df; each text's vector scaled to
    length √share (a text without any feature keeps none)."""
    ids = {name: i for i, name in enumerate(sorted(set().union(*counts)))}
    cells = sorted(
        (t, ids[name], tf) for t, count in enumerate(counts) for name, tf in count.items()
    )
    if not cells:
        return _Sparse(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    text, feature, tf = (np.array(column, dtype=np.int64) for column in zip(*cells, strict=True))
    df = np.bincount(feature, minlength=len(ids)) + np.array([prior.get(k, 0.0) for k in ids])
    n = len(counts) + (BACKGROUND if prior else 0)
    weight = (1.0 + np.log(tf)) * (np.log((1.0 + n) / (1.0 + df)) + 1.0)[feature]
    norm = np.sqrt(np.bincount(text, weights=weight * weight, minlength=len(counts)))
    return _Sparse(text, feature, weight * math.sqrt(share) / norm[text])


def _gram(parts: Sequence[_Sparse], n: int) -> Matrix:
    """X Xᵀ of the sparse text × feature matrices X, summed, without ever making X dense (its
    width is the number of distinct n-grams, tens of thousands): for each feature, the products
    of the weights of every two texts that have it, added feature after feature, about
    ``PAIRS_PER_CHUNK`` pairs at a time into one n × n total."""
    total = np.zeros(n * n, dtype=np.float64)
    for matrix in parts:
        order = np.lexsort((matrix.text, matrix.feature))
        text, feature, weight = matrix.text[order], matrix.feature[order], matrix.weight[order]
        bounds = np.flatnonzero(np.diff(feature, prepend=-1, append=-1))  # where each starts
        for lo, hi in _chunks(np.diff(bounds)):
            first, last = int(bounds[lo]), int(bounds[hi])
            left, right = _pairs(np.diff(bounds[lo : hi + 1]))
            if left.size:
                i, j = text[first:last][left], text[first:last][right]
                products = weight[first:last][left] * weight[first:last][right]
                total += np.bincount(i * n + j, weights=products, minlength=n * n)
    upper = total.reshape(n, n)
    upper += upper.T.copy()
    return upper


def _chunks(sizes: npt.NDArray[np.int64]) -> Iterable[tuple[int, int]]:
    """Runs of whole features whose pairs number about ``PAIRS_PER_CHUNK`` at most (a single
    feature may exceed it: it is one run)."""
    pairs = np.cumsum(sizes * (sizes - 1) // 2)
    lo = 0
    while lo < len(sizes):
        base = int(pairs[lo - 1]) if lo else 0
        hi = int(np.searchsorted(pairs, base + PAIRS_PER_CHUNK, side="right"))
        hi = max(hi, lo + 1)
        yield lo, hi
        lo = hi


def _pairs(sizes: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every (earlier, later) pair of positions inside each run of ``sizes`` consecutive
    positions (a feature's texts, sorted by text so that earlier is the smaller text)."""
    starts = np.cumsum(sizes) - sizes
    run_start = np.repeat(starts, sizes)
    offset = np.arange(int(sizes.sum()), dtype=np.int64) - run_start
    partners = np.repeat(sizes, sizes) - offset - 1  # later positions in the same run
    left = np.repeat(np.arange(int(sizes.sum()), dtype=np.int64), partners)
    first = np.cumsum(partners) - partners
    step = np.arange(int(partners.sum()), dtype=np.int64) - np.repeat(first, partners) + 1
    return left, left + step


# --- grouping -----------------------------------------------------------------------------------


def propose_groups(
    problems: Sequence[Problem], *, threshold: float = DEFAULT_THRESHOLD
) -> tuple[ProblemGroup, ...]:
    """The groups of ``problems`` that say the same thing (see the module's docstring), most
    territories first, then in the order of their first problem. ``ValueError`` when two
    problems share a key or ``threshold`` is not in (0, 1]."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if len({p.key for p in problems}) != len(problems):
        raise ValueError("two problems share a key")
    similar = _similarities([p.text for p in problems])
    members = _average_linkage(similar, threshold)
    groups = [_group(problems, similar, indices) for indices in members]
    firsts = [indices[0] for indices in members]
    ranked = sorted(zip(groups, firsts, strict=True), key=lambda g: (-len(g[0].territories), g[1]))
    return tuple(group for group, _ in ranked)


def _group(problems: Sequence[Problem], similar: Matrix, indices: list[int]) -> ProblemGroup:
    if len(indices) == 1:
        score = 1.0
    else:
        block = similar[np.ix_(indices, indices)]
        pairs = len(indices) * (len(indices) - 1)
        score = float((block.sum() - len(indices)) / pairs)
    return ProblemGroup(
        keys=tuple(problems[i].key for i in indices),
        territories=tuple(sorted({problems[i].territory for i in indices})),
        score=score,
    )


def _average_linkage(similar: Matrix, threshold: float) -> list[list[int]]:
    """Greedy average-linkage clustering: merge the two closest groups while their mean
    similarity is ``threshold`` or more; the members of each group in input order, the groups
    in the order of their first member."""
    if len(similar) < 2:
        return [[i] for i in range(len(similar))]
    linkage = _Linkage(similar)
    while (pair := linkage.closest()) is not None and pair[2] >= threshold:
        linkage.merge(pair[0], pair[1])
    return linkage.groups()


class _Linkage:
    """The groups being merged. A group is named by its first member. ``sums[a, b]`` is the sum
    of the similarities between the members of groups a and b, so their mean is
    ``sums[a, b] / (size[a] × size[b])`` and a merge adds two rows (no order to depend on).
    ``best[a]`` is the group closest to a (the first of equals), ``best_mean[a]`` that mean:
    kept up to date at each merge, so that finding the closest pair is one pass over n."""

    def __init__(self, similar: Matrix) -> None:
        n = len(similar)
        self.sums = similar.copy()
        np.fill_diagonal(self.sums, -np.inf)
        self.size = np.ones(n, dtype=np.float64)
        self.alive = np.ones(n, dtype=bool)
        self.members: list[list[int]] = [[i] for i in range(n)]
        self.best = np.argmax(self.sums, axis=1)
        self.best_mean: Matrix = self.sums[np.arange(n), self.best]

    def closest(self) -> tuple[int, int, float] | None:
        """The closest pair (first in input order among equals) and its mean; None when one
        group is left."""
        a = int(np.argmax(self.best_mean))
        mean = float(self.best_mean[a])
        if mean == -np.inf:
            return None
        b = int(self.best[a])
        return min(a, b), max(a, b), mean

    def merge(self, a: int, b: int) -> None:
        """Group b joins group a (a < b)."""
        self.members[a] += self.members[b]
        self.sums[a] += self.sums[b]
        self.sums[:, a] = self.sums[a]
        self.sums[a, a] = -np.inf
        self.size[a] += self.size[b]
        self.alive[b] = False
        self.sums[b] = -np.inf
        self.sums[:, b] = -np.inf
        self.best_mean[b] = -np.inf
        self._refresh(a, b)

    def _refresh(self, a: int, b: int) -> None:
        """Each group's closest after b joined a: found again for a and for the groups whose
        closest was a or b (their mean to a may have dropped); any other only compares a."""
        to_a = self._means(a)
        closer = (to_a > self.best_mean) | ((to_a == self.best_mean) & (a < self.best))
        self.best[closer] = a
        self.best_mean[closer] = to_a[closer]
        stale = np.flatnonzero(self.alive & np.isin(self.best, (a, b)) & ~closer)
        for row in {a, *(int(r) for r in stale)}:
            means = self._means(row)
            self.best[row] = int(np.argmax(means))
            self.best_mean[row] = means[self.best[row]]

    def _means(self, row: int) -> Matrix:
        """The mean similarity of group ``row`` to every living other group (−inf elsewhere)."""
        means: Matrix = self.sums[row] / (self.size[row] * self.size)
        means[~self.alive] = -np.inf
        means[row] = -np.inf
        return means

    def groups(self) -> list[list[int]]:
        return [sorted(self.members[i]) for i in range(len(self.members)) if self.alive[i]]
