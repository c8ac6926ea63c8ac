"""Signing up, in and out with the session."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from domain.api.ratelimit import (
    Bucket,
    limits_check_sync,
    limits_consume_sync,
    limits_hit_sync,
)
from domain.errors import DomainError, RateLimited
from domain.services.accounts import NewAccount, patient_register
from domain.services.audit import audit_record
from web.forms import SignInForm, SignUpForm
from web.views.common import (
    add_domain_error,
    as_rate_limited,
    context_of,
    refuse_on_form,
)

logger = logging.getLogger(__name__)


class SignInView(LoginView):
    template_name = "web/auth/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def _buckets(self) -> tuple[Bucket, ...]:
        # The API's sign-in counts failures in the same buckets.
        return (
            Bucket("login_account", self.request.POST.get("username", "")[:150]),
            Bucket("login_ip", context_of(self.request).ip_address or "unknown"),
        )

    def post(self, request, *args, **kwargs):
        try:
            limits_check_sync(*self._buckets())
        except RateLimited as error:
            form = self.get_form()
            refuse_on_form(form, error)
            return as_rate_limited(
                self.render_to_response(self.get_context_data(form=form)), error
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            "auth.signed_in", actor=form.get_user(), context=context_of(self.request)
        )
        return response

    def form_invalid(self, form):
        audit_record(
            "auth.sign_in_failed",
            actor=None,
            context=context_of(self.request),
            detail={"username": self.request.POST.get("username", "")[:150]},
        )
        logger.info("web sign-in refused")
        limits_hit_sync(*self._buckets())
        return super().form_invalid(form)


class SignOutView(LogoutView):
    next_page = "web:home"


def signup(request: HttpRequest) -> HttpResponse:
    """Create a patient account and sign it in."""
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            limits_consume_sync(
                Bucket("register_ip", context_of(request).ip_address or "unknown"),
                Bucket("register_account", data["email"]),
            )
        except RateLimited as error:
            refuse_on_form(form, error)
            return as_rate_limited(
                render(request, "web/auth/signup.html", {"form": form}), error
            )
        try:
            user = patient_register(
                NewAccount(
                    username=data["username"],
                    email=data["email"],
                    password=data["password"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                ),
                date_of_birth=data["date_of_birth"],
                gender=data["gender"],
                contact_number=data["contact_number"] or None,
                context=context_of(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("web:home")
    return render(request, "web/auth/signup.html", {"form": form})
