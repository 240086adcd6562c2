"""``{{ user|person }}``: a person's name as ``ombudsman.people.person_name`` gives it. The
template says what nobody reads as: ``{{ action.owner|person|default:"No owner" }}``."""

from django import template

from ombudsman.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
