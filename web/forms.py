"""Forms of the pages: they parse and check shape; services check the rules."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from domain.models import Gender
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


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


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
