"""Mail for organisers: invitations and reset links, sent when the server is told how.

``METROKAWA_SMTP_URL`` (``smtp://user:password@host:587``, STARTTLS when the server offers it;
``smtps://…:465``, TLS from the start) and ``METROKAWA_MAIL_FROM`` (the sender's address) both
set: the one-time links are also mailed. Neither set: nothing is sent, the link is shown (page,
terminal) and the organiser passes it on. ``smtplib`` blocks, so the web pages send from a thread.
A failure is logged without the message (it holds the link) and said on the page.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import Final
from urllib.parse import unquote, urlsplit

from session_engine.typography import typeset

from .organisers import LINK_LIFETIME_MS, LinkKind

__all__ = ["MAIL_FROM_VARIABLE", "SMTP_URL_VARIABLE", "Mailer", "link_message"]

SMTP_URL_VARIABLE: Final = "METROKAWA_SMTP_URL"
MAIL_FROM_VARIABLE: Final = "METROKAWA_MAIL_FROM"
TIMEOUT_S: Final = 15.0

log = logging.getLogger("metrokawa.mail")


class Mailer:
    def __init__(self, url: str, sender: str) -> None:
        # The refusal never repeats the URL: it may hold a password.
        refusal = (
            f"{SMTP_URL_VARIABLE} n'est pas une adresse smtp://utilisateur:mot-de-passe@hôte:port "
            "ni smtps://…"
        )
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:  # not a number, or out of range
            raise ValueError(refusal) from None
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(refusal)
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.sender = sender

    @classmethod
    def from_environment(cls) -> Mailer | None:
        url, sender = os.environ.get(SMTP_URL_VARIABLE), os.environ.get(MAIL_FROM_VARIABLE)
        return cls(url, sender) if url and sender else None

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
        with smtp:
            smtp.ehlo()
            if not self.tls and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)

    async def send_link(self, to: str, kind: LinkKind, link: str, *, by: str | None) -> bool:
        """Mail a one-time link from a thread; False (logged, without the link) if it failed."""
        subject, body = link_message(kind, link, by=by)
        try:
            await asyncio.to_thread(self.send, to, subject, body)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail to an organiser not sent: %s", type(error).__name__)
            return False
        return True


def link_message(kind: LinkKind, link: str, *, by: str | None) -> tuple[str, str]:
    """The subject and text of the mail carrying a one-time link, in French."""
    hours = LINK_LIFETIME_MS // 3_600_000
    who = by or "L'équipe Métrokawa"
    if kind is LinkKind.SET:
        subject = "Métrokawa : votre compte d'organisateur·rice"
        opening = f"{who} vous a ouvert un compte d'organisateur·rice sur Métrokawa."
        action = "Choisissez votre mot de passe"
    else:
        subject = "Métrokawa : changer votre mot de passe"
        opening = f"{who} vous envoie un lien pour changer votre mot de passe Métrokawa."
        action = "Choisissez un nouveau mot de passe"
    body = (
        f"Bonjour,\n\n{opening}\n\n{action} ici (lien valable {hours} heures, une seule fois) :\n"
        f"{link}\n\nSi vous n'attendiez pas ce message, ignorez-le.\n"
    )
    return typeset(subject), typeset(body)
