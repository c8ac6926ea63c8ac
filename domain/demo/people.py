"""Who works and who books: doctor personas and a generated patient population.

The first twelve doctors are hand-written personas spread over three time zones
and a dozen specialties; past twelve, doctors are generated from the same
ingredients so benchmarks can ask for fifty. Every invented name, number and
licence here is fictional.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from domain.demo.records import Block, DoctorSeed, PatientSeed, seeded_uuid

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"
ZONES = (LONDON, NEW_YORK, KOLKATA)
# Patients are spread over the zones roughly as the doctors are.
ZONE_WEIGHTS = {LONDON: 0.42, NEW_YORK: 0.33, KOLKATA: 0.25}
COUNTRY = {LONDON: "GB", NEW_YORK: "US", KOLKATA: "IN"}

FIRST_NAMES = {
    LONDON: {
        "female": ["Olivia", "Isla", "Freya", "Poppy", "Imogen", "Harriet", "Ruby"],
        "male": ["Oliver", "George", "Harry", "Alfie", "Rupert", "Callum", "Owen"],
    },
    NEW_YORK: {
        "female": ["Emma", "Ava", "Madison", "Chloe", "Naomi", "Rosa", "Keisha"],
        "male": ["Liam", "Noah", "Mason", "Elijah", "Diego", "Caleb", "Andre"],
    },
    KOLKATA: {
        "female": ["Ananya", "Ishita", "Meera", "Riya", "Sneha", "Kavya", "Tanvi"],
        "male": ["Aarav", "Vihaan", "Rohan", "Kabir", "Siddharth", "Dev", "Arnav"],
    },
}
LAST_NAMES = {
    LONDON: ["Ashworth", "Pemberton", "Hughes", "Fletcher", "Kaur", "Doyle", "Lowe"],
    NEW_YORK: ["Carter", "Ramirez", "Sullivan", "Nguyen", "Washington", "Kim", "Ross"],
    KOLKATA: ["Banerjee", "Iyer", "Chatterjee", "Sen", "Ghosh", "Pillai", "Das"],
}
SYMPTOMS = [
    "",
    "",
    "Recurring headaches in the afternoon.",
    "Dry cough for two weeks.",
    "Itchy rash on both forearms.",
    "Knee pain after running.",
    "Trouble sleeping and feeling anxious.",
    "Occasional palpitations when climbing stairs.",
    "Blurry vision when reading.",
    "Sore throat and blocked sinuses.",
    "Routine check-up, no complaints.",
    "Follow-up on blood pressure readings.",
]

# Degrees and fee ranges per specialty for generated doctors.
GENERATED_SPECIALTIES = [
    ("General Practice", "MBBS", 15),
    ("Internal Medicine", "MD", 30),
    ("Pediatrics", "MD", 20),
    ("Cardiology", "MD, FACC", 30),
    ("Dermatology", "MD", 20),
    ("Orthopedics", "MS (Ortho)", 30),
    ("Endocrinology", "MD", 30),
    ("Gastroenterology", "MD", 30),
    ("Neurology", "DM (Neuro)", 30),
    ("Psychiatry", "MD", 60),
    ("Otolaryngology (ENT)", "MS (ENT)", 20),
    ("Ophthalmology", "MS (Ophth)", 20),
    ("Pulmonology", "MD", 30),
    ("Obstetrics and Gynecology", "MS (OBG)", 30),
    ("Allergy and Immunology", "MD", 30),
    ("Dentistry", "BDS", 30),
]


@dataclass(frozen=True)
class _Persona:
    first_name: str
    last_name: str
    specialization: str
    time_zone: str
    degree: str
    years: int
    fee: str
    slot_minutes: int
    morning: tuple[str, str]
    afternoon: tuple[str, str]
    days_off: tuple[int, ...]
    half_days: tuple[int, ...]
    max_per_day: int
    requires_confirmation: bool
    popularity: float
    quality: float
    description: str


PERSONAS = [
    _Persona("Amelia", "Hart", "General Practice", LONDON, "MBBS, MRCGP", 14,
             "65.00", 15, ("08:30", "12:30"), ("13:30", "17:30"), (), (2,), 24,
             False, 1.15, 4.5,
             "Family doctor with an interest in asthma and long-term conditions."),
    _Persona("Rahul", "Mehta", "General Practice", KOLKATA, "MBBS, MD", 9,
             "25.00", 15, ("09:00", "13:00"), ("14:00", "18:00"), (), (), 26,
             False, 1.25, 4.3,
             "General physician; fevers, infections and diabetes follow-up."),
    _Persona("Grace", "Okafor", "Pediatrics", NEW_YORK, "MD, FAAP", 11,
             "120.00", 20, ("08:00", "12:00"), ("13:00", "16:00"), (), (), 18,
             False, 1.1, 4.7,
             "Pediatrician for newborns to teenagers; vaccinations and asthma."),
    _Persona("Daniel", "Brooks", "Cardiology", NEW_YORK, "MD, FACC", 21,
             "250.00", 30, ("09:00", "12:00"), ("13:00", "16:00"), (4,), (), 10,
             True, 0.95, 4.6,
             "Cardiologist: chest pain, palpitations and blood pressure."),
    _Persona("Sophie", "Laurent", "Dermatology", LONDON, "MBBS, MRCP (Derm)", 8,
             "140.00", 20, ("09:00", "12:00"), ("13:00", "17:00"), (), (), 18,
             False, 1.0, 4.2,
             "Dermatologist: eczema, acne and mole checks."),
    _Persona("Priya", "Raman", "Obstetrics and Gynecology", KOLKATA,
             "MBBS, MS (OBG)", 16, "40.00", 30, ("10:00", "13:00"),
             ("15:00", "18:00"), (), (), 12, True, 1.05, 4.6,
             "Obstetrician and gynecologist; antenatal care."),
    _Persona("Thomas", "Whitfield", "Orthopedics", LONDON, "MBChB, FRCS (Orth)",
             18, "180.00", 30, ("08:00", "12:00"), ("13:00", "16:00"), (2,), (),
             12, False, 0.85, 4.0,
             "Orthopedic surgeon: knees, shoulders and sports injuries."),
    _Persona("Maya", "Goldberg", "Psychiatry", NEW_YORK, "MD", 12, "200.00", 60,
             ("09:00", "12:00"), ("13:00", "17:00"), (), (), 7, False, 0.9, 4.8,
             "Psychiatrist: anxiety, depression and sleep problems."),
    _Persona("Arjun", "Nair", "Neurology", KOLKATA, "MBBS, DM (Neuro)", 10,
             "50.00", 30, ("09:30", "13:00"), ("14:00", "17:30"), (), (5,), 12,
             False, 0.8, 4.1,
             "Neurologist: migraine, dizziness and seizures."),
    _Persona("Eleanor", "Price", "Otolaryngology (ENT)", LONDON,
             "MBBS, FRCS (ORL-HNS)", 15, "150.00", 20, ("09:00", "12:00"),
             ("13:00", "16:00"), (4,), (), 16, False, 0.9, 4.4,
             "ENT surgeon: sinus, ear and throat problems."),
    _Persona("Marcus", "Reid", "Ophthalmology", NEW_YORK, "MD", 7, "160.00", 20,
             ("08:00", "12:00"), ("13:00", "16:00"), (), (), 18, False, 0.8, 3.9,
             "Ophthalmologist: vision checks, red eye and glaucoma follow-up."),
    _Persona("Hannah", "Clarke", "Pulmonology", LONDON, "MBBS, MRCP (Resp)", 13,
             "170.00", 30, ("09:00", "12:30"), ("13:30", "16:30"), (), (), 12,
             False, 0.85, 4.3,
             "Chest physician: asthma, COPD and persistent cough."),
]  # fmt: skip


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _week(
    morning: tuple[str, str],
    afternoon: tuple[str, str],
    *,
    days_off: tuple[int, ...],
    half_days: tuple[int, ...],
) -> dict[int, tuple[Block, ...]]:
    week = {}
    for weekday in range(5):
        if weekday in days_off:
            continue
        blocks = [Block(_clock(morning[0]), _clock(morning[1]))]
        if weekday not in half_days:
            blocks.append(Block(_clock(afternoon[0]), _clock(afternoon[1])))
        week[weekday] = tuple(blocks)
    return week


def _generated_persona(rng: random.Random, index: int) -> _Persona:
    specialization, degree, slot = GENERATED_SPECIALTIES[
        index % len(GENERATED_SPECIALTIES)
    ]
    zone = ZONES[index % len(ZONES)]
    gender = rng.choice(("female", "male"))
    morning_start = rng.choice(("08:00", "09:00"))
    morning_end = "12:00"
    afternoon = rng.choice((("13:00", "16:00"), ("13:00", "17:00")))
    days_off = (rng.randrange(5),) if rng.random() < 0.3 else ()
    slots_per_day = (
        (12 - int(morning_start[:2])) * 60
        + (int(afternoon[1][:2]) - int(afternoon[0][:2])) * 60
    ) // slot
    return _Persona(
        first_name=rng.choice(FIRST_NAMES[zone][gender]),
        last_name=rng.choice(LAST_NAMES[zone]),
        specialization=specialization,
        time_zone=zone,
        degree=degree,
        years=rng.randint(3, 30),
        fee=f"{rng.randrange(30, 260, 5)}.00",
        slot_minutes=slot,
        morning=(morning_start, morning_end),
        afternoon=afternoon,
        days_off=days_off,
        half_days=(),
        max_per_day=max(4, slots_per_day - rng.randint(0, 4)),
        requires_confirmation=rng.random() < 0.2,
        popularity=math.exp(rng.gauss(0, 0.25)),
        quality=round(rng.uniform(3.6, 4.8), 2),
        description=f"{specialization} consultant.",
    )


def make_doctors(rng: random.Random, count: int) -> list[DoctorSeed]:
    """``count`` doctors: the hand-written personas first, then generated ones."""
    doctors = []
    for index in range(count):
        persona = (
            PERSONAS[index] if index < len(PERSONAS) else _generated_persona(rng, index)
        )
        number = index + 1
        doctors.append(
            DoctorSeed(
                index=index,
                user_id=seeded_uuid(rng),
                username=f"doctor{number}",
                first_name=persona.first_name,
                last_name=persona.last_name,
                specialization=persona.specialization,
                time_zone=persona.time_zone,
                degree=persona.degree,
                license_number=(f"DEMO-{COUNTRY[persona.time_zone]}-{number:04d}"),
                years_of_experience=persona.years,
                consultation_fee=Decimal(persona.fee),
                description=persona.description,
                slot_minutes=persona.slot_minutes,
                min_notice_minutes=rng.choice((60, 120, 120, 240)),
                booking_horizon_days=rng.choice((60, 90)),
                max_patients_per_day=persona.max_per_day,
                requires_confirmation=persona.requires_confirmation,
                cancellation_cutoff_hours=rng.choice((12, 24, 24, 48)),
                week=_week(
                    persona.morning,
                    persona.afternoon,
                    days_off=persona.days_off,
                    half_days=persona.half_days,
                ),
                popularity=persona.popularity,
                quality=persona.quality,
            )
        )
    return doctors


def _age(rng: random.Random) -> int:
    # Children, working-age adults and older patients, roughly as a mixed
    # practice sees them.
    band = rng.random()
    if band < 0.2:
        return rng.randint(0, 15)
    if band < 0.85:
        return rng.randint(16, 64)
    return rng.randint(65, 94)


def make_patients(rng: random.Random, count: int, *, today: date) -> list[PatientSeed]:
    """``count`` patients with profiles and latent booking behaviour."""
    zones = list(ZONE_WEIGHTS)
    weights = list(ZONE_WEIGHTS.values())
    patients = []
    for index in range(count):
        zone = rng.choices(zones, weights)[0]
        gender = rng.choices(("female", "male", "other"), (0.51, 0.47, 0.02))[0]
        name_pool = FIRST_NAMES[zone]["male" if gender == "male" else "female"]
        age = _age(rng)
        born = today - timedelta(days=age * 365 + rng.randrange(365))
        number = index + 1
        prefix = {LONDON: "+44 7700", NEW_YORK: "+1 555", KOLKATA: "+91 90000"}[zone]
        patients.append(
            PatientSeed(
                index=index,
                user_id=seeded_uuid(rng),
                username=f"patient{number}",
                first_name=rng.choice(name_pool),
                last_name=rng.choice(LAST_NAMES[zone]),
                date_of_birth=born,
                gender=gender,
                contact_number=f"{prefix} {number:06d}",
                relative_contact_number=f"{prefix} {900000 + number:06d}",
                symptoms=rng.choice(SYMPTOMS),
                home_zone=zone,
                # Heavy-tailed: a few patients book far more often than most.
                activity=math.exp(rng.gauss(0, 0.8)),
                cancel_bias=rng.gauss(0, 0.4),
                no_show_bias=rng.gauss(0, 0.6),
            )
        )
    return patients


def is_child(patient: PatientSeed, today: date) -> bool:
    return (today - patient.date_of_birth).days < 16 * 365


def suits(doctor: DoctorSeed, patient: PatientSeed, today: date) -> bool:
    """Whether a patient would plausibly book this doctor at all."""
    child = is_child(patient, today)
    if doctor.specialization == "Pediatrics":
        return child
    if doctor.specialization == "Obstetrics and Gynecology":
        return not child and patient.gender == "female"
    # Children mostly go to the pediatrician, but the GP sees some of them.
    return not child or doctor.specialization == "General Practice"
