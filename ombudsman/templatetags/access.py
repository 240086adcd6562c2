"""``{% if user|can:"complete" %}``: a named rule of ``ombudsman.access`` (its name without
"can_"), so a template shows a link only to those the page behind it lets in. An unknown
name is an error, never a quiet "no"."""

from django import template

from ombudsman.access import RULES

register = template.Library()


@register.filter
def can(user, rule_name: str) -> bool:
    return RULES[rule_name](user)
