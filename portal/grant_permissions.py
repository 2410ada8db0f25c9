"""Model permissions derived from grants, so Wagtail's admin and DRF see what roles allow.

Roles are not Django groups: a grant holds a role over a unit subtree for a
period. This backend answers Django's coarse model-permission checks (can this
account open the unit screens at all?) from the account's active grants; which
objects it may touch is decided by ``portal.scoping.restrict``.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from portal.choices import Role

CONFIG_VIEW = {
    "portal.view_unit",
    "portal.view_cataloguekind",
    "portal.view_catalogueentry",
    "portal.view_fielddefinition",
}
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SYSTEM_ADMIN: CONFIG_VIEW
    | {
        f"portal.{verb}_{model}"
        for verb in ("add", "change", "delete", "view")
        for model in ("unit", "cataloguekind", "catalogueentry", "fielddefinition", "user", "grant", "securitypolicy")
    }
    | {"wagtailsettings.change_securitypolicy"}
    | {f"django_celery_beat.{verb}_periodictask" for verb in ("add", "change", "view")},
    Role.UNIT_ADMIN: CONFIG_VIEW
    | {"portal.add_unit", "portal.change_unit", "portal.view_user", "portal.add_user", "portal.change_user"}
    | {"portal.view_grant", "portal.add_grant", "portal.change_grant"},
    Role.HR_CLERK: set(CONFIG_VIEW),
    Role.APPROVER: set(CONFIG_VIEW),
    Role.LEADER: set(CONFIG_VIEW),
    Role.INDIVIDUAL: set(CONFIG_VIEW),
}
ADMIN_ACCESS = "wagtailadmin.access_admin"


class GrantPermissionBackend(BaseBackend):
    """Grants → permissions. Authenticates nobody; only answers permission checks."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached = getattr(user_obj, "_grant_perm_cache", None)
        if cached is None:
            from portal.scoping import active_grants

            cached = set()
            for grant in active_grants(user_obj):
                cached |= ROLE_PERMISSIONS.get(grant.role, set()) | {ADMIN_ACCESS}
            user_obj._grant_perm_cache = cached
        return cached

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
