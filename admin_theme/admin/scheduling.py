"""Scheduling: appointments, availability, time off and the waitlist.

Times and statuses change only through the scheduling services (they keep slots
free of overlaps and tell watching clients), so these classes display and act
through services rather than edit rows.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateFilter,
    RangeDateTimeFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from admin_theme.admin.base import PatientScopedAdmin, ReadOnlyAdmin, request_context
from domain.errors import DomainError
from domain.models import (
    Appointment,
    AppointmentStatus,
    Availability,
    OfferStatus,
    Role,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    WeeklyHours,
)
from domain.services.booking import appointment_cancel

STATUS_COLOURS = {
    AppointmentStatus.PENDING: "warning",
    AppointmentStatus.CONFIRMED: "info",
    AppointmentStatus.COMPLETED: "success",
    AppointmentStatus.CANCELLED: "danger",
    AppointmentStatus.NO_SHOW: "danger",
}
WAITLIST_COLOURS = {
    WaitlistStatus.WAITING: "info",
    WaitlistStatus.OFFERED: "warning",
    WaitlistStatus.BOOKED: "success",
}
OFFER_COLOURS = {
    OfferStatus.PENDING: "warning",
    OfferStatus.ACCEPTED: "success",
    OfferStatus.DECLINED: "danger",
}


class ScheduleReadOnlyAdmin(ReadOnlyAdmin):
    list_select_related = ("doctor__user",)


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=500, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3})
    )


class AppointmentAdmin(ScheduleReadOnlyAdmin, PatientScopedAdmin):
    list_display = (
        "start",
        "patient",
        "doctor",
        "show_status",
        "booked_at",
        "cancellation_reason",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("start", RangeDateTimeFilter),
        ("booked_at", RangeDateTimeFilter),
        ("doctor", RelatedDropdownFilter),
        ("doctor__specialization", RelatedDropdownFilter),
    )
    search_fields = (
        "patient__username",
        "patient__first_name",
        "patient__last_name",
        "doctor__user__last_name",
        "reason",
    )
    list_select_related = ("patient", "doctor__user")
    date_hierarchy = "start"
    ordering = ("-start",)
    actions = ("cancel_with_reason",)

    @display(description="Status", ordering="status", label=STATUS_COLOURS)
    def show_status(self, obj: Appointment) -> str:
        return obj.status

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.role == Role.ADMIN

    @action(description="Cancel selected with a reason", permissions=["cancel"])
    def cancel_with_reason(self, request, queryset):
        """Ask for a reason, then cancel each through the booking service."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin_theme/cancel_appointments.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Cancel appointments",
                    "opts": self.model._meta,
                    "appointments": queryset.select_related("doctor__user", "patient"),
                    "form": form,
                },
            )
        cancelled = 0
        for appointment_id in queryset.values_list("pk", flat=True):
            try:
                appointment_cancel(
                    appointment_id,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    context=request_context(request),
                )
                cancelled += 1
            except DomainError as exc:
                self.message_user(
                    request, f"{appointment_id}: {exc.detail}", messages.WARNING
                )
        self.message_user(
            request, f"{cancelled} appointment(s) cancelled.", messages.SUCCESS
        )
        return None


class AvailabilityAdmin(ScheduleReadOnlyAdmin):
    list_display = ("doctor", "date", "start_time", "end_time")
    list_filter = (("date", RangeDateFilter), ("doctor", RelatedDropdownFilter))
    search_fields = ("doctor__user__last_name", "doctor__user__first_name")
    ordering = ("-date", "start_time")


class WeeklyHoursAdmin(ScheduleReadOnlyAdmin):
    list_display = (
        "doctor",
        "weekday",
        "start_time",
        "end_time",
        "valid_from",
        "valid_until",
    )
    list_filter = (("doctor", RelatedDropdownFilter), "weekday")
    search_fields = ("doctor__user__last_name",)


class TimeOffAdmin(ScheduleReadOnlyAdmin):
    list_display = ("doctor", "start", "end", "reason")
    list_filter = (("start", RangeDateTimeFilter), ("doctor", RelatedDropdownFilter))
    search_fields = ("doctor__user__last_name", "reason")
    ordering = ("-start",)


class WaitlistEntryAdmin(ScheduleReadOnlyAdmin, PatientScopedAdmin):
    list_display = ("patient", "doctor", "date_from", "date_to", "show_status")
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("date_from", RangeDateFilter),
        ("doctor", RelatedDropdownFilter),
    )
    search_fields = (
        "patient__username",
        "patient__last_name",
        "doctor__user__last_name",
    )
    list_select_related = ("patient", "doctor__user")
    ordering = ("-created_at",)

    @display(description="Status", ordering="status", label=WAITLIST_COLOURS)
    def show_status(self, obj: WaitlistEntry) -> str:
        return obj.status


class WaitlistOfferAdmin(ScheduleReadOnlyAdmin, PatientScopedAdmin):
    list_display = ("patient", "doctor", "start", "expires_at", "show_status")
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("start", RangeDateTimeFilter),
        ("doctor", RelatedDropdownFilter),
    )
    search_fields = ("patient__username", "patient__last_name")
    list_select_related = ("patient", "doctor__user")
    ordering = ("-created_at",)

    @display(description="Status", ordering="status", label=OFFER_COLOURS)
    def show_status(self, obj: WaitlistOffer) -> str:
        return obj.status


admin.site.register(Appointment, AppointmentAdmin)
admin.site.register(Availability, AvailabilityAdmin)
admin.site.register(WeeklyHours, WeeklyHoursAdmin)
admin.site.register(TimeOff, TimeOffAdmin)
admin.site.register(WaitlistEntry, WaitlistEntryAdmin)
admin.site.register(WaitlistOffer, WaitlistOfferAdmin)
