"""Routes of the server-rendered pages."""

from django.urls import path

from web.views import accounts, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("doctors/<int:doctor_id>/", public.doctor_detail, name="doctor"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
]
