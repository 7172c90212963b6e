"""Rate limits of vote requests, counted in the shared cache (Redis in production), so a limit
holds across every app server."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def allow(scope: str, who: str) -> bool:
    """Count one request of `who` in `scope` ("address" or "ip"); False once over the limit.

    Counters are keyed by a hash: the cache never holds a voter's address or a client's IP.
    """
    limit, seconds = settings.VOTE_RATE_LIMITS[scope]
    key = f"vote:rate:{scope}:{hashlib.sha256(who.encode('utf-8')).hexdigest()[:32]}"
    # add() starts the window only once; incr() is atomic on Redis (and on the locmem cache).
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
