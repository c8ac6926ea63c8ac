"""Forms of the pages: they parse and check shape; services check the rules."""

from datetime import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from domain.models import Gender, ReportKind
from domain.selectors.doctors import specialization_list

RATING_CHOICES = [
    ("", "Any rating"),
    ("3", "3 stars and up"),
    ("4", "4 stars and up"),
    ("4.5", "4.5 stars and up"),
]


class DoctorSearchForm(forms.Form):
    """The home page's filters; every field is optional."""

    symptoms = forms.CharField(
        label="Symptoms",
        required=False,
        max_length=500,
        help_text="Describe how you feel, e.g. “headache and dizziness”.",
    )
    q = forms.CharField(label="Name or specialty", required=False, max_length=200)
    specialization = forms.TypedChoiceField(
        label="Specialization", required=False, coerce=int, empty_value=None
    )
    min_rating = forms.TypedChoiceField(
        label="Rating",
        required=False,
        choices=RATING_CHOICES,
        coerce=Decimal,
        empty_value=None,
    )
    this_week = forms.BooleanField(label="Free times this week", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialization"].choices = [("", "Any specialization")] + [
            (str(s.pk), s.name) for s in specialization_list()
        ]


class SignInForm(AuthenticationForm):
    """Django's sign-in, also refusing accounts an import created but nobody claimed."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.imported:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class SignUpForm(forms.Form):
    """A new patient; password strength and uniqueness are checked by the service."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    username = forms.RegexField(
        label="Username",
        min_length=3,
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="Letters, digits and . @ + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    date_of_birth = forms.DateField(
        label="Date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, initial=Gender.UNDISCLOSED
    )
    contact_number = forms.RegexField(
        label="Phone number",
        required=False,
        max_length=32,
        regex=r"^\+?[0-9 ()-]{5,32}$",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        help_text="At least 8 characters; not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_again")
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", "The two passwords differ.")
        return data


class AwareDateTimeField(forms.Field):
    """An ISO 8601 instant that must carry its UTC offset, as slot values do."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 40:
            raise forms.ValidationError("Choose one of the times shown.")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise forms.ValidationError("Choose one of the times shown.") from exc
        # Slots are never near the ends of the calendar, where arithmetic on
        # the instant would overflow.
        if parsed.tzinfo is None or not 2000 <= parsed.year <= 2200:
            raise forms.ValidationError("Choose one of the times shown.")
        return parsed


class WeekForm(forms.Form):
    """Which week of slots to show; a bad value falls back to this week."""

    week = forms.DateField(required=False)


class SlotChoiceForm(forms.Form):
    start = AwareDateTimeField()


class BookForm(forms.Form):
    start = AwareDateTimeField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for the visit",
        required=False,
        max_length=2000,
        help_text="A few words help the doctor prepare; this stays private.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def _near_date(value) -> None:
    # Schedules live near today; dates at the ends of the calendar would only
    # overflow the services' date arithmetic.
    if not 2000 <= value.year <= 2200:
        raise forms.ValidationError("Enter a date between 2000 and 2200.")


class WindowForm(forms.Form):
    """A dated window of work, in the doctor's own time."""

    date = forms.DateField(label="Date", validators=[_near_date], widget=_date_input())
    start_time = forms.TimeField(label="From", widget=_time_input())
    end_time = forms.TimeField(label="To", widget=_time_input())


class WeeklyHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label="From", widget=_time_input())
    end_time = forms.TimeField(label="To", widget=_time_input())
    valid_from = forms.DateField(
        label="Starting", validators=[_near_date], required=False, widget=_date_input()
    )
    valid_until = forms.DateField(
        label="Until", validators=[_near_date], required=False, widget=_date_input()
    )


class TimeOffForm(forms.Form):
    """Whole days away, both ends included."""

    date_from = forms.DateField(
        label="First day", validators=[_near_date], widget=_date_input()
    )
    date_to = forms.DateField(
        label="Last day", validators=[_near_date], widget=_date_input()
    )
    reason = forms.CharField(label="Note", required=False, max_length=200)


class TokenForm(forms.Form):
    token = forms.CharField(max_length=1000, widget=forms.HiddenInput)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetForm(forms.Form):
    uid = forms.CharField(max_length=100, widget=forms.HiddenInput)
    token = forms.CharField(max_length=200, widget=forms.HiddenInput)
    password = forms.CharField(
        label="New password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="New password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    """A patient's own details; the service checks what may change."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    date_of_birth = forms.DateField(label="Date of birth", widget=_date_input())
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices)
    contact_number = forms.RegexField(
        label="Phone number",
        required=False,
        max_length=32,
        regex=r"^\+?[0-9 ()-]{5,32}$",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    relative_contact_number = forms.RegexField(
        label="Emergency contact number",
        required=False,
        max_length=32,
        regex=r"^\+?[0-9 ()-]{5,32}$",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class DoctorProfileForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    degree = forms.CharField(label="Degree", required=False, max_length=100)
    years_of_experience = forms.IntegerField(
        label="Years of experience", min_value=0, max_value=80
    )
    description = forms.CharField(
        label="About you",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        label="Photo",
        help_text="A JPEG, PNG or WebP image.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(label="Post without my name", required=False)


class ReportUploadForm(forms.Form):
    patient = forms.TypedChoiceField(label="Patient", coerce=str)
    kind = forms.ChoiceField(label="Kind", choices=ReportKind.choices)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(label="File", help_text="PDF, JPEG or PNG.")

    def __init__(self, *args, patients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].choices = [("", "Choose a patient")] + [
            (str(p.pk), str(p)) for p in patients
        ]


class WaitlistJoinForm(forms.Form):
    """Wait for any freed slot of one doctor between two of the doctor's days."""

    date_from = forms.DateField(
        label="From", validators=[_near_date], widget=_date_input()
    )
    date_to = forms.DateField(label="To", validators=[_near_date], widget=_date_input())
