"""Who is acting and from where, handed from the edge (API, page) to services."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    session_id: str = ""

    @classmethod
    def from_request(
        cls, request: Any, *, trusted_proxies: int = 0
    ) -> "RequestContext":
        """Read the client address, honouring only the configured proxy count."""
        meta = request.META
        ip = meta.get("REMOTE_ADDR") or None
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if trusted_proxies and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            # Each trusted proxy appends the address it saw; the client is the
            # entry just before the trusted ones.
            if len(hops) >= trusted_proxies:
                ip = hops[-trusted_proxies]
        session = getattr(request, "session", None)
        session_key = getattr(session, "session_key", None) or ""
        return cls(
            ip_address=ip,
            user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
            session_id=session_key,
        )


SYSTEM = RequestContext()
