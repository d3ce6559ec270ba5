from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are evidence (audit entries, acceptances): admins read them, and
    nobody adds, changes or deletes them from the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
