"""The shape our response middleware share: one hook over each response.

Each runs in the sync and in the async handler alike (Django picks), without
the thread hop that ``MiddlewareMixin`` costs under ASGI for every request.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse


class ResponseMiddleware:
    """Calls ``process_response(request, response)`` on every response."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        return self.process_response(request, self.get_response(request))

    async def _acall(self, request: HttpRequest):
        return self.process_response(request, await self.get_response(request))

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        raise NotImplementedError
