"""What every clinic admin class shares."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from domain.context import RequestContext
from domain.models import Role
from domain.selectors.patients import patients_visible_to
from domain.services.audit import audit_record


def request_context(request: HttpRequest) -> RequestContext:
    return RequestContext.from_request(
        request, trusted_proxies=settings.TRUSTED_PROXY_COUNT
    )


class ClinicModelAdmin(ModelAdmin):
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False


class AuditedChangesMixin:
    """Each edit saved in the admin also writes an audit row.

    Django's admin log keeps the same message, but only the audit trail is
    append-only and records the address and user agent. The message names the
    changed fields, never their values (a profile holds health data).
    """

    def log_change(self, request: HttpRequest, obj, message):
        entry = super().log_change(request, obj, message)
        audit_record(
            f"{obj._meta.model_name}.changed_in_admin",
            actor=request.user,
            context=request_context(request),
            target=obj,
            detail={"change": entry.get_change_message()},
        )
        return entry


class PatientScopedAdmin(ClinicModelAdmin):
    """Rows tied to a patient; anyone but an admin sees only patients they may."""

    patient_field = "patient"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.role == Role.ADMIN:
            return queryset
        return queryset.filter(
            **{f"{self.patient_field}__in": patients_visible_to(request.user)}
        )


class ReadOnlyAdmin(ClinicModelAdmin):
    """Records written only by the application: nobody adds, edits or deletes."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
