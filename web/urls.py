"""Routes of the server-rendered pages."""

from django.urls import path

from web.views import account, accounts, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("doctors/<int:doctor_id>/", public.doctor_detail, name="doctor"),
    path("verify-email", account.verify_email, name="verify_email"),
    path(
        "verify-email/resend/", account.verify_email_resend, name="verify_email_resend"
    ),
    path("accounts/password-reset/", account.password_reset, name="password_reset"),
    path("reset-password", account.password_reset_set, name="password_reset_set"),
    path("profile/", account.profile, name="profile"),
    path("profile/photo/", account.photo, name="photo"),
    path("media/photos/<str:name>", account.photo_file, name="photo_file"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
]
