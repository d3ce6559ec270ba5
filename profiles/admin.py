from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from . import services
from .models import Endorsement, Follow, Profile, Skill, User, UserSkill, normalize_skill_name


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = (
        "phone",
        "bio",
        "photo",
        "languages",
        "interests",
        "followers_count",
        "following_count",
    )
    readonly_fields = ("followers_count", "following_count")


class UserSkillInline(admin.TabularInline):
    model = UserSkill
    extra = 0
    autocomplete_fields = ("skill",)
    fields = ("skill", "level", "endorsements_count")
    readonly_fields = ("endorsements_count",)


@admin.register(User)
class CompanyUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "kind",
        "department",
        "site",
        "is_active",
        "is_staff",
    )
    list_filter = (
        "kind",
        "is_active",
        "is_staff",
        "is_superuser",
        "department",
        "site",
        "country",
        "legal_entity",
        "groups",
    )
    search_fields = ("username", "email", "first_name", "last_name", "department", "organisation")
    autocomplete_fields = ("sponsor",)
    inlines = (ProfileInline, UserSkillInline)
    actions = ("close_accounts", "reactivate_accounts")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Company directory"),
            {
                "fields": (
                    "kind",
                    "job_title",
                    "department",
                    "site",
                    ("country", "legal_entity"),
                )
            },
        ),
        (
            _("External member"),
            {"fields": ("organisation", "sponsor", "access_expires_at", "reconfirmed_at")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "kind",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    # Accounts are closed and reopened only through the actions (sessions, audit trail).
    readonly_fields = ("is_active",)

    def save_model(self, request, obj, form, change) -> None:
        # Access rights as they were, before the flags (here) and groups (save_related)
        # are written, so the audit entry can say what changed.
        form.access_before = services.access_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        services.account_record_admin_change(
            actor=request.user,
            user=obj,
            changed=form.changed_data,
            created=not change,
            request=request,
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.account_record_access_change(
            actor=request.user, user=form.instance, before=form.access_before, request=request
        )

    def get_inline_instances(self, request, obj=None):
        # The profile is created with the user: inlines only on an existing user.
        return super().get_inline_instances(request, obj) if obj else []

    def _run(self, request, queryset, service, done_message):
        done = 0
        for user in queryset:
            try:
                service(actor=request.user, user=user, request=request)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Close the selected accounts (departure)"))
    def close_accounts(self, request, queryset):
        self._run(
            request,
            queryset,
            services.account_close,
            lambda n: (
                ngettext(
                    "%(count)d account closed: signed out everywhere.",
                    "%(count)d accounts closed: signed out everywhere.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Reactivate the selected accounts"))
    def reactivate_accounts(self, request, queryset):
        self._run(
            request,
            queryset,
            services.account_reactivate,
            lambda n: (
                ngettext("%(count)d account reactivated.", "%(count)d accounts reactivated.", n)
                % {"count": n}
            ),
        )


class SkillAdminForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        key = normalize_skill_name(name)
        if not key:
            raise ValidationError(_("Enter the name of a skill."))
        clash = Skill.objects.filter(normalized=key).exclude(pk=self.instance.pk).first()
        if clash:
            raise ValidationError(
                _("“%(name)s” is already in the vocabulary (case and accents are ignored).")
                % {"name": clash.name}
            )
        return name


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    form = SkillAdminForm
    list_display = ("name", "normalized", "holders", "created_at")
    search_fields = ("name", "normalized")
    readonly_fields = ("normalized", "created_at")
    actions = ("merge_skills",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_holders=Count("user_skills"))

    @admin.display(description=_("people"), ordering="n_holders")
    def holders(self, obj) -> int:
        return obj.n_holders

    @admin.action(description=_("Merge the selected skills into the most used one"))
    def merge_skills(self, request, queryset):
        skills = sorted(queryset, key=lambda s: (-s.n_holders, s.pk))
        if len(skills) < 2:
            self.message_user(request, _("Select at least two skills to merge."), messages.WARNING)
            return
        target, sources = skills[0], skills[1:]
        services.skill_merge(actor=request.user, target=target, sources=sources, request=request)
        self.message_user(
            request,
            _("%(sources)s merged into “%(target)s”.")
            % {"sources": ", ".join(f"“{s.name}”" for s in sources), "target": target.name},
            messages.SUCCESS,
        )


# Endorsements and follows are written by services only (they keep the counters right).
@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ("user_skill", "endorser", "created_at")
    list_select_related = ("user_skill__user", "user_skill__skill", "endorser")
    search_fields = (
        "endorser__last_name",
        "user_skill__user__last_name",
        "user_skill__skill__name",
    )


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "followed", "created_at")
    list_select_related = ("follower", "followed")
    search_fields = ("follower__last_name", "followed__last_name")
