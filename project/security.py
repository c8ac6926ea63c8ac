"""Content-Security-Policy for every response.

Django 5.2 has no CSP of its own. The policy is small and static, so a
middleware that writes one header is enough: ``CSP_POLICY`` is the base, and
``CSP_PATH_POLICIES`` widens chosen directives under a path prefix (the admin,
the API docs). ``CSP_REPORT_ONLY`` sends it as report-only while a new page is
being tried.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from project.middleware import ResponseMiddleware


def build_policies() -> tuple[str, list[tuple[str, str]]]:
    """Render the base policy and each path's policy as header values."""
    base = dict(settings.CSP_POLICY)

    def render(directives: dict[str, list[str]]) -> str:
        return "; ".join(
            f"{name} {' '.join(values)}" for name, values in directives.items()
        )

    by_prefix = [
        (prefix, render(base | overrides))
        for prefix, overrides in settings.CSP_PATH_POLICIES.items()
    ]
    # Longest prefix first, so a narrower path wins over a wider one.
    by_prefix.sort(key=lambda item: len(item[0]), reverse=True)
    return render(base), by_prefix


class ContentSecurityPolicyMiddleware(ResponseMiddleware):
    """Adds the CSP header unless a view already set its own."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        self.default, self.by_prefix = build_policies()

    def policy_for(self, path: str) -> str:
        for prefix, policy in self.by_prefix:
            if path.startswith(prefix):
                return policy
        return self.default

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        if self.header not in response:
            response[self.header] = self.policy_for(request.path)
        return response
