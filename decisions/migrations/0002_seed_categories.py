"""Seed the Ombudsman's two-level category taxonomy (editable afterwards in the admin).

Top levels and subcategories as the Ombudsman files its published decisions, including
every one seen in the decisions and reports the product was built from.
"""

from django.db import migrations

TAXONOMY = {
    "Adult care services": [
        "Assessment and care plan", "Charging", "Direct payments", "Domiciliary care",
        "Residential care", "Safeguarding", "Transport", "Other",
    ],
    "Benefits and tax": [
        "Business rates", "Council tax", "Housing benefit and council tax reduction", "Other",
    ],
    "Children's care services": [
        "Adoption", "Child protection", "Disabled children", "Fostering",
        "Looked after children", "Special guardianship", "Other",
    ],
    "Corporate and other services": [
        "Commercial and contracts", "Corporate complaints handling",
        "Councillor conduct and standards", "Data protection", "Elections and electoral register",
        "Land", "Leisure and culture", "Public health", "Trading standards", "Other",
    ],
    "Education": [
        "Admissions", "Alternative provision", "Exclusions", "School transport",
        "Special educational needs", "Other",
    ],
    "Environment and regulation": [
        "Antisocial behaviour", "Cemeteries and crematoria", "Drainage", "Licensing", "Noise",
        "Pollution", "Refuse and recycling", "Street cleaning", "Trees", "Other",
    ],
    "Health": ["Mental health services", "Other"],
    "Highways and transport": [
        "Highway repair and maintenance", "Parking and other penalties", "Public transport",
        "Street lighting", "Traffic management", "Other",
    ],
    "Housing": [
        "Allocations", "Disabled facilities grants", "Homelessness", "Private housing",
        "Right to buy", "Other",
    ],
    "Planning and development": [
        "Building control", "Enforcement", "Planning applications", "Other",
    ],
}  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("decisions", "Category")
    for top_name, subcategories in TAXONOMY.items():
        top, _ = Category.objects.get_or_create(name=top_name, parent=None)
        for name in subcategories:
            Category.objects.get_or_create(name=name, parent=top)


def unseed(apps, schema_editor):
    Category = apps.get_model("decisions", "Category")
    Category.objects.filter(parent__name__in=TAXONOMY, complaints__isnull=True).delete()
    Category.objects.filter(
        name__in=TAXONOMY, parent=None, children__isnull=True, complaints__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
