"""Every model of the project has a factory, and every factory makes a valid row."""

import inspect
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings
from simple_history.models import HistoricalChanges

from . import factories

FACTORIES = [
    cls
    for _, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, factory.django.DjangoModelFactory) and cls._meta.model is not None
]


def _project_models():
    """The concrete models of the apps in this repository (a package at its top level,
    not Django's or a library's), without the audit-trail copies django-simple-history
    generates."""
    base = Path(settings.BASE_DIR)
    return [
        model
        for config in apps.get_app_configs()
        if (base / config.name.split(".")[0] / "__init__.py").is_file()
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def test_every_model_of_the_project_has_a_factory():
    models = _project_models()
    assert models, "no models found in the project's apps"
    made = {f._meta.model for f in FACTORIES}
    missing = sorted(m._meta.label for m in models if m not in made)
    assert not missing, f"add a factory to tests/factories.py for {', '.join(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_makes_a_valid_row(model_factory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # EvidenceFactory stores a file
    row = model_factory()
    # Saved (the database's constraints accepted it) and valid by the model's own rules.
    model = model_factory._meta.model
    assert model.objects.filter(pk=row.pk).exists()
    row.full_clean()
