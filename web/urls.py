"""Routes of the server-rendered pages."""

from django.urls import path

from web.views import account, accounts, booking, care, doctor, live, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("doctors/<int:doctor_id>/", public.doctor_detail, name="doctor"),
    path("doctors/<int:doctor_id>/book/", booking.book, name="book"),
    path("appointments/", booking.appointments, name="appointments"),
    path(
        "appointments/<uuid:appointment_id>",
        booking.appointment_detail,
        name="appointment",
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        booking.cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:appointment_id>/reschedule/",
        booking.reschedule,
        name="appointment_reschedule",
    ),
    path("doctor/schedule/", doctor.schedule, name="schedule"),
    path("doctor/schedule/windows/", doctor.window_add, name="window_add"),
    path(
        "doctor/schedule/windows/<int:window_id>/delete/",
        doctor.window_delete,
        name="window_delete",
    ),
    path("doctor/schedule/weekly/", doctor.weekly_add, name="weekly_add"),
    path(
        "doctor/schedule/weekly/<int:hours_id>/delete/",
        doctor.weekly_delete,
        name="weekly_delete",
    ),
    path("doctor/schedule/time-off/", doctor.time_off_add, name="time_off_add"),
    path(
        "doctor/schedule/time-off/<int:time_off_id>/delete/",
        doctor.time_off_remove,
        name="time_off_delete",
    ),
    path(
        "doctor/appointments/<uuid:appointment_id>/confirm/",
        doctor.confirm,
        name="appointment_confirm",
    ),
    path(
        "appointments/<uuid:appointment_id>/rate/", care.rate, name="appointment_rate"
    ),
    path(
        "appointments/<uuid:appointment_id>/calendar.ics",
        care.calendar_file,
        name="appointment_ics",
    ),
    path("reports/<uuid:report_id>/download/", care.report_file, name="report"),
    path("doctor/reports/new/", care.report_new, name="report_new"),
    path("verify-email", account.verify_email, name="verify_email"),
    path(
        "verify-email/resend/", account.verify_email_resend, name="verify_email_resend"
    ),
    path("accounts/password-reset/", account.password_reset, name="password_reset"),
    path("reset-password", account.password_reset_set, name="password_reset_set"),
    path("profile/", account.profile, name="profile"),
    path("profile/photo/", account.photo, name="photo"),
    path("media/photos/<str:name>", account.photo_file, name="photo_file"),
    path(
        "doctors/<int:doctor_id>/waitlist/",
        live.waitlist_join_view,
        name="waitlist_join",
    ),
    path(
        "waitlist/<int:entry_id>/leave/",
        live.waitlist_leave_view,
        name="waitlist_leave",
    ),
    path("waitlist/offers/<int:offer_id>", live.offer, name="offer"),
    path(
        "waitlist/offers/<int:offer_id>/accept/", live.offer_accept, name="offer_accept"
    ),
    path(
        "waitlist/offers/<int:offer_id>/decline/",
        live.offer_decline,
        name="offer_decline",
    ),
    path("doctor/queue/", live.queue, name="queue"),
    path(
        "doctor/queue/<uuid:appointment_id>/<slug:action>/",
        live.queue_action,
        name="queue_action",
    ),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
]
