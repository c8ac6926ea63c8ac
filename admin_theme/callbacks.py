"""Small callbacks the UNFOLD settings name."""

from django.conf import settings
from django.http import HttpRequest


def environment(request: HttpRequest) -> list[str]:
    """The badge beside the user menu: label and colour."""
    if settings.DEBUG:
        return ["Development", "warning"]
    return ["Production", "danger"]
