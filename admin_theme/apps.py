from django.apps import AppConfig


class AdminThemeConfig(AppConfig):
    name = "admin_theme"
