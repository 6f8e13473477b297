"""Why a comment waits for a moderator, and when a reader must wait before posting again."""

import re
import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsroom.forms_on_cached_pages import seconds_to_wait as seconds_to_wait_for

from .models import BlockedTerm, Comment, HoldReason

# Words that make a name pass for the newsroom's own people (the site's name is checked too).
STAFF_WORD = re.compile(
    r"editor(?:s|ial)?|newsroom|admin(?:s|istrator|istrators)?|moderator(?:s)?|staff(?:er|ers)?|official(?:s|ly)?"
)
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
HOST = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)


def _hosts(*texts: str) -> set[str]:
    hosts = set()
    for text in texts:
        for match in HOST.findall(text or ""):
            host = urlsplit(match if "://" in match else f"//{match}").hostname or ""
            hosts.add(host.lower().removeprefix("www."))
    return hosts


def blocked_terms(*, text: str, name: str, email: str, url: str) -> list[str]:
    """The blocklist entries this comment contains."""
    words = " ".join((text, name, email, url)).lower()
    hosts = _hosts(text, url) | {email.rpartition("@")[2].lower()}
    found = []
    for kind, term in BlockedTerm.objects.values_list("kind", "term"):
        if kind == BlockedTerm.Kind.DOMAIN:
            if any(host == term or host.endswith("." + term) for host in hosts):
                found.append(term)
        elif re.search(rf"(?<!\w){re.escape(term)}(?!\w)", words):
            found.append(term)
    return found


def _folded(text: str) -> str:
    """Lower case, without accents, invisible characters or compatibility forms ("Ｅｄｉｔｏｒ": "editor")."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def _words(text: str) -> set[str]:
    """The words of `text`, read both ways punctuation can hide them: "Editor-in-chief", "E.d.i.t.o.r"."""
    split = "".join(ch if ch.isalnum() else " " for ch in text).split()
    joined = "".join(ch for ch in text if ch.isalnum() or ch.isspace()).split()
    return {*split, *joined}


def looks_like_staff(name: str) -> bool:
    """A name that passes for the newsroom's people or the site itself ("Newsroom Editor (official)")."""
    folded = _folded(name)
    if any(STAFF_WORD.fullmatch(word) for word in _words(folded)):
        return True
    site_words = "".join(ch if ch.isalnum() else " " for ch in _folded(settings.SITE_NAME)).split()
    if len(site_words) > 1 and site_words[0] == "the":
        site_words = site_words[1:]
    site = "".join(site_words)
    return bool(site) and site in "".join(ch for ch in folded if ch.isalnum())


def hold_reasons(
    *,
    text: str,
    name: str,
    email: str,
    url: str,
    ip: str | None,
    user=None,
    proven: bool = False,
    trusted: bool = False,
) -> list[str]:
    """Every rule that holds this comment for a moderator; empty means publish it.

    `proven`: the author showed they own `email` (a signed-in account, this browser's
    trust cookie, or the confirmation link just pressed). Only then do earlier comments
    under that address count, so knowing someone's address is not enough to post as them.
    """
    if user is not None and user.has_perm("comments.moderate_comment"):
        return []
    reasons = []
    if len(LINK.findall(text)) > settings.COMMENTS_HOLD_MAX_LINKS:
        reasons.append(HoldReason.LINKS)
    if blocked_terms(text=text, name=name, email=email, url=url):
        reasons.append(HoldReason.BLOCKLIST)
    if settings.COMMENTS_HOLD_FIRST_TIME and not trusted and not (proven and is_known_commenter(email)):
        reasons.append(HoldReason.FIRST_TIME)
    if not (user is not None and user.is_staff) and looks_like_staff(name):
        reasons.append(HoldReason.STAFF_NAME)
    limit, seconds = settings.COMMENTS_HOLD_RATE
    since = timezone.now() - timedelta(seconds=seconds)
    same_sender = Q(user_email__iexact=email) | (Q(ip_address=ip) if ip else Q(pk__in=[]))
    if Comment.objects.filter(same_sender, submit_date__gte=since).count() >= limit:
        reasons.append(HoldReason.RATE)
    return [str(reason) for reason in reasons]


def is_known_commenter(email: str) -> bool:
    """An address with a published comment already. Not proof that the sender owns it (see hold_reasons)."""
    return bool(email) and Comment.objects.visible().filter(user_email__iexact=email).exists()


def seconds_to_wait(*, ip: str | None, email: str) -> int:
    """Count one posting attempt; above COMMENTS_RATE_LIMIT, the seconds until the reader may post again.

    Per IP and per address, in the cache, so it also counts comments still waiting for
    their email confirmation.
    """
    limit, window = settings.COMMENTS_RATE_LIMIT
    senders = [who for who in (ip, email.lower()) if who]
    return max((seconds_to_wait_for("comments", who, limit, window) for who in senders), default=0)
