"""The proof-of-work challenge against voting bots: ALTCHA's protocol, served by this site.

A browser must find the number whose SHA-256 with a signed salt is the challenge (about half of
`VOTE_CHALLENGE_MAX_NUMBER` hashes), which costs a person a second and a bot farm a second per
vote. Nothing leaves the site: no third-party script, cookie or request (README says why).
"""

from __future__ import annotations

import datetime as dt

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac


def _key() -> str:
    # Derived from SECRET_KEY: rotating it only invalidates the challenges open at that moment.
    return salted_hmac("cms.vote.challenge", "altcha").hexdigest()


def new_challenge() -> dict:
    """A signed challenge for the widget, valid for `VOTE_CHALLENGE_SECONDS`."""
    challenge = altcha.create_challenge_v1(
        algorithm="SHA-256",
        max_number=settings.VOTE_CHALLENGE_MAX_NUMBER,
        hmac_key=_key(),
        expires=timezone.now() + dt.timedelta(seconds=settings.VOTE_CHALLENGE_SECONDS),
    )
    return challenge.to_dict()


def solve(challenge: dict) -> str:
    """The payload a browser would send for `challenge` (the tests' and the load test's voter)."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = altcha.PayloadV1(
        challenge["algorithm"],
        challenge["challenge"],
        solution.number,
        challenge["salt"],
        challenge["signature"],
    )
    return payload.to_base64()


def verify(payload: str) -> bool:
    """True for a correct, unexpired solution seen for the first time.

    ALTCHA's signature alone would accept one solved challenge for every vote until it expires;
    the shared cache remembers each challenge used, on every app server, until then.
    """
    try:
        valid, _error = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    except (ValueError, TypeError, KeyError):
        return False
    if not valid:
        return False
    used = altcha.PayloadV1.from_base64(payload).challenge
    return cache.add(f"vote:challenge:{used}", 1, timeout=settings.VOTE_CHALLENGE_SECONDS + 60)
