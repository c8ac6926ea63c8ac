"""A seeded simulator of a small clinic's people and appointment history.

The modules each own one concern and import nothing from Django:

- ``people``: doctors (specialty, time zone, week, booking rules, popularity,
  quality) and patients (age, gender, activity, reliability).
- ``schedule``: working days, closures and leave, the slot grid in UTC.
- ``demand``: how many booking requests a doctor-day attracts, how far ahead
  they come and which hours they prefer.
- ``behaviour``: cancellations and no-shows, driven by lead time, weekday,
  hour and the patient.
- ``feedback``: ratings and comments after completed visits.
- ``simulator``: the event-driven booking process that ties them together.

``docs/demo-simulator.md`` describes the model; ``domain.services.demo`` writes
its output to the database. The same seed, sizes and ``now`` give the same
clinic, row for row.
"""

from domain.demo.simulator import DemoConfig, simulate

__all__ = ["DemoConfig", "simulate"]
