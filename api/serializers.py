"""What the API shows and accepts. Output serializers describe rows that the access
core has already filtered; input serializers only check shapes — the services decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.models import Community, Membership
from posts.models import Attachment
from profiles.models import UserSkill

# --- Inline shapes ----------------------------------------------------------------------


class PersonBriefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    is_active = serializers.BooleanField()

    def get_name(self, obj) -> str:
        return obj.get_full_name()


class CommunityBriefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class TagSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


# --- People -----------------------------------------------------------------------------


class PersonSerializer(PersonBriefSerializer):
    job_title = serializers.CharField(allow_blank=True)
    department = serializers.CharField(allow_blank=True)
    site = serializers.CharField(allow_blank=True)


class SkillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="skill.name")
    level = serializers.ChoiceField(choices=UserSkill.Level.choices)
    endorsements = serializers.IntegerField(source="endorsements_count")
    endorsed_by_me = serializers.SerializerMethodField()

    def get_endorsed_by_me(self, obj) -> bool:
        return obj.pk in self.context.get("endorsed", set())


class ProfileSerializer(PersonSerializer):
    bio = serializers.CharField(source="profile.bio", allow_blank=True)
    languages = serializers.CharField(source="profile.languages", allow_blank=True)
    followers = serializers.IntegerField(source="profile.followers_count")
    following = serializers.IntegerField(source="profile.following_count")
    followed_by_me = serializers.BooleanField()
    skills = SkillSerializer(many=True)
    member_of = CommunityBriefSerializer(many=True)


class MeSerializer(PersonSerializer):
    email = serializers.EmailField()
    charter_accepted = serializers.BooleanField()
    charter_url = serializers.CharField()
    unread_notifications = serializers.IntegerField()
    scopes = serializers.ListField(child=serializers.CharField())


# --- Communities ------------------------------------------------------------------------


class CommunitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    purpose = serializers.ChoiceField(choices=Community.Purpose.choices)
    access = serializers.ChoiceField(choices=Community.Access.choices)
    visibility = serializers.ChoiceField(choices=Community.Visibility.choices)
    state = serializers.ChoiceField(choices=Community.State.choices)
    members_count = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("communities:detail", args=[obj.slug])


class StandingSerializer(serializers.Serializer):
    membership = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    may_read = serializers.BooleanField()
    may_post = serializers.BooleanField()
    may_join = serializers.BooleanField()
    may_request = serializers.BooleanField()
    may_manage = serializers.BooleanField()


class CommunityDetailSerializer(CommunitySerializer):
    managers = PersonBriefSerializer(many=True)
    me = StandingSerializer()


class MemberSerializer(serializers.Serializer):
    person = PersonBriefSerializer(source="user")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    since = serializers.DateTimeField(source="created_at")


class PendingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonBriefSerializer(source="user")
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    message = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class JoinSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The address of the person's account.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Posts and comments -----------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("posts:attachment", args=[obj.pk, obj.original_name])


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = PersonBriefSerializer()
    community = CommunityBriefSerializer(allow_null=True)
    body = serializers.CharField()
    tags = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    likes_count = serializers.IntegerField()
    comments_count = serializers.IntegerField()
    liked_by_me = serializers.BooleanField(source="liked")
    url = serializers.SerializerMethodField()

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, obj) -> list[dict]:
        return [
            {"slug": link.tag.slug, "name": link.name or link.tag.name}
            for link in obj.tag_links.all()
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    author = PersonBriefSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    likes_count = serializers.IntegerField()
    liked_by_me = serializers.BooleanField(source="liked")


class ThreadCommentSerializer(CommentSerializer):
    replies = CommentSerializer(many=True, source="thread_replies")


class PostWriteSerializer(serializers.Serializer):
    community = serializers.SlugField(
        required=False, allow_blank=True, help_text="A community's slug; none: my profile."
    )
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="multipart/form-data only"
    )


class PostEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    count = serializers.IntegerField()


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField()


# --- Notifications, charter, search -----------------------------------------------------


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    actor = PersonBriefSerializer(allow_null=True)
    community = CommunityBriefSerializer(allow_null=True)
    post = serializers.IntegerField(source="post_id", allow_null=True)
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    data = serializers.DictField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ReadAllSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=1, help_text="The newest notification id shown.")


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class CharterSectionSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()


class CharterSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    url = serializers.CharField()
    accepted = serializers.BooleanField()
    variant = serializers.CharField(
        allow_null=True, help_text="The variant (country or legal entity) one reads, if any."
    )
    sections = CharterSectionSerializer(many=True)


class CharterAcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The number of the version read.")


class SearchTagSerializer(TagSerializer):
    posts_count = serializers.IntegerField()


class SearchSectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    capped = serializers.BooleanField()
    url = serializers.CharField()
    results = serializers.ListField(child=serializers.DictField())


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    sections = SearchSectionSerializer(many=True)


# --- Pages -------------------------------------------------------------------------------


def paged(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The shape of one page of a list: `results` and the `next` page's address."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "results": item(many=True),
            "next": serializers.CharField(allow_null=True, help_text="The next page, if any."),
        },
    )


PostPage = paged(PostSerializer, "PostPage")
CommentPage = paged(ThreadCommentSerializer, "CommentPage")
PersonPage = paged(PersonSerializer, "PersonPage")
CommunityPage = paged(CommunitySerializer, "CommunityPage")
MemberPage = paged(MemberSerializer, "MemberPage")
NotificationPage = paged(NotificationSerializer, "NotificationPage")
