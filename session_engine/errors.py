"""Rejections: a command that cannot be applied, with a stable code and a sentence for people.

The code is the contract (clients switch on it, tests assert it); the French sentence is what a
participant reads, the English one is for the language switch. A rejection changes nothing.
"""

from __future__ import annotations

import msgspec

__all__ = ["MESSAGES", "CommandRejected", "Rejected"]

# code -> (French, English). Every code ``decide`` can return is here, and nothing else. The
# French is typeset (U+202F before ? ! ;, U+00A0 before : and inside « »): clients show it as is.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_allowed": (
        "Vous n’avez pas le droit de faire cela.",
        "You are not allowed to do this.",
    ),
    "bad_request": ("La demande est incomplète ou invalide.", "The request is invalid."),
    "text_too_long": ("Le texte est trop long.", "The text is too long."),
    "unknown_session": ("Cette session n’existe pas encore.", "This session does not exist yet."),
    "already_created": ("La session existe déjà.", "The session already exists."),
    "session_closed": ("La session est terminée.", "The session is over."),
    "already_closed": ("C’est déjà fermé.", "It is already closed."),
    "unknown_territory": ("Ce territoire n’existe pas.", "Unknown territory."),
    "pseudonym_taken": (
        "Ce pseudonyme est déjà pris. Choisissez-en un autre.",
        "This pseudonym is taken. Choose another one.",
    ),
    "too_few_participants": (
        "Il faut au moins deux participants pour former des tables.",
        "At least two participants are needed to seat tables.",
    ),
    "already_seated": ("Les tables sont déjà formées.", "Tables are already seated."),
    "not_seated": ("Les tables ne sont pas encore formées.", "Tables are not seated yet."),
    "round_running": ("Une manche est en cours.", "A round is running."),
    "round_paused": ("La manche est en pause.", "The round is paused."),
    "round_closed": ("Aucune manche n’est ouverte.", "No round is open."),
    "agenda_done": (
        "Toutes les manches du programme ont eu lieu.",
        "Every round of the agenda has taken place.",
    ),
    "not_due": ("L’heure de fin n’est pas encore arrivée.", "The deadline has not come yet."),
    "unknown_statement": ("Cet énoncé n’existe pas.", "Unknown statement."),
    "not_published": ("Cet énoncé n’est pas publié.", "This statement is not published."),
    "already_published": ("Cet énoncé est déjà publié.", "This statement is already published."),
    "already_hidden": ("Cet énoncé est déjà masqué.", "This statement is already hidden."),
    "already_merged": (
        "Cet énoncé a été fusionné avec un autre.",
        "This statement was merged into another.",
    ),
    "unknown_table": ("Cette table n’existe pas.", "Unknown table."),
    "already_promoted": (
        "Cet énoncé est déjà une proposition.",
        "This statement is already a proposal.",
    ),
    "unknown_proposal": ("Cette proposition n’existe pas.", "Unknown proposal."),
    "vote_open": ("Un vote est déjà ouvert.", "A vote is already open."),
    "unknown_vote": ("Ce vote n’existe pas.", "Unknown vote."),
    "vote_closed": ("Le vote est fermé.", "The vote is closed."),
    "vote_still_open": (
        "Le vote est encore ouvert\u00a0: fermez-le pour montrer son résultat.",
        "The vote is still open: close it to show its result.",
    ),
    "nothing_shown": ("Aucun résultat n’est affiché.", "No result is on show."),
    "already_voted": (
        "Vous avez déjà donné une mention à cette proposition.",
        "You have already graded this proposal.",
    ),
    "not_adopted": (
        "Cette proposition n’est pas adoptée\u00a0: il faut un vote fermé "
        "et au moins la mention «\u00a0Assez bien\u00a0».",
        "This proposal is not adopted: it needs a closed vote and at least the grade Assez bien.",
    ),
    "already_voeu": ("Cette proposition est déjà un vœu.", "This proposal is already a vœu."),
    "consent_open": (
        "Un tour de consentement est déjà ouvert.",
        "A consent round is already open.",
    ),
    "unknown_consent": ("Ce tour de consentement n’existe pas.", "Unknown consent round."),
    "consent_closed": ("Le tour de consentement est terminé.", "The consent round is over."),
    "unknown_objection": ("Cette objection n’existe pas.", "Unknown objection."),
    "already_resolved": ("Cette objection est déjà levée.", "This objection is already resolved."),
    "objections_pending": (
        "Des objections ne sont pas encore levées.",
        "Some objections are not resolved yet.",
    ),
    "unknown_cofacilitator": (
        "Ce lien de co-animation n’existe pas.",
        "Unknown co-facilitator link.",
    ),
    "already_revoked": (
        "Ce lien de co-animation est déjà retiré.",
        "This co-facilitator link is already revoked.",
    ),
    "too_many_cofacilitators": (
        "Il y a déjà 20 liens de co-animation en service\u00a0: retirez-en un d’abord.",
        "There are already 20 co-facilitator links in use: revoke one first.",
    ),
    # Live changes on the night.
    "unknown_participant": (
        "Cette personne n’est pas (ou plus) dans la session.",
        "This person is not (or no longer) in the session.",
    ),
    "already_host": (
        "Cette personne est déjà l’hôte de sa table.",
        "This person already hosts their table.",
    ),
    "already_at_table": (
        "Cette personne est déjà à cette table.",
        "This person is already at this table.",
    ),
    "unknown_round": ("Ce tour n’existe pas.", "Unknown round."),
    "round_started": (
        "Ce tour a déjà commencé\u00a0: on ne peut plus le changer.",
        "This round has already started: it can no longer be changed.",
    ),
    "agenda_empty": (
        "Le programme doit garder au moins un tour.",
        "The agenda must keep at least one round.",
    ),
    "limit_reached": (
        "La limite est atteinte\u00a0: 20 tours et 12 territoires au plus.",
        "The limit is reached: 20 rounds and 12 territories at most.",
    ),
    "territory_exists": (
        "Un territoire porte déjà ce nom.",
        "A territory already has this name.",
    ),
    # People without a phone.
    "not_at_table": (
        "Cette personne n’est pas à votre table.",
        "This person is not at your table.",
    ),
    "unknown_tablet": ("Cette tablette de table n’existe pas.", "Unknown table tablet."),
    "tablet_revoked": (
        "Le lien de cette tablette de table est déjà retiré.",
        "This table tablet’s link is already revoked.",
    ),
    "too_many_tablets": (
        "Il y a déjà 100 tablettes de table en service : retirez-en une d’abord.",
        "There are already 100 table tablets in use: revoke one first.",
    ),
    "unknown_programme": ("Ce programme n’existe pas.", "Unknown programme."),
    "already_added": ("C’est déjà fait.", "It is already there."),
    "bad_date": (
        "La date n’est pas valide (jour, mois, année).",
        "The date is not valid (YYYY-MM-DD).",
    ),
    "already_imported": (
        "Cet énoncé a déjà été importé dans cette séance.",
        "This statement was already imported into this session.",
    ),
    "forum_no_rounds": (
        "Le forum numérique n’a ni tables ni manches\u00a0: chacun écrit quand il veut.",
        "The online forum has no tables nor rounds: people write whenever they like.",
    ),
    "unknown_theme": (
        "Ce thème n’est pas un des thèmes du forum.",
        "This theme is not one of the forum's themes.",
    ),
    "unknown_voeu": ("Ce vœu n’existe pas.", "Unknown vœu."),
    "bad_transition": (
        "Ce vœu ne peut pas passer directement à cette étape.",
        "This vœu cannot move to that step from where it is.",
    ),
    "council_missing": (
        "Indiquez le conseil municipal où le vœu est déposé.",
        "Say which municipal council the vœu is tabled at.",
    ),
    "bad_link": (
        "Le lien doit commencer par https:// ou http://.",
        "The link must start with https:// or http://.",
    ),
    "nothing_published": (
        "Publiez d’abord au moins une séance du programme.",
        "Publish at least one of the programme’s sessions first.",
    ),
    "not_closed": (
        "La séance n’est pas encore clôturée.",
        "The session is not closed yet.",
    ),
}


class Rejected(msgspec.Struct, frozen=True):
    """What ``decide`` returns instead of events when the command cannot be applied."""

    code: str
    message: str

    @classmethod
    def of(cls, code: str) -> Rejected:
        return cls(code, MESSAGES[code][0])

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]


class CommandRejected(Exception):
    """Raised by the rules inside ``decide``; ``decide`` turns it into a ``Rejected`` value."""

    def __init__(self, code: str) -> None:
        if code not in MESSAGES:  # our bug, not the sender's: every code needs its sentence
            raise KeyError(f"no message for rejection code {code!r}")
        super().__init__(code)
        self.code = code
