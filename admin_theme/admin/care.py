"""Care: feedback on visits and patients' private reports."""

from django.contrib import admin
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateTimeFilter,
    RelatedDropdownFilter,
)

from admin_theme.admin.base import PatientScopedAdmin, ReadOnlyAdmin
from domain.models import Feedback, Report


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin, PatientScopedAdmin):
    list_display = ("doctor", "rating", "anonymous", "created_at")
    list_filter = (
        "rating",
        ("doctor", RelatedDropdownFilter),
        ("created_at", RangeDateTimeFilter),
    )
    search_fields = ("comments", "doctor__user__last_name")
    list_select_related = ("doctor__user",)
    # Ratings feed each doctor's average, which the feedback service keeps
    # in step; editing or deleting rows here would leave it wrong.


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin, PatientScopedAdmin):
    # The file itself is downloaded only through the authorised API endpoint.
    list_display = ("original_name", "kind", "patient", "doctor", "size", "created_at")
    list_filter = (
        ("kind", ChoicesDropdownFilter),
        ("created_at", RangeDateTimeFilter),
        ("doctor", RelatedDropdownFilter),
    )
    search_fields = ("original_name", "patient__username", "patient__last_name")
    list_select_related = ("patient", "doctor__user")
    exclude = ("file",)
