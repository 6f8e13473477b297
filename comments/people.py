"""The people behind the comments: who is banned or trusted, and what one commenter has written.

A commenter is known by their email address (what every comment carries); bans and
trusts also match their IP address, the network it is in and their address's domain.
"""

import ipaddress
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Q

from .models import Comment, CommenterRule

Match = CommenterRule.Match
HISTORY_COMMENTS = 50


def normalise_rule_value(match: str, value: str) -> str:
    """The stored form of what a rule matches; a ValidationError with a message a moderator can act on."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Enter what to match.")
    if match == Match.EMAIL:
        validate_email(value)
        return value.lower()
    if match == Match.DOMAIN:
        domain = value.lower().rpartition("@")[2].removeprefix("www.").strip(".")
        if "." not in domain or not all(part.replace("-", "").isalnum() for part in domain.split(".")):
            raise ValidationError("Enter an email domain, such as example.com.")
        return domain
    if match == Match.IP:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise ValidationError("Enter an IP address, such as 203.0.113.7 or 2001:db8::1.") from None
    if match == Match.NETWORK:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValidationError("Enter a network, such as 203.0.113.0/24.") from None
        if network.prefixlen < (8 if network.version == 4 else 32):
            raise ValidationError("That network is too wide: use at least /8 (IPv4) or /32 (IPv6).")
        return str(network)
    raise ValidationError("Choose email, domain, IP or network.")


def _domains(email: str) -> list[str]:
    """example.com for a@news.example.com, and news.example.com itself."""
    host = email.lower().rpartition("@")[2]
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)] if "@" in email else []


def rules_for(*, email: str, ip: str | None) -> list[CommenterRule]:
    """The active bans and trusts that match this address or IP, in one query."""
    email = (email or "").strip().lower()
    matches = Q(match=Match.NETWORK)
    if email:
        matches |= Q(match=Match.EMAIL, value=email) | Q(match=Match.DOMAIN, value__in=_domains(email))
    address = None
    if ip:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            address = None
        else:
            matches |= Q(match=Match.IP, value=str(address))
    found = []
    for rule in CommenterRule.objects.active().filter(matches):
        if rule.match == Match.NETWORK:
            if address is None or address not in ipaddress.ip_network(rule.value):
                continue
        found.append(rule)
    return found


def verdict(*, email: str, ip: str | None, proven: bool) -> str | None:
    """ "ban", "trust" or None for a comment from this address and IP. A ban wins over a trust.

    A trust by email or domain counts only when the sender proved they own the address
    (`proven`, as in rules.hold_reasons); a trust by IP or network needs no proof. A ban
    needs none either way.
    """
    rules = rules_for(email=email, ip=ip)
    if any(rule.kind == CommenterRule.Kind.BAN for rule in rules):
        return CommenterRule.Kind.BAN
    for rule in rules:
        if rule.match in (Match.IP, Match.NETWORK) or proven:
            return CommenterRule.Kind.TRUST
    return None


@dataclass
class History:
    """One commenter, by email address: what they wrote and from where."""

    email: str
    counts: dict[str, int]  # by Status value: visible, held, removed, spam
    comments: list[Comment]
    names: list[str]
    ips: list[str]
    other_emails: list[str] = field(default_factory=list)  # other addresses seen from the same IPs
    rules: list[CommenterRule] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def commenter_history(*, email: str) -> History:
    """A commenter's counts per state, latest comments, names, IPs and matching rules: six queries."""
    email = email.strip().lower()
    theirs = Comment.objects.filter(user_email__iexact=email)
    counts = theirs.aggregate(
        visible=Count("pk", filter=Q(is_public=True, is_removed=False)),
        held=Count("pk", filter=Q(is_public=False, is_removed=False)),
        removed=Count("pk", filter=Q(is_removed=True, is_spam=False)),
        spam=Count("pk", filter=Q(is_removed=True, is_spam=True)),
    )
    comments = list(theirs.select_related(None).order_by("-submit_date", "-pk")[:HISTORY_COMMENTS])
    names = list(theirs.order_by("user_name").values_list("user_name", flat=True).distinct()[:50])
    ips = list(
        theirs.exclude(ip_address=None).order_by().values_list("ip_address", flat=True).distinct()[:50]
    )
    others = (
        Comment.objects.filter(ip_address__in=ips).exclude(user_email__iexact=email)
        .order_by().values_list("user_email", flat=True).distinct()[:50]
    ) if ips else []  # fmt: skip
    return History(
        email,
        counts,
        comments,
        names,
        sorted(ips),
        sorted({e.lower() for e in others}),
        _rules_matching(email, ips),
    )


def _rules_matching(email: str, ips: list[str]) -> list[CommenterRule]:
    """The active bans and trusts matching this address, its domain, or these IPs and their networks."""
    addresses = [ipaddress.ip_address(ip) for ip in ips]
    found = []
    matches = (
        Q(match=Match.EMAIL, value=email) | Q(match=Match.DOMAIN, value__in=_domains(email))
        | Q(match=Match.IP, value__in=[str(a) for a in addresses]) | Q(match=Match.NETWORK)
    )  # fmt: skip
    for rule in CommenterRule.objects.active().filter(matches).select_related("created_by"):
        if rule.match == Match.NETWORK:
            network = ipaddress.ip_network(rule.value)
            if not any(address in network for address in addresses):
                continue
        found.append(rule)
    return found
