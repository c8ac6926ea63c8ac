"""Scheduling rules as pure functions: the slot engine lives in ``slots``."""
