"""The one pagination of the API's lists: ``limit`` and ``offset``, both bounded."""

from ninja import Schema
from ninja.pagination import LimitOffsetPagination

from domain.api.types import MAX_PAGE_SIZE, PageOffset, PageSize


class LimitOffset(LimitOffsetPagination):
    """Ninja's ``{"items", "count"}`` pages, with the bounds in the schema."""

    class Input(Schema):
        limit: PageSize = MAX_PAGE_SIZE
        offset: PageOffset = 0

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)
