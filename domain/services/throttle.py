"""Rate limits counted from the audit trail.

Mail-sending actions are rare and already audited, so counting their audit rows
gives a limit that every process and worker shares, with no extra store.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from domain.errors import DomainError
from domain.models import AuditLog, User


class Throttled(DomainError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many requests; try again later.",
            code="throttled",
            extra={"retry_after": retry_after},
        )


def throttle_check(
    action: str,
    *,
    user: User,
    per_hour: int,
    min_interval: timedelta = timedelta(minutes=1),
) -> None:
    """Raise ``Throttled`` if ``user`` was the target of ``action`` too often."""
    if not settings.RATELIMIT_ENABLE:
        return
    now = timezone.now()
    recent = list(
        AuditLog.objects.filter(
            action=action,
            target_type=user._meta.model_name,
            target_id=str(user.pk),
            created_at__gte=now - timedelta(hours=1),
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:per_hour]
    )
    if recent and now - recent[0] < min_interval:
        raise Throttled(int((recent[0] + min_interval - now).total_seconds()) + 1)
    if len(recent) >= per_hour:
        raise Throttled(
            int((recent[-1] + timedelta(hours=1) - now).total_seconds()) + 1
        )
