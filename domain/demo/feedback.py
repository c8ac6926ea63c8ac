"""Feedback after completed visits: who leaves it, the rating and a comment.

A doctor's latent quality (between about 3.5 and 5) sets the centre of their
ratings; each rating is that plus noise, rounded and kept within 1..5.
"""

import random
from datetime import datetime, timedelta

from domain.demo.records import FeedbackSeed

# Share of completed visits that get feedback.
FEEDBACK_SHARE = 0.3
ANONYMOUS_SHARE = 0.2

COMMENTS = {
    5: ["Excellent, took time to explain everything.", "Very kind and thorough.", ""],
    4: ["Good visit, a short wait.", "Helpful advice.", ""],
    3: ["Fine, but the wait was long.", "Felt a bit rushed.", ""],
    2: ["Waited almost an hour.", "Did not feel listened to."],
    1: ["Appointment started very late and felt rushed."],
}


def maybe_feedback(
    rng: random.Random, *, quality: float, finished_at: datetime, now: datetime
) -> FeedbackSeed | None:
    """Feedback for a completed visit, or None when the patient leaves none."""
    if rng.random() >= FEEDBACK_SHARE:
        return None
    rating = min(5, max(1, round(rng.gauss(quality, 0.8))))
    created_at = min(finished_at + timedelta(hours=rng.uniform(1, 96)), now)
    return FeedbackSeed(
        rating=rating,
        comments=rng.choice(COMMENTS[rating]),
        anonymous=rng.random() < ANONYMOUS_SHARE,
        created_at=created_at,
    )
