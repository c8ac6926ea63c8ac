"""Channel-layer group names, in one place.

Group names may hold only ASCII letters, digits, hyphens, underscores and
periods and must stay under 100 characters; ids are integers or UUIDs, so
these always qualify.
"""

from typing import Any


def availability_group(doctor_id: Any) -> str:
    """Listeners of one doctor's public slot availability."""
    return f"availability.doctor.{int(doctor_id)}"


def queue_group(doctor_id: Any) -> str:
    """The doctor (and admins) watching that doctor's queue for today."""
    return f"queue.doctor.{int(doctor_id)}"


def user_group(user_id: Any) -> str:
    """Every open ``/ws/me/`` connection of one user."""
    return f"user.{user_id}"
