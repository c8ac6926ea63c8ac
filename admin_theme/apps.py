from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AdminThemeConfig(AppConfig):
    name = "admin_theme"
    default = True


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, serving the clinic's own Unfold site."""

    default = False
    default_site = "admin_theme.sites.ClinicAdminSite"
