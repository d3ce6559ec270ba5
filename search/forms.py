"""Filters of the "show more" pages of search (the words come from `q`, parsed apart)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from access.communities import communities_readable_by
from profiles.selectors import directory_choices

from .selectors import PeopleFilters, PostFilters


class LongSelect(forms.Select):
    """A `<select>` of hundreds of options (the communities one may read), rendered in
    one loop: Django's own renders a template per option (34 ms for 885, 13 here)."""

    template_name = "search/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = self.format_value(value)
        context["widget"].update(choices=self.choices, selected=chosen[0] if chosen else "")
        return context


def _choices(values: list[str], empty) -> list[tuple[str, str]]:
    return [("", empty), *((value, value) for value in values)]


class PeopleFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=60)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        departments, sites = directory_choices(viewer)
        self.fields["department"].choices = _choices(departments, _("Any department"))
        self.fields["site"].choices = _choices(sites, _("Any site"))

    def filters(self) -> PeopleFilters:
        if not (self.is_bound and self.is_valid()):
            return PeopleFilters()
        return PeopleFilters(**self.cleaned_data)


class PostFilterForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), required=False, widget=LongSelect)
    author = forms.CharField(
        label=_("Author (user name)"), required=False, max_length=150, strip=True
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100, allow_unicode=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    question = forms.ChoiceField(
        label=_("Questions"),
        required=False,
        choices=[
            ("", _("All posts")),
            ("any", _("Questions")),
            ("unanswered", _("Unanswered questions")),
            ("resolved", _("Resolved questions")),
        ],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Those whose posts the viewer may read: the others would find nothing.
        communities = communities_readable_by(viewer).order_by("name", "pk")
        self.fields["community"].choices = [
            ("", _("Any community")),
            *communities.values_list("slug", "name"),
        ]

    def clean_tag(self) -> str:
        return self.cleaned_data["tag"].lower()

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must come after the start date."))
        return data

    def filters(self) -> PostFilters:
        if not (self.is_bound and self.is_valid()):
            return PostFilters()
        return PostFilters(**self.cleaned_data)
