"""People: accounts, patient and doctor profiles, specializations."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateFilter,
    RangeDateTimeFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from admin_theme.admin.base import (
    AuditedChangesMixin,
    ClinicModelAdmin,
    PatientScopedAdmin,
    request_context,
)
from domain.errors import DomainError
from domain.models import (
    Availability,
    DoctorProfile,
    PatientProfile,
    Role,
    Specialization,
    SymptomKeyword,
    User,
    WeeklyHours,
)
from domain.services.accounts import (
    DOCTOR_PROFILE_FIELDS,
    doctor_set_active,
    doctor_update,
)
from domain.services.audit import audit_record

ROLE_COLOURS = {Role.ADMIN: "danger", Role.DOCTOR: "info", Role.PATIENT: "success"}


def record_patient_view(request: HttpRequest, patient: User) -> None:
    """Staff views of a patient's record are sensitive: each one is audited."""
    with transaction.atomic():
        audit_record(
            "patient.record_viewed",
            actor=request.user,
            context=request_context(request),
            target=patient,
            detail={"via": "admin"},
        )


@admin.register(User)
class UserAdmin(AuditedChangesMixin, DjangoUserAdmin, PatientScopedAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    patient_field = "pk"
    list_display = (
        "username",
        "full_name",
        "email",
        "show_role",
        "email_verified",
        "is_active",
        "created_at",
    )
    list_filter = (
        ("role", ChoicesDropdownFilter),
        "is_active",
        "email_verified",
        ("created_at", RangeDateTimeFilter),
    )
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("-created_at",)
    # Roles change through the accounts services, which audit the change.
    readonly_fields = ("role", "imported", "last_login", "date_joined", "created_at")
    fieldsets = (
        (None, {"fields": ("username", "password", "role")}),
        ("Personal", {"fields": ("first_name", "last_name", "email", "photo")}),
        (
            "Status",
            {"fields": ("is_active", "email_verified", "imported", "is_staff")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "created_at")}),
    )

    @display(description="Name", ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name() or "-"

    @display(description="Role", ordering="role", label=ROLE_COLOURS)
    def show_role(self, obj: User) -> str:
        return obj.role

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Patients sign up and doctors are created through the accounts API,
        # which builds their profiles and audit rows.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            user = self.get_object(request, object_id)
            if user is not None and user.role == Role.PATIENT:
                record_patient_view(request, user)
        return response


@admin.register(PatientProfile)
class PatientProfileAdmin(AuditedChangesMixin, PatientScopedAdmin):
    patient_field = "user"
    list_display = ("user", "date_of_birth", "gender", "contact_number", "created_at")
    list_filter = (
        ("gender", ChoicesDropdownFilter),
        ("date_of_birth", RangeDateFilter),
        ("created_at", RangeDateTimeFilter),
    )
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "contact_number",
    )
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            profile = self.get_object(request, object_id)
            if profile is not None:
                record_patient_view(request, profile.user)
        return response


class AvailabilityInline(TabularInline):
    """Dated windows, shown for reference; they change through the availability API."""

    model = Availability
    fields = ("date", "start_time", "end_time")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ("-date", "start_time")
    per_page = 10
    tab = True


class WeeklyHoursInline(TabularInline):
    model = WeeklyHours
    fields = ("weekday", "start_time", "end_time", "valid_from", "valid_until")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    tab = True


@admin.register(DoctorProfile)
class DoctorProfileAdmin(ClinicModelAdmin):
    list_display = (
        "__str__",
        "specialization",
        "rating",
        "rating_count",
        "max_patients_per_day",
        "time_zone",
        "show_active",
    )
    list_filter = (
        ("specialization", RelatedDropdownFilter),
        "is_active",
        "requires_confirmation",
    )
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "license_number",
        "specialization__name",
    )
    list_select_related = ("user", "specialization")
    inlines = (AvailabilityInline, WeeklyHoursInline)
    actions = ("activate_doctors", "deactivate_doctors")
    readonly_fields = (
        "user",
        "is_active",
        "rating",
        "rating_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "user",
                    "specialization",
                    "degree",
                    "license_number",
                    "years_of_experience",
                    "consultation_fee",
                    "description",
                    "is_active",
                )
            },
        ),
        (
            "Booking rules",
            {
                "fields": (
                    "time_zone",
                    "slot_minutes",
                    "buffer_minutes",
                    "min_notice_minutes",
                    "booking_horizon_days",
                    "max_patients_per_day",
                    "requires_confirmation",
                    "cancellation_cutoff_hours",
                )
            },
        ),
        ("Ratings", {"fields": ("rating", "rating_count", "created_at")}),
    )

    @display(description="Active", ordering="is_active", boolean=True)
    def show_active(self, obj: DoctorProfile) -> bool:
        return obj.is_active

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A doctor is an account plus a profile: POST /api/v1/doctors makes both.
        return False

    def save_model(self, request, obj, form, change):
        # Edits go through the accounts service so they are validated and audited.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in DOCTOR_PROFILE_FIELDS
        }
        if "specialization" in form.changed_data:
            changes["specialization_id"] = form.cleaned_data["specialization"].pk
        doctor_update(
            obj.pk,
            changes=changes,
            actor=request.user,
            context=request_context(request),
        )

    def _set_active(self, request, queryset, *, active: bool) -> None:
        done = 0
        for doctor_id in queryset.values_list("pk", flat=True):
            try:
                doctor_set_active(
                    doctor_id,
                    active=active,
                    actor=request.user,
                    context=request_context(request),
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        verb = "activated" if active else "deactivated"
        self.message_user(request, f"{done} doctor(s) {verb}.", messages.SUCCESS)

    @action(description="Activate selected doctors", permissions=["change"])
    def activate_doctors(self, request, queryset):
        self._set_active(request, queryset, active=True)

    @action(description="Deactivate selected doctors", permissions=["change"])
    def deactivate_doctors(self, request, queryset):
        self._set_active(request, queryset, active=False)


@admin.register(Specialization)
class SpecializationAdmin(ClinicModelAdmin):
    list_display = ("name", "category")
    list_filter = ("category",)
    search_fields = ("name", "category", "description")


@admin.register(SymptomKeyword)
class SymptomKeywordAdmin(ClinicModelAdmin):
    list_display = ("keyword", "specialization")
    list_filter = (("specialization", RelatedDropdownFilter),)
    search_fields = ("keyword", "specialization__name")
    list_select_related = ("specialization",)
