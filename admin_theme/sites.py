"""The admin site: Unfold's, restricted to clinic admins."""

from django.http import HttpRequest
from unfold.sites import UnfoldAdminSite

from domain.models import Role


class ClinicAdminSite(UnfoldAdminSite):
    site_title = "Clinic admin"
    site_header = "Clinic"
    index_title = "Dashboard"
    index_template = "admin_theme/dashboard.html"

    def has_permission(self, request: HttpRequest) -> bool:
        # is_staff alone is not enough: a doctor or patient flagged staff by
        # mistake must still be refused, since the admin shows every record.
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "role", "") == Role.ADMIN
        )
