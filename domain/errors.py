"""The one error type of the domain.

Services raise ``DomainError`` with a stable machine-readable ``code`` and the
HTTP status that fits; the API turns it into ``{"detail", "code"}``.
"""

from typing import Any


class DomainError(Exception):
    """A refusal the caller can act on: bad input, a conflict, a missing object."""

    status = 400

    def __init__(
        self,
        detail: str,
        *,
        code: str,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        if status is not None:
            self.status = status
        self.extra = extra or {}


class NotFound(DomainError):
    """Missing, or not visible to the caller (the two look the same on purpose)."""

    status = 404

    def __init__(self, what: str = "Object") -> None:
        super().__init__(f"{what} not found.", code="not_found")


class PermissionDenied(DomainError):
    status = 403

    def __init__(
        self, detail: str = "You may not do this.", *, code: str = "forbidden"
    ):
        super().__init__(detail, code=code)


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    """Input that parsed but breaks a rule; ``field`` names the culprit."""

    status = 422

    def __init__(self, detail: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(detail, code=code, extra={"field": field} if field else None)


class RateLimited(DomainError):
    """Too many attempts; ``retry_after`` says in how many seconds to try again."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many attempts; try again later.", code="rate_limited")
        self.retry_after = max(1, retry_after)
