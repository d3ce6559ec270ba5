"""What the pages of lower apps (a post, a profile) show about questions, read here so
that those apps need not know this one."""

from django import template

from access import questions as question_rules

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def may_accept_answers(context, post) -> bool:
    """Whether the viewer may accept an answer to `post` (False if it is no question)."""
    request = context.get("request")
    if request is None or getattr(post, "question", None) is None:
        return False
    return question_rules.can_accept(request.viewer, post)


@register.simple_tag
def answer_standings(person) -> list:
    """The skills on which `person`'s answers were accepted, with how many."""
    return selectors.standings_of(person)
