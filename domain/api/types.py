"""Field types of the API that accept exactly what its schema promises.

Pydantic reads a number as a Unix time for dates, times and datetimes
(``0`` becomes 1970-01-01), and Python's ints are unbounded while the
database's ids are 64-bit. The schema says "an ISO 8601 string" and "an id",
so these types refuse anything else with 422 instead of guessing or letting
the database fail on it. Times of day are a doctor's wall-clock times, so
they carry no offset, and their schema says so.
"""

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

# The largest value of the BigAutoField primary keys.
MAX_ID = 2**63 - 1
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
# A wall-clock time without offset: JSON Schema's "time" format requires one.
_LOCAL_TIME = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _iso_text(value: Any) -> Any:
    """Let ISO text and Python values through; refuse numbers in any form."""
    if isinstance(value, str) and not _NUMBER.fullmatch(value):
        return value
    if isinstance(value, date | time):
        return value
    raise ValueError("Expected an ISO 8601 string.")


def _local_time_text(value: Any) -> Any:
    """Let "HH:MM[:SS]" and Python times through; refuse offsets and numbers."""
    if isinstance(value, time) or (
        isinstance(value, str) and re.fullmatch(_LOCAL_TIME, value)
    ):
        return value
    raise ValueError("Expected a local time as HH:MM or HH:MM:SS.")


RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]
# Times of day in a doctor's own zone, as on a clock on the clinic's wall.
LocalTime = Annotated[
    time,
    BeforeValidator(_local_time_text),
    WithJsonSchema({"type": "string", "pattern": _LOCAL_TIME}),
]

# Pages: offsets past two billion rows are refused rather than handed to the
# database, where LIMIT + OFFSET would overflow its 64-bit integers.
MAX_PAGE_SIZE = 100
PageOffset = Annotated[int, Field(ge=0, le=2**31 - 1)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
