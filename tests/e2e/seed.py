"""Builds the records a browser test starts from, inside the test server's database.

Run as ``python -m tests.e2e.seed KIND [name]`` with the server's environment; it
prints the new record as one JSON line.
"""

import json
import sys


def main(kind: str, name: str) -> dict:
    from tests.factories import make_doctor, make_patient, make_specialization

    if kind == "doctor":
        doctor = make_doctor(
            specialization=make_specialization("Cardiology"),
            time_zone="Europe/London",
            min_notice_minutes=0,
            license_number=f"E2E-{name}",
            user_fields={"username": name, "first_name": "Hana", "last_name": name},
        )
        return {"doctor_id": doctor.pk, "username": name}
    if kind == "patient":
        user = make_patient(username=name, first_name=name.title(), last_name="Test")
        return {"user_id": str(user.pk), "username": name}
    raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
