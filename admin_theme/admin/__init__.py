"""Unfold admin classes for every model, grouped like the sidebar."""

from admin_theme.admin import care, people, scheduling, system

__all__ = ["care", "people", "scheduling", "system"]
