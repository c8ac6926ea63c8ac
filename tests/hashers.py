"""A cheap Argon2 for the test suite.

Django's Argon2 settings cost about 100 MB and a noticeable fraction of a second
per hash, on purpose; tests create hundreds of users. The algorithm stays
Argon2, so tests that check the stored hash's scheme still mean something.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the minimum Argon2 allows with one lane
    parallelism = 1
