"""Which beacons count: the rules the view applies before readership.counting records one.

A beacon is `story=<id>&ref=<domain>`, posted by static/js/site.js once a story is
shown. It is not counted when the reader asked not to be tracked (Sec-GPC: 1 or DNT: 1),
when its user agent is a known bot's (crawlerdetect's list) or missing, when another
site's page sent it (Sec-Fetch-Site), or when a signed-in member of staff read the
story. The referring site is kept as a domain name only; anything else is dropped.
"""

import functools
import re

from crawlerdetect import CrawlerDetect

MAX_STORY_ID = 2**31 - 1
# A host name: dot-separated labels of letters, digits and hyphens (IDNs arrive as punycode).
LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN = re.compile(rf"(?=.{{1,253}}\Z){LABEL}(\.{LABEL})*")

_detector = CrawlerDetect()


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """A known crawler, script or headless browser, or no user agent at all (every browser sends one)."""
    return not user_agent.strip() or _detector.is_crawler(user_agent)


def asked_not_to_be_counted(meta) -> bool:
    return meta.get("HTTP_SEC_GPC", "").strip() == "1" or meta.get("HTTP_DNT", "").strip() == "1"


def from_another_site(meta) -> bool:
    """A browser says where the request came from; a beacon from another site's page is not ours."""
    return meta.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none")


def story_id(value: str) -> int | None:
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_STORY_ID else None


def referring_domain(value: str, own_host: str) -> str:
    """The referring site's host, lower-case without "www."; "" for none, our own, or anything malformed."""
    host = value.strip().lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host or host == own_host.lower().removeprefix("www."):
        return ""
    return host if DOMAIN.fullmatch(host) else ""
