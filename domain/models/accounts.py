"""People: users with a role, and the patient and doctor profiles behind them."""

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from domain.validators import validate_not_future, validate_time_zone


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    DOCTOR = "doctor", "Doctor"
    ADMIN = "admin", "Admin"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


def same_text_ignoring_case(field: str, value: str) -> Q:
    """``LOWER(field) = LOWER(value)``: the expression of the unique indexes.

    Django's ``iexact`` compiles to ``UPPER(field) = UPPER(value)`` on
    PostgreSQL (and ``LIKE`` on SQLite), which those indexes cannot serve, so
    every sign-in would scan the users. Both sides are lowered in SQL, so the
    comparison folds case exactly as the uniqueness rule does.
    """
    return Q(Exact(Lower(field), Lower(Value(value))))


class ClinicUserManager(UserManager):
    """Superusers are clinic admins; lookups by username ignore case."""

    def create_superuser(self, username, email=None, password=None, **extra):
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("email_verified", True)
        return super().create_superuser(username, email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(same_text_ignoring_case("username", username))

    async def aget_by_natural_key(self, username):
        return await self.aget(same_text_ignoring_case("username", username))


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    email_verified = models.BooleanField(default=False)
    photo = models.ImageField(upload_to="photos/", blank=True)
    # Accounts created by a history import cannot sign in until claimed.
    imported = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_ci_unique",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="user_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_doctor(self) -> bool:
        return self.role == Role.DOCTOR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Specialization(models.Model):
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="specialization_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SymptomKeyword(models.Model):
    """Maps a symptom word a patient may type to the specialization that treats it."""

    keyword = models.CharField(max_length=60, unique=True)
    specialization = models.ForeignKey(
        Specialization, on_delete=models.CASCADE, related_name="symptom_keywords"
    )

    class Meta:
        ordering = ["keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} -> {self.specialization}"


class DoctorProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="doctor_profile"
    )
    specialization = models.ForeignKey(
        Specialization, on_delete=models.PROTECT, related_name="doctors"
    )
    degree = models.CharField(max_length=100, blank=True)
    license_number = models.CharField(max_length=50, unique=True)
    years_of_experience = models.PositiveSmallIntegerField(default=0)
    rating = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.00")
    )
    rating_count = models.PositiveIntegerField(default=0)
    consultation_fee = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone]
    )
    # Booking rules; the scheduling services read them.
    slot_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=120, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    max_patients_per_day = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    requires_confirmation = models.BooleanField(default=False)
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MaxValueValidator(24 * 14)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=0) & Q(rating__lte=5),
                name="doctor_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=240),
                name="doctor_slot_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(max_patients_per_day__gte=1),
                name="doctor_max_patients_positive",
            ),
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1),
                name="doctor_horizon_positive",
            ),
            models.CheckConstraint(
                condition=Q(consultation_fee__gte=0), name="doctor_fee_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["is_active", "specialization"])]

    def __str__(self) -> str:
        return f"Dr. {self.user.get_full_name() or self.user.username}"


class PatientProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="patient_profile"
    )
    date_of_birth = models.DateField(validators=[validate_not_future])
    gender = models.CharField(
        max_length=16, choices=Gender.choices, default=Gender.UNDISCLOSED
    )
    contact_number = models.CharField(max_length=32, null=True, blank=True)
    symptoms = models.TextField(blank=True)
    relative_contact_number = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact_number"],
                condition=Q(contact_number__isnull=False) & ~Q(contact_number=""),
                name="patient_contact_number_unique",
            ),
            # "Not in the future" needs today's date, which SQLite refuses in a
            # CHECK; the validator covers it and the database bounds the past.
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=date(1900, 1, 1)),
                name="patient_dob_after_1900",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="patient_gender_valid"
            ),
        ]
        indexes = [models.Index(fields=["contact_number"])]

    def __str__(self) -> str:
        return str(self.user)
