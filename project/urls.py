from django.contrib import admin
from django.urls import include, path

from project.api import api
from project.health import healthz, livez, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
]
