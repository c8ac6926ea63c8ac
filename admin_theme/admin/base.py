"""What every clinic admin class shares."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from domain.context import RequestContext
from domain.models import Role
from domain.selectors.patients import patients_visible_to


def request_context(request: HttpRequest) -> RequestContext:
    return RequestContext.from_request(
        request, trusted_proxies=settings.TRUSTED_PROXY_COUNT
    )


class ClinicModelAdmin(ModelAdmin):
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False


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
