"""factory_boy factories for the domain models (no shared fixtures with fixed ids)."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from decisions.models import Category, Complaint, Decision, Finding, Organisation, ServiceArea
from remedies.models import AgreedAction


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Example Borough Council {n}")
    kind = Organisation.Kind.UNITARY


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("directorate", "service")

    directorate = "Adult Social Care"
    service = factory.Sequence(lambda n: f"Service {n}")


def category(path: str) -> Category:
    """A seeded category by its "Top > Sub" name."""
    top, sub = (part.strip() for part in path.split(">"))
    return Category.objects.get(name=sub, parent__name=top)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"25 {n // 1000 % 1000:03d} {n % 1000:03d}")
    complainant_label = "Mr X"

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create:
            self.organisations.set(extracted or [OrganisationFactory()])


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    complaint = factory.SubFactory(ComplaintFactory)
    decision_date = date(2025, 2, 13)
    outcome = Decision.Outcome.UPHELD
    summary = "We found fault by the Council."


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    decision = factory.SubFactory(DecisionFactory)
    point = "Delay in answering the complaint"
    fault = Finding.Fault.YES
    result = Finding.Result.UPHELD


class AgreedActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAction

    decision = factory.SubFactory(DecisionFactory)
    decision_date = factory.LazyAttribute(lambda a: a.decision.decision_date)
    kind = AgreedAction.Kind.FINANCIAL
    organisation = factory.LazyAttribute(lambda a: a.decision.complaint.organisations.first())
    payee_label = "Mr X"
    amount = Decimal("200.00")
    deadline_phrase = "within two months of the final decision"
