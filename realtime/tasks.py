"""Background jobs of the realtime package: expiring waitlist offers on time.

Each offer gets a job deferred to its deadline when the offer is made (after
the commit, through the ``waitlist.offer_made`` event). The job is a
convenience for prompt hand-over: reads ignore or expire overdue offers too,
so a stopped worker delays passing a slot on but never keeps it held.
"""

import logging
from datetime import datetime

from django_tasks import task

from domain import events
from domain.services.waitlist import waitlist_offer_expire

logger = logging.getLogger(__name__)


@task()
def offer_expire(offer_id: int) -> bool:
    """Expire the offer if it is still pending at its deadline, and pass it on."""
    return waitlist_offer_expire(offer_id)


def on_offer_made(event: events.Event) -> None:
    data = event.payload
    offer_expire.using(run_after=datetime.fromisoformat(data["expires_at"])).enqueue(
        data["offer_id"]
    )
    logger.info("offer expiry scheduled offer_id=%s", data["offer_id"])


def connect() -> None:
    """Schedule an expiry job for every offer made."""
    events.subscribe(events.OFFER_MADE, on_offer_made)
