"""Input of posts and comments. Limits and rules are checked by the services; the
forms carry the typed text back when something is refused."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communities.models import Community

from .uploads import ALLOWED_EXTENSIONS


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 5, "data-mentions": "1"}),
        help_text=_(
            "Markdown: **bold**, *italic*, [link text](address), lists, > quotes, `code`. "
            "Mention people with @username."
        ),
        strip=False,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. security, lean."),
        widget=forms.TextInput(attrs={"data-tags": "1", "autocomplete": "off"}),
    )

    def __init__(self, *args, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_files = with_files
        self.fields["body"].widget.attrs["maxlength"] = settings.RSE_POST_MAX_CHARS

    @property
    def max_files(self) -> int:
        return settings.RSE_ATTACHMENTS_PER_POST

    @property
    def max_bytes(self) -> int:
        return settings.RSE_ATTACHMENT_MAX_BYTES

    @staticmethod
    def accept() -> str:
        return ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": "1"}),
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.RSE_COMMENT_MAX_CHARS


class ShareForm(forms.Form):
    """Where to share a post, and what to say about it: the communities offered are
    those the viewer may post in (access.communities.communities_postable_by)."""

    community: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose a community"),
        error_messages={
            "required": _("Choose the community to share this post in."),
            "invalid_choice": _("Choose one of the communities offered."),
        },
    )
    body = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": "1"}),
        strip=False,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["body"].widget.attrs["maxlength"] = settings.RSE_POST_MAX_CHARS
