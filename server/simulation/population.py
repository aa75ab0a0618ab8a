"""The synthetic room of a Métrokawa: territories, people, what they write and what they think.

Pure data and small functions of a ``random.Random`` passed in (never a clock, never the global
RNG), shared by the offline simulator (``offline``) and the over-the-wire one (``wire``).
Nothing here knows how commands are sequenced; it only answers "who is this person?", "what would
they write?", "what do they think of this statement?" and "how do they grade this proposal?".

The position model. A participant's position on a statement is drawn around

    base + salience × concern(territory, theme) + role shift + lean × leaning

then rounded to −2..+2, or ``None`` (they pass). ``concern`` makes territories differ (the QPV
strongly agree on housing, the suburbs on transport, Paris on cleanliness); ``lean`` ties the
divisive statements to each person's hidden leaning (±0.4..1), which splits the room into two
opinion groups; consensual statements have a high ``base``, a low salience and no lean.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypedDict, Unpack

from session_engine.model import Grade, ParticipantRole, RoundKind, StatementKind

__all__ = [
    "BANK",
    "TERRITORIES",
    "AgendaItem",
    "BankStatement",
    "Person",
    "TerritoryProfile",
    "Theme",
    "agenda",
    "annotation_for",
    "ballot_grade",
    "choose_statement",
    "concern",
    "people",
    "position",
    "revised_position",
    "synthesis_text",
    "territories",
]


# --- territories ----------------------------------------------------------------------------------


class Theme(StrEnum):
    TRANSPORTS = "transports"
    LOGEMENT = "logement"
    PROPRETE = "propreté"
    SECURITE = "sécurité"
    JEUNESSE = "jeunesse"
    COMMERCES = "commerces"
    SERVICES_PUBLICS = "services publics"
    SANTE = "santé"
    ECOLE = "école"
    ENVIRONNEMENT = "espaces verts"
    NUMERIQUE = "numérique"
    PARTICIPATION = "participation"
    HORS_SUJET = "hors sujet"


@dataclass(frozen=True, slots=True)
class TerritoryProfile:
    """A territory of the room; ``concerns`` shifts its people's positions theme by theme."""

    key: str
    name: str
    commune: str
    qpv: bool
    places: tuple[str, ...]
    concerns: tuple[tuple[Theme, float], ...]


_T = Theme
# Ordered so that the first N always mix QPV and other territories (2 → 1 + 1, 4 → 3 + 1).
TERRITORIES: Final[tuple[TerritoryProfile, ...]] = (
    TerritoryProfile(
        key="goutte-dor",
        name="La Goutte d'Or",
        commune="Paris 18e",
        qpv=True,
        places=(
            "square Léon",
            "rue Myrha",
            "marché Dejean",
            "métro Château Rouge",
            "rue Polonceau",
        ),
        concerns=(
            (_T.PROPRETE, 1.4),
            (_T.LOGEMENT, 1.2),
            (_T.SECURITE, 0.8),
            (_T.COMMERCES, 0.5),
            (_T.TRANSPORTS, -0.7),
        ),
    ),
    TerritoryProfile(
        key="vincennes",
        name="Vincennes centre",
        commune="Vincennes",
        qpv=False,
        places=("rue du Midi", "château de Vincennes", "gare RER A", "cours Marigny", "bois"),
        concerns=(
            (_T.TRANSPORTS, 0.7),
            (_T.ENVIRONNEMENT, 0.6),
            (_T.COMMERCES, 0.3),
            (_T.LOGEMENT, -0.8),
            (_T.SECURITE, -0.6),
            (_T.PROPRETE, -0.5),
        ),
    ),
    TerritoryProfile(
        key="francs-moisins",
        name="Les Francs-Moisins",
        commune="Saint-Denis",
        qpv=True,
        places=("canal Saint-Denis", "gare du Stade de France", "la dalle", "le city-stade"),
        concerns=(
            (_T.LOGEMENT, 1.4),
            (_T.TRANSPORTS, 1.0),
            (_T.SERVICES_PUBLICS, 0.8),
            (_T.JEUNESSE, 0.8),
            (_T.SANTE, 0.6),
        ),
    ),
    TerritoryProfile(
        key="4000",
        name="La Cité des 4000",
        commune="La Courneuve",
        qpv=True,
        places=(
            "parc Georges-Valbon",
            "tramway T1",
            "mail de Fontenay",
            "marché des Quatre-Routes",
        ),
        concerns=(
            (_T.LOGEMENT, 1.2),
            (_T.TRANSPORTS, 1.2),
            (_T.JEUNESSE, 1.0),
            (_T.SERVICES_PUBLICS, 1.0),
            (_T.SECURITE, 0.6),
        ),
    ),
    TerritoryProfile(
        key="val-de-seine",
        name="Issy – Val de Seine",
        commune="Issy-les-Moulineaux",
        qpv=False,
        places=("île Saint-Germain", "tramway T2", "gare Issy – Val de Seine", "fort d'Issy"),
        concerns=(
            (_T.ENVIRONNEMENT, 0.8),
            (_T.TRANSPORTS, 0.6),
            (_T.NUMERIQUE, 0.5),
            (_T.LOGEMENT, -0.5),
            (_T.PROPRETE, -0.5),
            (_T.SECURITE, -0.4),
        ),
    ),
    TerritoryProfile(
        key="courtillieres",
        name="Les Courtillières",
        commune="Pantin",
        qpv=True,
        places=("le Serpentin", "parc des Courtillières", "métro Fort d'Aubervilliers"),
        concerns=(
            (_T.LOGEMENT, 1.2),
            (_T.TRANSPORTS, 1.2),
            (_T.COMMERCES, 0.9),
            (_T.JEUNESSE, 0.6),
            (_T.ECOLE, 0.5),
        ),
    ),
)


def territories(count: int) -> tuple[TerritoryProfile, ...]:
    """The first ``count`` territories; a ``ValueError`` in French when there are not that many."""
    if not 1 <= count <= len(TERRITORIES):
        raise ValueError(
            f"Le nombre de territoires doit être compris entre 1 et {len(TERRITORIES)}."
        )
    return TERRITORIES[:count]


def concern(territory: TerritoryProfile, theme: Theme) -> float:
    return next((shift for t, shift in territory.concerns if t is theme), 0.0)


# --- people -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic participant. ``leaning`` (±0.4..1) drives the divisive statements;
    ``activity`` (0.4..1) how much they write and react; ``late`` people arrive after seating."""

    pseudonym: str
    territory: TerritoryProfile
    role: ParticipantRole
    stays_seated: bool
    consent: bool
    leaning: float
    activity: float
    late: bool


_FIRST_NAMES: Final[tuple[str, ...]] = (
    "Fatou", "Aminata", "Awa", "Mariam", "Kadiatou", "Binta", "Hawa", "Aïssatou", "Fatoumata",
    "Karim", "Mohamed", "Rachid", "Samir", "Mehdi", "Sofiane", "Bilal", "Ilyes", "Yanis", "Nabil",
    "Yasmine", "Nadia", "Fatima", "Khadija", "Samira", "Leïla", "Inès", "Nour", "Malika", "Zohra",
    "Moussa", "Mamadou", "Ousmane", "Ibrahima", "Djibril", "Adama", "Sékou", "Boubacar", "Lassana",
    "Julie", "Sophie", "Léa", "Camille", "Chantal", "Martine", "Sylvie", "Nathalie", "Claire",
    "Thomas", "Nicolas", "Julien", "Kévin", "Jean-Pierre", "Michel", "Patrick", "Bernard", "Hugo",
    "Marie-Claire", "Monique", "Françoise", "Jeanne", "Ludovic", "Murielle", "Josiane", "Fabrice",
    "João", "Manuel", "Ana", "Maria", "Rui", "Fernanda", "Mei", "Wei", "Xiaoling", "Thi Lan",
    "Minh", "Anh", "Tharshan", "Kavitha", "Priya", "Rajesh", "Zeynep", "Emre", "Elif", "Mustafa",
    "Ryan", "Dylan", "Sarah", "Lina", "Amel", "Anissa", "Rayan", "Assa", "Koffi", "Grâce", "Bintou",
    "Ophélie", "Daniel", "Esther", "Salomé", "David", "Haïm", "Dorcas", "Emmanuel", "Chérif",
)  # fmt: skip
_SURNAMES: Final[tuple[str, ...]] = (
    "Lefèvre", "Diallo", "Traoré", "Benali", "Martin", "Nguyen", "Da Silva", "Haddad", "Konaté",
    "Bernard", "Mendy", "Ferreira", "Cissé", "Petit", "Yilmaz", "Chevalier", "Bouzid", "Sissoko",
    "Moreau", "Camara", "Laurent", "Mansouri", "Fofana", "Rousseau", "Zhang", "Sylla", "Garnier",
    "Keïta", "Dubois", "Belkacem", "Coulibaly", "Lemoine", "Pereira", "Tran", "Kouassi", "Roux",
)  # fmt: skip
_ROLE_SHARES: Final[tuple[tuple[ParticipantRole, float], ...]] = (
    (ParticipantRole.ELU, 0.10),
    (ParticipantRole.TECHNICIEN, 0.10),
    (ParticipantRole.AUTRE, 0.10),
)
STAYS_SEATED_SHARE: Final = 0.02
LATE_SHARE: Final = 0.10
CONSENT_SHARE: Final = 0.4


def people(
    rng: random.Random, count: int, room: tuple[TerritoryProfile, ...]
) -> tuple[Person, ...]:
    """``count`` people spread evenly over ``room``, in the order they arrive."""
    per_territory = [count // len(room) + (i < count % len(room)) for i in range(len(room))]
    roles = [role for share in per_territory for role in _roles(rng, share)]
    homes = [t for t, share in zip(room, per_territory, strict=True) for _ in range(share)]
    order = list(range(count))
    rng.shuffle(order)
    seated = set(rng.sample(order, round(count * STAYS_SEATED_SHARE)))
    late = set(rng.sample(order, round(count * LATE_SHARE)))
    taken: set[str] = set()
    return tuple(
        Person(
            pseudonym=_pseudonym(rng, taken),
            territory=homes[i],
            role=roles[i],
            stays_seated=i in seated,
            consent=rng.random() < CONSENT_SHARE,
            leaning=rng.choice((-1, 1)) * rng.uniform(0.4, 1.0),
            activity=rng.uniform(0.4, 1.0),
            late=i in late,
        )
        for i in order
    )


def _roles(rng: random.Random, count: int) -> list[ParticipantRole]:
    """About 70 % habitant·e·s and 10 % of each other role, shuffled."""
    roles = [role for role, share in _ROLE_SHARES for _ in range(round(count * share))]
    roles += [ParticipantRole.HABITANT] * (count - len(roles))
    rng.shuffle(roles)
    return roles


def _pseudonym(rng: random.Random, taken: set[str]) -> str:
    """A fresh pseudonym: "Fatou D.", "Karim" or "Mme Lefèvre", never one already taken."""
    for attempt in range(100):
        form = rng.random()
        if form < 0.5:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)[0]}."
        elif form < 0.8:
            name = rng.choice(_FIRST_NAMES)
        else:
            name = f"{rng.choice(('Mme', 'M.'))} {rng.choice(_SURNAMES)}"
        if attempt >= 50:
            name = f"{name} {attempt}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
    raise ValueError("Impossible de trouver un pseudonyme libre.")


# --- the bank of statements ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankStatement:
    """A statement someone may write. ``variant`` is how a second table words the same thing."""

    key: str
    theme: Theme
    kind: StatementKind
    text: str
    base: float = 0.6  # the room's mean position before territory, role and leaning
    salience: float = 1.0  # how much the territory's concern for the theme counts
    lean: float = 0.0  # how much the person's leaning counts (divisive statements)
    spread: float = 0.7  # individual noise
    variant: str | None = None

    @property
    def off_topic(self) -> bool:
        return self.theme is Theme.HORS_SUJET


_P, _I = StatementKind.PROBLEM, StatementKind.IDEA


class _Model(TypedDict, total=False):
    base: float
    salience: float
    lean: float
    spread: float


def _s(
    key: str,
    theme: Theme,
    kind: StatementKind,
    text: str,
    variant: str | None = None,
    **model: Unpack[_Model],
) -> BankStatement:
    return BankStatement(key=key, theme=theme, kind=kind, text=text, variant=variant, **model)


# Consensual statements: agreed on everywhere, whatever the territory.
_CONSENSUAL: Final[_Model] = {"base": 1.5, "salience": 0.3, "spread": 0.5}

BANK: Final[tuple[BankStatement, ...]] = (
    # transports
    _s("bus-bondes", _T.TRANSPORTS, _P,
       "Les bus sont bondés aux heures de pointe et passent trop rarement le soir."),
    _s("nuit-sans-transport", _T.TRANSPORTS, _P,
       "Après minuit, il n'y a plus aucun transport pour rentrer chez soi."),
    _s("ascenseurs-gares", _T.TRANSPORTS, _P,
       "Les ascenseurs des gares sont souvent en panne : impossible d'y passer en fauteuil.",
       **_CONSENSUAL),
    _s("rer-sature", _T.TRANSPORTS, _P,
       "Le RER est saturé et les retards nous font perdre des heures chaque semaine."),
    _s("bus-banlieue-nuit", _T.TRANSPORTS, _I,
       "Créer des bus de nuit qui relient les villes de banlieue sans passer par Paris.",
       base=0.8),
    _s("pistes-cyclables", _T.TRANSPORTS, _I,
       "Relier les communes de la petite couronne par des pistes cyclables séparées des voitures.",
       base=0.3, lean=-0.8),
    _s("navigo-jeunes", _T.TRANSPORTS, _I,
       "Baisser le prix du passe Navigo pour les jeunes et les demandeurs d'emploi.",
       base=0.9),
    # logement
    _s("insalubrite", _T.LOGEMENT, _P,
       "Beaucoup de logements sont insalubres : humidité, moisissures, punaises de lit.",
       base=0.5, salience=1.2,
       variant="Nos appartements sont pleins de moisissures et personne ne répare."),
    _s("ascenseurs-immeubles", _T.LOGEMENT, _P,
       "Les ascenseurs des immeubles restent en panne pendant des semaines."),
    _s("attente-logement-social", _T.LOGEMENT, _P,
       "Il faut attendre plus de dix ans pour obtenir un logement social."),
    _s("loyers", _T.LOGEMENT, _P,
       "Les loyers augmentent et les familles doivent quitter le quartier.",
       base=1.2, salience=0.4),
    _s("permanence-bailleurs", _T.LOGEMENT, _I,
       "Tenir chaque semaine dans le quartier une permanence commune bailleurs-locataires.",
       base=0.7),
    _s("locataires-travaux", _T.LOGEMENT, _I,
       "Associer les locataires aux décisions sur les travaux de rénovation de leur immeuble.",
       base=0.9),
    _s("logements-sociaux-partout", _T.LOGEMENT, _I,
       "Construire davantage de logements sociaux dans les communes qui en ont peu.",
       base=0.3, lean=-1.2),
    # propreté
    _s("depots-sauvages", _T.PROPRETE, _P,
       "Les dépôts sauvages d'encombrants s'accumulent au pied des immeubles.",
       variant="Des matelas et des meubles traînent sur les trottoirs toute la semaine."),
    _s("poubelles", _T.PROPRETE, _P,
       "Les rues sont sales et les poubelles débordent le week-end."),
    _s("rats", _T.PROPRETE, _P,
       "Il y a des rats dans les squares et près des écoles."),
    _s("nettoyage-habitants", _T.PROPRETE, _I,
       "Organiser des journées de nettoyage avec les habitants et les services de la ville.",
       base=0.5),
    _s("collecte-encombrants", _T.PROPRETE, _I,
       "Passer ramasser les encombrants gratuitement chaque semaine, sur simple appel.",
       base=1.0),
    # sécurité
    _s("trafic", _T.SECURITE, _P,
       "Le trafic de drogue au pied des immeubles fait peur aux familles.",
       base=0.4, salience=1.2),
    _s("femmes-le-soir", _T.SECURITE, _P,
       "Les femmes ne se sentent pas en sécurité le soir dans les rues mal éclairées.",
       **_CONSENSUAL),
    _s("cameras", _T.SECURITE, _I,
       "Installer davantage de caméras de vidéoprotection dans les rues.",
       base=0.0, lean=1.6, spread=0.5),
    _s("police-proximite", _T.SECURITE, _I,
       "Remettre une police de proximité qui connaît les habitants.",
       base=0.7, lean=0.9),
    _s("eclairage", _T.SECURITE, _I,
       "Mieux éclairer les passages, les parkings et les halls d'immeuble.",
       **_CONSENSUAL),
    # jeunesse
    _s("lieux-jeunes", _T.JEUNESSE, _P,
       "Les jeunes n'ont aucun lieu où se retrouver le soir et le week-end.",
       variant="Le soir, les jeunes restent dans les halls : il n'y a nulle part où aller."),
    _s("stages", _T.JEUNESSE, _P,
       "Les jeunes du quartier ont du mal à trouver un stage ou un premier emploi.",
       base=0.9),
    _s("gymnases-soir", _T.JEUNESSE, _I,
       "Ouvrir les gymnases et les city-stades le soir, avec des animateurs.",
       base=0.9),
    _s("parrainage", _T.JEUNESSE, _I,
       "Créer un réseau de parrainage entre entreprises de la métropole et jeunes des quartiers.",
       base=1.1),
    # commerces
    _s("commerces-ferment", _T.COMMERCES, _P,
       "Les commerces de proximité ferment les uns après les autres."),
    _s("supermarche", _T.COMMERCES, _P,
       "Il n'y a pas de supermarché à prix abordable à distance de marche.",
       base=0.2),
    _s("vente-sauvette", _T.COMMERCES, _P,
       "La vente à la sauvette encombre les trottoirs près du métro.",
       base=0.1, lean=1.2),
    _s("loyers-commerciaux", _T.COMMERCES, _I,
       "Louer les rez-de-chaussée d'immeuble à prix modéré pour attirer des commerces utiles.",
       base=0.8),
    _s("marche-producteurs", _T.COMMERCES, _I,
       "Créer un marché de producteurs d'Île-de-France une fois par semaine.",
       base=0.6),
    # services publics
    _s("demarches-en-ligne", _T.SERVICES_PUBLICS, _P,
       "Tout se fait en ligne et beaucoup de gens sont perdus dans leurs démarches.",
       **_CONSENSUAL,
       variant="Les démarches sur internet, c'est trop compliqué pour nos parents."),
    _s("guichets-fermes", _T.SERVICES_PUBLICS, _P,
       "La Poste et la CAF ont fermé leurs guichets dans le quartier."),
    _s("prefecture", _T.SERVICES_PUBLICS, _P,
       "Il faut des mois pour obtenir un rendez-vous en préfecture.",
       base=0.9),
    _s("france-services", _T.SERVICES_PUBLICS, _I,
       "Ouvrir une maison France Services dans chaque quartier prioritaire.",
       base=0.8),
    _s("accueil-langues", _T.SERVICES_PUBLICS, _I,
       "Proposer un accueil en plusieurs langues dans les services municipaux.",
       base=0.4, lean=-0.6),
    # santé
    _s("medecins", _T.SANTE, _P,
       "Il n'y a plus assez de médecins généralistes et les délais sont énormes.",
       **_CONSENSUAL,
       variant="Impossible de trouver un médecin traitant qui prenne de nouveaux patients."),
    _s("urgences", _T.SANTE, _P,
       "Les urgences sont saturées et loin du quartier.",
       base=0.8),
    _s("centre-sante", _T.SANTE, _I,
       "Ouvrir un centre de santé municipal avec des médecins salariés.",
       base=1.0),
    _s("sante-mentale", _T.SANTE, _I,
       "Tenir des permanences de santé mentale pour les jeunes et les familles.",
       base=0.9),
    # école
    _s("profs-absents", _T.ECOLE, _P,
       "Les enseignants absents ne sont pas remplacés pendant des semaines.",
       base=0.9),
    _s("classes-surchargees", _T.ECOLE, _P,
       "Les classes sont surchargées et les bâtiments scolaires vétustes."),
    _s("aide-devoirs", _T.ECOLE, _I,
       "Ouvrir une aide aux devoirs gratuite dans chaque maison de quartier.",
       base=1.2),
    _s("rues-ecoles", _T.ECOLE, _I,
       "Fermer les rues des écoles aux voitures à l'entrée et à la sortie des classes.",
       base=0.4, lean=-1.0),
    # espaces verts et environnement
    _s("chaleur", _T.ENVIRONNEMENT, _P,
       "Il manque d'arbres et d'ombre quand il fait très chaud l'été.",
       **_CONSENSUAL),
    _s("squares-fermes", _T.ENVIRONNEMENT, _P,
       "Les squares ferment trop tôt les soirs d'été."),
    _s("pollution-autoroute", _T.ENVIRONNEMENT, _P,
       "La pollution de l'autoroute rend l'air irrespirable près des écoles.",
       base=0.5),
    _s("cours-oasis", _T.ENVIRONNEMENT, _I,
       "Transformer les cours d'école en îlots de fraîcheur ouverts au public le week-end.",
       base=1.0),
    _s("jardins-partages", _T.ENVIRONNEMENT, _I,
       "Créer des jardins partagés au pied des immeubles.",
       base=0.8),
    # numérique
    _s("pas-ordinateur", _T.NUMERIQUE, _P,
       "Beaucoup de familles n'ont ni ordinateur ni connexion correcte à la maison.",
       base=0.7),
    _s("reseau-mobile", _T.NUMERIQUE, _P,
       "Le réseau mobile passe mal dans certains immeubles.",
       base=0.2),
    _s("ateliers-numeriques", _T.NUMERIQUE, _I,
       "Ouvrir des ateliers numériques gratuits avec des médiateurs.",
       base=1.0),
    _s("guichet-humain", _T.NUMERIQUE, _I,
       "Garder toujours un guichet humain pour chaque démarche en ligne.",
       **_CONSENSUAL),
    # participation
    _s("pas-consultes", _T.PARTICIPATION, _P,
       "Les habitants ne sont jamais consultés avant les grands projets de rénovation urbaine.",
       base=1.0, salience=0.8),
    _s("conseils-citoyens", _T.PARTICIPATION, _P,
       "Les conseils citoyens existent sur le papier mais personne ne les connaît."),
    _s("voeux-conseil", _T.PARTICIPATION, _I,
       "Présenter chaque année au conseil municipal les préconisations des habitants.",
       **_CONSENSUAL),
    _s("budget-metropolitain", _T.PARTICIPATION, _I,
       "Créer un budget participatif métropolitain pour des projets entre quartiers.",
       base=0.8),
    # hors sujet: the facilitator hides them
    _s("cles", _T.HORS_SUJET, _P,
       "Quelqu'un a retrouvé un trousseau de clés près de l'entrée ?"),
    _s("canape", _T.HORS_SUJET, _P,
       "Je vends un canapé en bon état, venez me voir à la pause."),
    _s("cafe", _T.HORS_SUJET, _P,
       "Le café est froid à notre table."),
    _s("match", _T.HORS_SUJET, _P,
       "Qui regarde le match ce soir ?"),
)  # fmt: skip

OFF_TOPIC_SHARE: Final = 0.02


def choose_statement(rng: random.Random, person: Person, kind: StatementKind) -> BankStatement:
    """What ``person`` writes when asked for a problem or an idea: themes their territory cares
    about are likelier; now and then something off topic."""
    if rng.random() < OFF_TOPIC_SHARE:
        return rng.choice([s for s in BANK if s.off_topic])
    pool = [s for s in BANK if s.kind is kind and not s.off_topic]
    weights = [2.0 ** (2 * concern(person.territory, s.theme)) for s in pool]
    return rng.choices(pool, weights)[0]


# --- positions and grades -----------------------------------------------------------------------

# (role, kind) -> shift: officials defend what exists, technicians doubt what is new.
_ROLE_SHIFTS: Final[tuple[tuple[ParticipantRole, StatementKind, float], ...]] = (
    (ParticipantRole.HABITANT, _P, 0.2),
    (ParticipantRole.ELU, _P, -0.4),
    (ParticipantRole.ELU, _I, 0.2),
    (ParticipantRole.TECHNICIEN, _I, -0.3),
)
PASS_SHARE: Final = 0.07


def _expected(person: Person, statement: BankStatement) -> float:
    role_shift = next(
        (s for r, k, s in _ROLE_SHIFTS if r is person.role and k is statement.kind), 0.0
    )
    return (
        statement.base
        + statement.salience * concern(person.territory, statement.theme)
        + role_shift
        + statement.lean * person.leaning
    )


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def position(rng: random.Random, person: Person, statement: BankStatement) -> int | None:
    """``person``'s position on ``statement``, −2..+2, or ``None`` when they pass."""
    divisive_official = statement.lean and person.role is ParticipantRole.ELU
    if rng.random() < PASS_SHARE + 0.1 * bool(divisive_official):
        return None
    return _clamp(rng.gauss(_expected(person, statement), statement.spread), -2, 2)


def revised_position(
    rng: random.Random, person: Person, statement: BankStatement, first: int | None
) -> int:
    """A changed mind after the table talked: one step toward what they really think."""
    target = rng.gauss(_expected(person, statement), statement.spread / 2)
    if first is None:
        return _clamp(target, -2, 2)
    step = 1 if target > first or first == -2 else -1
    return first + step if -2 <= first + step <= 2 else first - step


_GRADE_CENTRES: Final[dict[int | None, float]] = {2: 5.4, 1: 4.3, 0: 2.9, -1: 1.6, -2: 0.4}


def ballot_grade(rng: random.Random, value: int | None) -> Grade:
    """A majority-judgment grade consistent with a position (a pass grades around Passable)."""
    return Grade(_clamp(rng.gauss(_GRADE_CENTRES.get(value, 2.5), 0.6), 0, 6))


# --- annotations, syntheses, the agenda ---------------------------------------------------------

_NOTES_ON_STATEMENT: Final[tuple[str, ...]] = (
    "Même problème chez nous : {place}.",
    "C'est surtout le soir que ça pose problème ({place}).",
    "Exemple concret chez nous : {place}, depuis plus d'un an.",
    "Il faudrait en parler au bailleur avant le prochain conseil de quartier.",
    "Qui est responsable : la ville, le département ou la métropole ?",
    "D'accord, mais qui paiera ? Il faut chiffrer.",
    "Les personnes âgées sont les premières touchées.",
)
_NOTES_FROM_ELSEWHERE: Final[tuple[str, ...]] = (
    "Vu aussi ailleurs dans la métropole : {place}.",
    "Ça existe déjà à côté ({place}) et ça marche bien.",
    "À comparer avec un autre quartier : {place}, la situation est proche.",
    "Quelqu'un d'un autre territoire raconte la même chose ({place}).",
)
_NOTES_ON_TABLE: Final[tuple[str, ...]] = (
    "Notre table propose une visite de terrain : {place}.",
    "On a manqué de temps pour parler de tout.",
    "Deux personnes de notre table ont besoin d'une traduction en arabe.",
    "Nous voulons inviter un technicien de la ville à la prochaine séance.",
    "On a comparé nos quartiers : beaucoup de points communs.",
)
_TAGS: Final[tuple[str, ...]] = (
    "urgent",
    "déjà vu ailleurs",
    "piste",
    "à vérifier",
    "jeunes",
    "femmes",
    "personnes âgées",
)


@dataclass(frozen=True, slots=True)
class Note:
    """The content of one annotation (its target is the simulator's business)."""

    text: str
    tags: tuple[str, ...]
    place: str | None


def annotation_for(
    rng: random.Random, place_from: TerritoryProfile, theme: Theme | None, *, elsewhere: bool
) -> Note:
    """A note on a statement of ``theme`` (on one's table when ``None``) that may name a place of
    ``place_from``: one's own territory, or another one (``elsewhere``) when rounds compare."""
    if theme is None:
        template = rng.choice(_NOTES_ON_TABLE)
    else:
        template = rng.choice(_NOTES_FROM_ELSEWHERE if elsewhere else _NOTES_ON_STATEMENT)
    place = rng.choice(place_from.places) if "{place}" in template else None
    tags = tuple(rng.sample(_TAGS, rng.randint(0, 2)))
    if theme is not None:
        tags = (theme.value, *tags)
    return Note(text=template.format(place=place), tags=tags, place=place)


_SYNTHESES: Final[tuple[str, ...]] = (
    "Table {table} : nous avons surtout parlé de {theme}. Ce qui revient le plus : « {text} »",
    "À la table {table}, {territories} territoires sont d'accord sur un point : « {text} »",
    "Synthèse de la table {table} : {theme} avant tout. Nous retenons « {text} »",
    "Table {table} : le sujet {theme} touche tous nos quartiers. Priorité : « {text} »",
)
_SYNTHESIS_WITHOUT_STATEMENT: Final = (
    "Table {table} : nous avons surtout réagi aux énoncés des autres tables et comparé nos "
    "quartiers ({territories} territoires autour de la table)."
)


def synthesis_text(
    rng: random.Random, table: int, territories_at_table: int, retained: BankStatement | None
) -> str:
    """What a host writes for the harvest, around the statement the table retained (if any)."""
    if retained is None:
        return _SYNTHESIS_WITHOUT_STATEMENT.format(table=table, territories=territories_at_table)
    return rng.choice(_SYNTHESES).format(
        table=table,
        theme=retained.theme.value,
        territories=territories_at_table,
        text=retained.text,
    )


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One round and what people do in it: write ``writes`` (or nothing), at ``write_rate``
    statements per person, and annotate with places of other territories if ``compares``."""

    kind: RoundKind
    prompt: str
    minutes: int
    writes: StatementKind | None
    write_rate: float
    compares: bool


# The default prompts, shown on every tablet: in French typography (U+202F before ?, U+00A0
# before :), as the client's draft of the same session (clients/tablet/src/home/defaults.ts).
_TABLE_ROUNDS: Final[tuple[AgendaItem, ...]] = (
    AgendaItem(RoundKind.TABLE, "Quels problèmes vivez-vous dans votre quartier\u202f?",
               25, writes=_P, write_rate=0.35, compares=False),
    AgendaItem(RoundKind.TABLE, "Ces problèmes existent-ils ailleurs dans la métropole\u202f?",
               25, writes=_P, write_rate=0.12, compares=True),
    AgendaItem(RoundKind.TABLE, "Quelles solutions proposer\u202f?",
               25, writes=_I, write_rate=0.35, compares=True),
    AgendaItem(RoundKind.TABLE, "Quelles ressources existent déjà près de chez vous\u202f?",
               20, writes=_I, write_rate=0.2, compares=True),
    AgendaItem(RoundKind.TABLE, "Qui peut agir, et avec quels moyens\u202f?",
               20, writes=_I, write_rate=0.15, compares=True),
)  # fmt: skip
VOTE_ROUND: Final = AgendaItem(
    RoundKind.VOTE,
    "Vote\u00a0: quelles préconisations pour le conseil municipal\u202f?",
    20,
    None,
    0.0,
    False,
)
MAX_ROUNDS: Final = len(_TABLE_ROUNDS) + 1
TABLE_ROUNDS: Final = _TABLE_ROUNDS  # for a session the simulator plays but did not create


def agenda(rounds: int) -> tuple[AgendaItem, ...]:
    """``rounds - 1`` table rounds then the vote; a ``ValueError`` in French when out of range."""
    if not 2 <= rounds <= MAX_ROUNDS:
        raise ValueError(f"Le nombre de manches doit être compris entre 2 et {MAX_ROUNDS}.")
    return (*_TABLE_ROUNDS[: rounds - 1], VOTE_ROUND)
