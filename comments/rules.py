"""Why a comment waits for a moderator, and when a reader must wait before posting again."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsroom.forms_on_cached_pages import seconds_to_wait as seconds_to_wait_for

from .models import BlockedTerm, Comment, HoldReason

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


def hold_reasons(*, text: str, name: str, email: str, url: str, ip: str | None, user=None) -> list[str]:
    """Every rule that holds this comment for a moderator; empty means publish it."""
    if user is not None and user.has_perm("comments.moderate_comment"):
        return []
    reasons = []
    if len(LINK.findall(text)) > settings.COMMENTS_HOLD_MAX_LINKS:
        reasons.append(HoldReason.LINKS)
    if blocked_terms(text=text, name=name, email=email, url=url):
        reasons.append(HoldReason.BLOCKLIST)
    if settings.COMMENTS_HOLD_FIRST_TIME and not is_known_commenter(email):
        reasons.append(HoldReason.FIRST_TIME)
    limit, seconds = settings.COMMENTS_HOLD_RATE
    since = timezone.now() - timedelta(seconds=seconds)
    same_sender = Q(user_email__iexact=email) | (Q(ip_address=ip) if ip else Q(pk__in=[]))
    if Comment.objects.filter(same_sender, submit_date__gte=since).count() >= limit:
        reasons.append(HoldReason.RATE)
    return [str(reason) for reason in reasons]


def is_known_commenter(email: str) -> bool:
    """Someone with a published comment under this address already."""
    return bool(email) and Comment.objects.visible().filter(user_email__iexact=email).exists()


def seconds_to_wait(*, ip: str | None, email: str) -> int:
    """Count one posting attempt; above COMMENTS_RATE_LIMIT, the seconds until the reader may post again.

    Per IP and per address, in the cache, so it also counts comments still waiting for
    their email confirmation.
    """
    limit, window = settings.COMMENTS_RATE_LIMIT
    senders = [who for who in (ip, email.lower()) if who]
    return max((seconds_to_wait_for("comments", who, limit, window) for who in senders), default=0)
