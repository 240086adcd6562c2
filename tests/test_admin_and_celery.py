"""The admin covers every domain model with search and filters; Celery is wired."""

import pytest
from celery import shared_task
from django.apps import apps
from django.contrib import admin

from .factories import AgreedActionFactory, FindingFactory, UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("decisions", "remedies")


def _domain_models():
    return [
        m
        for app in DOMAIN_APPS
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ]


def test_every_domain_model_is_in_the_admin_with_search_and_filters():
    for model in _domain_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model
        assert model_admin.search_fields, model
        assert model_admin.list_filter, model


def test_admin_lists_search_and_history_pages_open(client):
    action = AgreedActionFactory()
    FindingFactory(decision=action.decision)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for model in _domain_models():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(url, {"q": "x"}).status_code == 200, url
    history = client.get(f"/admin/remedies/agreedaction/{action.pk}/history/")
    assert history.status_code == 200


@shared_task
def _add(x, y):
    return x + y


def test_celery_runs_tasks_in_process_on_the_embedded_default():
    from ombudsman.celery import app

    assert app.main == "ombudsman"
    assert app.conf.task_always_eager is True  # read from Django settings (CELERY_ prefix)
    assert _add.delay(2, 3).get(timeout=5) == 5
