from django import template

from core.wording import elision as elision_context

register = template.Library()


@register.filter
def elision(name) -> str:
    """`{% blocktranslate context name|elision with name=name %}Post by {{ name }}…`:
    the French variant with "d'" when the name starts with a vowel."""
    return elision_context(name)
