"""The second half of counting: each minute, Redis's counts are added to the database, exactly once.

1. `counts_take`: a Lua script renames the two hashes to ones named by a new token and files the
   token in a set, in one atomic step: a beacon counts either in this fold or the next.
2. `token_store`, for each token in the set (this one, and any a fold that died left behind), in one
   transaction: unless a Fold row with that token exists (that fold committed but died
   before cleaning up), the counts of public stories are added to StoryHour and
   StoryReferrer and a Fold row is written with the token.
3. `token_forget`: the renamed hashes are deleted, then the token.

A beacon for a story that is not public now (a draft, an unknown or deleted id) is
dropped here and counted in Fold.dropped. Two folds at once are safe: the rows they
update are locked (select_for_update), a clash on a new row or on the token's Fold row
rolls one back and it starts again, and then finds the token stored.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article

from . import counting
from .models import Fold, StoryHour, StoryReferrer

logger = logging.getLogger(__name__)

FOLDS = "folds"
KEEP_FOLD_RECORDS = timedelta(days=7)
ATTEMPTS = 3

_TAKE = """
for i = 1, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('RENAME', KEYS[i], KEYS[i + 2]) end
end
redis.call('SADD', KEYS[5], ARGV[1])
return 1
"""


def _taken(token: str, name: str) -> str:
    return counting.key(f"folding:{token}:{name}")


@dataclass
class FoldResult:
    views: int = 0
    dropped: int = 0
    tokens: int = 0


def readership_fold() -> FoldResult:
    """Add every count waiting in Redis to the database; what a fold before this one left, too."""
    redis = counting.client()
    counts_take(redis)
    result = FoldResult()
    for pending in sorted(member.decode() for member in redis.smembers(counting.key(FOLDS))):
        fold = token_store(redis, pending)
        if fold is not None:
            result.views += fold.views
            result.dropped += fold.dropped
        result.tokens += 1
        token_forget(redis, pending)
    Fold.objects.filter(folded_at__lt=timezone.now() - KEEP_FOLD_RECORDS).delete()
    return result


def counts_take(redis) -> str:
    """Step 1: rename the waiting counts to hashes named by a new token, filed among the pending ones."""
    token = f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(6)}"
    keys = [counting.key(counting.VIEWS), counting.key(counting.REFERRERS)]
    redis.eval(_TAKE, 5, *keys, _taken(token, counting.VIEWS), _taken(token, counting.REFERRERS),
               counting.key(FOLDS), token)  # fmt: skip
    return token


def token_store(redis, token: str) -> Fold | None:
    """Step 2: add a token's counts to the tables; None if a fold stored that token already."""
    views = _read(redis, _taken(token, counting.VIEWS))
    return _store(token, views, _read(redis, _taken(token, counting.REFERRERS)))


def token_forget(redis, token: str) -> None:
    """Step 3: delete a stored token's hashes, then the token (a fold that dies in between is harmless)."""
    redis.delete(_taken(token, counting.VIEWS), _taken(token, counting.REFERRERS))
    redis.srem(counting.key(FOLDS), token)


def _read(redis, name: str) -> dict[str, int]:
    return {field.decode(): int(count) for field, count in redis.hgetall(name).items()}


def _store(token: str, views: dict[str, int], referrers: dict[str, int]) -> Fold | None:
    """Write one token's counts in one transaction; None if that token was stored already."""
    hours = _parse_hours(views)
    days = _parse_days(referrers)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                if Fold.objects.filter(token=token).exists():
                    return None
                public = set(
                    Article.objects.published()
                    .filter(pk__in={story for story, _ in hours} | {story for story, _, _ in days})
                    .values_list("pk", flat=True)
                )
                added = _add(StoryHour, "hour", {k: n for k, n in hours.items() if k[0] in public})
                _add(StoryReferrer, ("day", "domain"), {k: n for k, n in days.items() if k[0] in public})
                return Fold.objects.create(token=token, views=added, dropped=sum(hours.values()) - added)
        except IntegrityError:  # another fold created one of the same rows first: start again
            if attempt == ATTEMPTS - 1:
                raise
    return None


def _parse_hours(fields: dict[str, int]) -> Counter:
    counts: Counter = Counter()
    for field, n in fields.items():
        story, _, stamp = field.partition(":")
        try:
            counts[int(story), datetime.strptime(stamp, "%Y%m%d%H").replace(tzinfo=UTC)] += n
        except ValueError:
            logger.warning("Readership: skipped a malformed count %r.", field)
    return counts


def _parse_days(fields: dict[str, int]) -> Counter:
    counts: Counter = Counter()
    for field, n in fields.items():
        story, _, rest = field.partition(":")
        stamp, _, domain = rest.partition(":")
        try:
            counts[int(story), datetime.strptime(stamp, "%Y%m%d").date(), domain] += n
        except ValueError:
            logger.warning("Readership: skipped a malformed count %r.", field)
    return counts


def _add(model, when, counts: dict[tuple, int]) -> int:
    """Add `counts` (keyed by (story, *when)) to `model`'s rows, creating the missing ones."""
    if not counts:
        return 0
    names = (when,) if isinstance(when, str) else when
    # A superset (these stories at these times), narrowed in Python: one short query, not an OR per row.
    rows = model.objects.select_for_update().filter(
        article_id__in={key[0] for key in counts}, **{f"{names[0]}__in": {key[1] for key in counts}}
    )
    existing = {}
    for row in rows:
        row_key = (row.article_id, *(getattr(row, name) for name in names))
        if row_key in counts:
            existing[row_key] = row
    for row_key, row in existing.items():
        row.views += counts[row_key]
    model.objects.bulk_update(existing.values(), ["views"], batch_size=500)
    model.objects.bulk_create(
        [
            model(article_id=story, views=n, **dict(zip(names, values, strict=True)))
            for (story, *values), n in counts.items()
            if (story, *values) not in existing
        ],
        batch_size=500,
    )
    return sum(counts.values())


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def today() -> date:
    return timezone.now().astimezone(UTC).date()
