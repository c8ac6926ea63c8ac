from django.contrib import admin
from django.urls import include, path, re_path

from project.api import api, unmatched
from project.health import healthz, livez, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", unmatched),
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
]
