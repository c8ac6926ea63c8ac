"""On PostgreSQL, refuse overlapping active appointments in the database itself.

Two exclusion constraints over the half-open range [start, end): one per doctor,
one per patient, for pending and confirmed appointments. They hold however many
app processes race. SQLite has no range types; there the booking service runs in
an IMMEDIATE transaction (one writer at a time) and the partial unique
constraints of 0001 remain as a backstop.
"""

from django.db import migrations

ACTIVE = "status IN ('pending', 'confirmed')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE domain_appointment ADD CONSTRAINT appointment_doctor_no_overlap "
    "EXCLUDE USING gist (doctor_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    f"WHERE ({ACTIVE})",
    "ALTER TABLE domain_appointment ADD CONSTRAINT appointment_patient_no_overlap "
    "EXCLUDE USING gist (patient_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    f"WHERE ({ACTIVE})",
]
BACKWARD = [
    "ALTER TABLE domain_appointment DROP CONSTRAINT IF EXISTS "
    "appointment_patient_no_overlap",
    "ALTER TABLE domain_appointment DROP CONSTRAINT IF EXISTS "
    "appointment_doctor_no_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("domain", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
