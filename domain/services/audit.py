"""Writing the audit trail."""

import ipaddress
import logging
from typing import Any

from django.db import models

from domain.context import RequestContext
from domain.models import AuditLog, User

logger = logging.getLogger(__name__)


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def audit_record(
    action: str,
    *,
    actor: User | None,
    context: RequestContext,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit row; call it inside the transaction of the action."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
        session_id=context.session_id,
        ip_address=_clean_ip(context.ip_address),
        user_agent=context.user_agent,
    )
