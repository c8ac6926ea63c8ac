"""Finding the demo clinic's rows: every demo account has a demo e-mail domain."""

from django.db.models import QuerySet

from domain.models import User

# A reserved example domain, so demo accounts can never receive real mail.
DEMO_EMAIL_DOMAIN = "demo.clinic.example"


def demo_users() -> QuerySet[User]:
    return User.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_clinic_exists() -> bool:
    """Whether a demo clinic has been loaded into this database."""
    return demo_users().exists()
