"""Rate limits on sign-in, sign-up, password reset and booking bursts.

The API and the web pages count against the same buckets, so an attacker
gains nothing by switching from one to the other.

Each limit is a named scope in ``settings.RATE_LIMITS`` (``"5/m"``: five per
minute) counted per key (a client address, an account, a patient) in Django's
cache, which is Redis when ``REDIS_URL`` is set, so every app process shares
the counts. ``RATELIMIT_ENABLE=0`` turns all of them off.

Why not ``ninja.throttling``: its throttles count every request before the
handler runs, while sign-in must count only failures (a user who types the
password right is never held back by an attacker's failures on another
account); its store rewrites a list per key with a read then a write, so two
processes can lose each other's counts; and it raises when the cache is down.
Here a fixed window per key is counted with the cache's atomic ``incr``, and a
cache outage lets requests through with a warning: a Redis outage must not stop
patients from signing in or booking (the limits come back with Redis).
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache

from domain.errors import RateLimited

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"5/m"``, ``"20/10m"`` or ``"100/h"`` into a count and a window."""
        count, _, period = text.partition("/")
        amount = period[:-1] or "1"
        if not count.isdigit() or not amount.isdigit() or period[-1:] not in _UNITS:
            raise ValueError(f"invalid rate {text!r}")
        return cls(int(count), int(amount) * _UNITS[period[-1]])


@dataclass(frozen=True)
class Bucket:
    """One counter: a scope from settings and the key it is counted by."""

    scope: str
    key: str

    def rate(self) -> Rate:
        return Rate.parse(settings.RATE_LIMITS[self.scope])

    def cache_key(self, now: float) -> tuple[str, int]:
        rate = self.rate()
        window = int(now // rate.seconds)
        # Keys may be e-mail addresses; only a digest goes into the cache.
        digest = hashlib.sha256(self.key.lower().encode()).hexdigest()[:32]
        retry_after = int((window + 1) * rate.seconds - now) + 1
        return f"rl:{self.scope}:{digest}:{window}", retry_after


def _enabled() -> bool:
    return settings.RATELIMIT_ENABLE


def _count(bucket: Bucket, now: float) -> tuple[int, int]:
    """Add one to the bucket's counter; return the new count and retry-after."""
    key, retry_after = bucket.cache_key(now)
    # add() is a no-op when the window's counter exists; incr() is atomic in
    # Redis and under locmem's lock. (The cache's async incr is a get and a
    # set, which races, so the sync one runs in a thread.)
    cache.add(key, 0, timeout=retry_after + 1)
    try:
        return cache.incr(key), retry_after
    except ValueError:
        # The counter expired between add and incr: this starts the window.
        cache.set(key, 1, timeout=retry_after + 1)
        return 1, retry_after


def _check(buckets: tuple[Bucket, ...], *, count: bool, refuse_over: bool) -> None:
    now = time.time()
    for bucket in buckets:
        limit = bucket.rate().count
        try:
            if count:
                used, retry_after = _count(bucket, now)
            else:
                key, retry_after = bucket.cache_key(now)
                used = cache.get(key, 0)
        except Exception as exc:
            logger.warning("rate limit store unavailable: %s", exc.__class__.__name__)
            return
        full = used > limit if count else used >= limit
        if refuse_over and full:
            logger.info("rate limit %s reached", bucket.scope)
            raise RateLimited(retry_after)


def _run_now(buckets: tuple[Bucket, ...], *, count: bool, refuse_over: bool) -> None:
    if _enabled():
        _check(buckets, count=count, refuse_over=refuse_over)


async def _run(buckets: tuple[Bucket, ...], *, count: bool, refuse_over: bool) -> None:
    if _enabled():
        await sync_to_async(_check, thread_sensitive=False)(
            buckets, count=count, refuse_over=refuse_over
        )


# The API's handlers are async; the web pages' views are plain functions and
# call the ``*_sync`` twins, so both entry points share one set of counters.


async def limits_check(*buckets: Bucket) -> None:
    """Refuse with ``RateLimited`` if any bucket is already full; count nothing."""
    await _run(buckets, count=False, refuse_over=True)


def limits_check_sync(*buckets: Bucket) -> None:
    _run_now(buckets, count=False, refuse_over=True)


async def limits_hit(*buckets: Bucket) -> None:
    """Count one attempt against each bucket."""
    await _run(buckets, count=True, refuse_over=False)


def limits_hit_sync(*buckets: Bucket) -> None:
    _run_now(buckets, count=True, refuse_over=False)


async def limits_consume(*buckets: Bucket) -> None:
    """Count this attempt against each bucket; refuse if one goes over."""
    await _run(buckets, count=True, refuse_over=True)


def limits_consume_sync(*buckets: Bucket) -> None:
    _run_now(buckets, count=True, refuse_over=True)
