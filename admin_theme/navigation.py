"""The sidebar: the clinic's models grouped by what an admin is doing."""

from django.http import HttpRequest
from django.urls import reverse


def _changelist(model: str) -> str:
    return reverse(f"admin:{model}_changelist")


def _item(title: str, icon: str, model: str) -> dict:
    return {"title": title, "icon": icon, "link": _changelist(model)}


def sidebar(request: HttpRequest) -> list[dict]:
    """Groups People, Scheduling, Care, Insights and System."""
    return [
        {
            "title": "Insights",
            "items": [
                {
                    "title": "Dashboard",
                    "icon": "monitoring",
                    "link": reverse("admin:index"),
                },
                _item("Forecasts", "trending_up", "forecasting_demandforecast"),
                _item("Forecast models", "model_training", "forecasting_forecastmodel"),
            ],
        },
        {
            "title": "People",
            "separator": True,
            "items": [
                _item("Doctors", "stethoscope", "domain_doctorprofile"),
                _item("Patients", "personal_injury", "domain_patientprofile"),
                _item("Accounts", "group", "domain_user"),
                _item("Specializations", "category", "domain_specialization"),
                _item("Symptom keywords", "sell", "domain_symptomkeyword"),
            ],
        },
        {
            "title": "Scheduling",
            "separator": True,
            "items": [
                _item("Appointments", "event", "domain_appointment"),
                _item("Availability", "event_available", "domain_availability"),
                _item("Weekly hours", "schedule", "domain_weeklyhours"),
                _item("Time off", "beach_access", "domain_timeoff"),
                _item("Waitlist", "hourglass_top", "domain_waitlistentry"),
                _item("Waitlist offers", "local_offer", "domain_waitlistoffer"),
            ],
        },
        {
            "title": "Care",
            "separator": True,
            "items": [
                _item("Feedback", "reviews", "domain_feedback"),
                _item("Reports", "description", "domain_report"),
            ],
        },
        {
            "title": "System",
            "separator": True,
            "collapsible": True,
            "items": [
                _item("Audit log", "policy", "domain_auditlog"),
                _item("API tokens", "key", "token_blacklist_outstandingtoken"),
                _item("Revoked tokens", "block", "token_blacklist_blacklistedtoken"),
                _item("Task results", "task_alt", "django_tasks_database_dbtaskresult"),
                _item("Workers", "memory", "jobs_workerheartbeat"),
            ],
        },
    ]
