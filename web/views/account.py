"""A person's own account: e-mail verification, password reset, profile, photo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from domain.api.ratelimit import Bucket, limits_consume_sync
from domain.errors import DomainError, RateLimited
from domain.selectors.profiles import profile_of
from domain.services.passwords import password_reset_confirm, password_reset_request
from domain.services.profiles import (
    profile_photo_remove,
    profile_photo_set,
    profile_update,
)
from domain.services.verification import email_verification_resend, email_verify
from web.forms import (
    DoctorProfileForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    PhotoForm,
    ProfileForm,
    TokenForm,
)
from web.views.common import (
    add_domain_error,
    as_rate_limited,
    context_of,
    refuse_on_form,
)


def verify_email(request: HttpRequest) -> HttpResponse:
    """The link from the mail: a button confirms, so mail scanners cannot."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                email_verify(form.cleaned_data["token"], context=context_of(request))
            except DomainError as error:
                messages.error(request, error.detail)
            else:
                messages.success(
                    request, "Thank you: your e-mail address is confirmed."
                )
                return redirect("web:home")
    else:
        form = TokenForm(initial={"token": request.GET.get("token", "")[:1000]})
    return render(request, "web/account/verify_email.html", {"form": form})


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    try:
        email_verification_resend(request.user, context=context_of(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"We sent a new link to {request.user.email}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "web:home"
    return redirect(back)


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the reply never tells whether the address exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = context_of(request).ip_address or "unknown"
        try:
            limits_consume_sync(Bucket("password_reset_ip", address))
        except RateLimited as error:
            refuse_on_form(form, error)
            return as_rate_limited(
                render(request, "web/account/password_reset.html", {"form": form}),
                error,
            )
        password_reset_request(form.cleaned_data["email"], context=context_of(request))
        messages.success(
            request,
            "If an account uses this address, a link to set a new password is on "
            "its way.",
        )
        return redirect("web:login")
    return render(request, "web/account/password_reset.html", {"form": form})


def password_reset_set(request: HttpRequest) -> HttpResponse:
    """The link from the reset mail: choose a new password."""
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                password_reset_confirm(
                    data["uid"],
                    token=data["token"],
                    new_password=data["password"],
                    context=context_of(request),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, "Your password is changed. Please sign in.")
                return redirect("web:login")
    else:
        form = PasswordResetForm(
            initial={
                "uid": request.GET.get("uid", "")[:100],
                "token": request.GET.get("token", "")[:200],
            }
        )
    return render(request, "web/account/password_reset_set.html", {"form": form})


def _profile_form(request: HttpRequest, profile: dict):
    user = request.user
    if user.is_doctor and profile["doctor"]:
        doctor = profile["doctor"]
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "degree": doctor.degree,
            "years_of_experience": doctor.years_of_experience,
            "description": doctor.description,
        }
        return DoctorProfileForm(request.POST or None, initial=initial)
    patient = profile["patient"]
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    if patient:
        initial |= {
            "date_of_birth": patient.date_of_birth,
            "gender": patient.gender,
            "contact_number": patient.contact_number or "",
            "relative_contact_number": patient.relative_contact_number,
        }
    return ProfileForm(request.POST or None, initial=initial)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Read and change one's own details."""
    details = profile_of(request.user)
    form = _profile_form(request, details)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in form.changed_data
        }
        if "contact_number" in changes and not changes["contact_number"]:
            changes["contact_number"] = None
        try:
            profile_update(request.user, changes=changes, context=context_of(request))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("web:profile")
    return render(
        request,
        "web/account/profile.html",
        {"profile": details, "form": form, "photo_form": PhotoForm()},
    )


@login_required
@require_POST
def photo(request: HttpRequest) -> HttpResponse:
    """Set or remove one's photo; the service checks and re-encodes the image."""
    if "remove" in request.POST:
        profile_photo_remove(request.user, context=context_of(request))
        messages.success(request, "Your photo is removed.")
        return redirect("web:profile")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            profile_photo_set(
                request.user,
                upload=form.cleaned_data["photo"],
                context=context_of(request),
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Your photo is saved.")
    else:
        for error in form.errors.get("photo", []):
            messages.error(request, error)
    return redirect("web:profile")


def photo_file(request: HttpRequest, name: str) -> FileResponse:
    """Profile photos are public; only files under photos/ are served."""
    path = f"photos/{name}"
    if "/" in name or name.startswith(".") or not default_storage.exists(path):
        raise Http404("No such photo.")
    response = FileResponse(default_storage.open(path, "rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
