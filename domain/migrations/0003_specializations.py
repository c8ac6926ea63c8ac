"""The common specialties, and symptom words that point patients to them."""

from django.db import migrations

SPECIALIZATIONS = {
    # name: (category, symptom keywords)
    "General Practice": ("Primary care", ["fever", "cold", "flu", "fatigue", "cough"]),
    "Internal Medicine": ("Primary care", ["diabetes", "hypertension", "weight loss"]),
    "Pediatrics": ("Primary care", ["child", "baby", "infant", "vaccination"]),
    "Family Medicine": ("Primary care", ["checkup", "physical"]),
    "Cardiology": ("Medical", ["chest pain", "palpitations", "heart", "blood pressure"]),
    "Dermatology": ("Medical", ["rash", "acne", "itching", "skin", "mole", "eczema"]),
    "Endocrinology": ("Medical", ["thyroid", "hormones", "insulin"]),
    "Gastroenterology": (
        "Medical",
        ["stomach", "abdominal pain", "diarrhea", "constipation", "heartburn", "nausea"],
    ),
    "Neurology": ("Medical", ["headache", "migraine", "seizure", "numbness", "dizziness"]),
    "Pulmonology": ("Medical", ["asthma", "wheezing", "breathless", "shortness of breath"]),
    "Nephrology": ("Medical", ["kidney"]),
    "Rheumatology": ("Medical", ["arthritis", "joint pain", "lupus"]),
    "Oncology": ("Medical", ["tumor", "cancer", "lump"]),
    "Psychiatry": ("Mental health", ["anxiety", "depression", "insomnia", "stress"]),
    "Orthopedics": ("Surgical", ["fracture", "back pain", "knee", "sprain", "shoulder"]),
    "General Surgery": ("Surgical", ["hernia", "appendicitis"]),
    "Obstetrics and Gynecology": ("Women's health", ["pregnancy", "menstrual", "pelvic"]),
    "Ophthalmology": ("Senses", ["eye", "vision", "blurry", "red eye"]),
    "Otolaryngology (ENT)": ("Senses", ["ear", "earache", "sore throat", "sinus", "hearing"]),
    "Urology": ("Surgical", ["urinary", "bladder", "prostate"]),
    "Allergy and Immunology": ("Medical", ["allergy", "sneezing", "hives"]),
    "Dentistry": ("Dental", ["tooth", "toothache", "gums"]),
}


def populate(apps, schema_editor):
    Specialization = apps.get_model("domain", "Specialization")
    SymptomKeyword = apps.get_model("domain", "SymptomKeyword")
    for name, (category, keywords) in SPECIALIZATIONS.items():
        specialization, _ = Specialization.objects.get_or_create(
            name=name, defaults={"category": category}
        )
        for keyword in keywords:
            SymptomKeyword.objects.get_or_create(
                keyword=keyword, defaults={"specialization": specialization}
            )


class Migration(migrations.Migration):
    dependencies = [("domain", "0002_postgres_no_overlap")]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop)]
