"""System: the audit trail, API tokens, background task results and workers."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateTimeFilter,
)

from admin_theme.admin.base import ClinicModelAdmin, ReadOnlyAdmin
from domain.models import AuditLog
from project.jobs.models import WorkerHeartbeat


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "actor",
        "target_type",
        "target_id",
        "ip_address",
    )
    list_filter = (
        ("created_at", RangeDateTimeFilter),
        "action",
        "target_type",
    )
    search_fields = ("action", "target_id", "actor__username", "ip_address")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"


# Roles, not groups, decide access; the third-party defaults are replaced below.
for model in (Group, OutstandingToken, BlacklistedToken, DBTaskResult):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(ReadOnlyAdmin):
    list_display = ("jti", "user", "created_at", "expires_at")
    list_filter = (("expires_at", RangeDateTimeFilter),)
    search_fields = ("jti", "user__username")
    list_select_related = ("user",)


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(ReadOnlyAdmin):
    list_display = ("token", "blacklisted_at")
    list_filter = (("blacklisted_at", RangeDateTimeFilter),)
    search_fields = ("token__jti", "token__user__username")
    list_select_related = ("token__user",)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin, ClinicModelAdmin):
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("enqueued_at", RangeDateTimeFilter),
        "queue_name",
    )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """The workers alive now: a row older than the stale time is a dead one."""

    list_display = ("worker_id", "host", "pid", "started_at", "beat_at")
    ordering = ("-beat_at",)
