"""Around a visit: rating it, calendar files, and private reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.models import DoctorProfile
from domain.selectors.appointments import appointment_list
from domain.selectors.calendar import appointment_calendar_file
from domain.services.feedback import feedback_submit
from domain.services.reports import report_download, report_upload
from web.forms import FeedbackForm, ReportUploadForm
from web.views.common import add_domain_error, context_of
from web.views.doctor import doctor_required


@login_required
@require_POST
def rate(request: HttpRequest, appointment_id) -> HttpResponse:
    """Rate a completed visit; the service allows it once, for its patient."""
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            feedback_submit(
                request.user,
                appointment_id=appointment_id,
                rating=data["rating"],
                comments=data["comments"],
                anonymous=data["anonymous"],
                context=context_of(request),
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Thank you for your feedback.")
    else:
        messages.error(request, "Choose a rating from 1 to 5 stars.")
    return redirect("web:appointment", appointment_id=appointment_id)


@login_required
def calendar_file(request: HttpRequest, appointment_id) -> HttpResponse:
    """The appointment as an .ics file for the person's own calendar."""
    try:
        content = appointment_calendar_file(appointment_id, user=request.user)
    except DomainError as exc:
        raise Http404("Appointment not found.") from exc
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@login_required
def report_file(request: HttpRequest, report_id) -> FileResponse:
    """Stream a private report to someone allowed to see it; the read is audited."""
    try:
        report = report_download(
            report_id, actor=request.user, context=context_of(request)
        )
    except DomainError as exc:
        raise Http404("Report not found.") from exc
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.original_name,
        content_type=report.content_type,
    )


@doctor_required
def report_new(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    """Upload a report for one of the doctor's own patients."""
    patients = {
        appointment.patient_id: appointment.patient
        for appointment in appointment_list(request.user).exclude(status="cancelled")
    }
    form = ReportUploadForm(
        request.POST or None,
        request.FILES or None,
        patients=patients.values(),
        initial={"patient": request.GET.get("patient", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_upload(
                request.user,
                patient_id=data["patient"],
                upload=data["file"],
                kind=data["kind"],
                description=data["description"],
                context=context_of(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "The report is uploaded; the patient can see it.")
            return redirect("web:report_new")
    return render(request, "web/doctor/report_new.html", {"form": form})
