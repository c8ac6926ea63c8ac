"""Unfold admin classes for every model, grouped like the sidebar."""

from admin_theme.admin import care, insights, people, scheduling, system

__all__ = ["care", "insights", "people", "scheduling", "system"]
