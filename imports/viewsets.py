"""The saved column mappings in the Wagtail admin (``imports_mappings``): list, create, edit.

Writes go through ``imports.services.mappings.column_mapping_save`` (its refusals land on the
form's fields); reads through ``imports.selectors.column_mapping_list``. Only accounts whose role
drives imports (``ImportJob`` CHANGE: system and unit administrators, HR clerks) see these screens
(``CapabilityPermissionPolicy``; anyone else gets the 403 page). Mappings are provincial content,
not tied to a unit, and are never deleted: the import history names the mapping each job used.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from imports.forms import ColumnMappingForm
from imports.models import ColumnMapping, ImportJob
from imports.selectors import column_mapping_list
from imports.services.mappings import column_mapping_save
from imports.specs import target_title
from portal import scoping
from portal.views import apply_service_errors, forbidden

# Deleting would drop the mapping from the history of the jobs that used it.
MAPPING_ACTIONS = {"add", "change", "view"}


def can_manage_mappings(user) -> bool:
    return scoping.can(user, scoping.CHANGE, ImportJob)


class CapabilityPermissionPolicy(BasePermissionPolicy):
    """Wagtail's permission questions about mappings answered from the roles that drive imports."""

    def user_has_permission(self, user, action):
        return action in MAPPING_ACTIONS and can_manage_mappings(user)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()  # roles live on grants over units, not on accounts

    def instances_user_has_any_permission_for(self, user, actions):
        if any(action in MAPPING_ACTIONS for action in actions):
            return column_mapping_list(user=user)
        return ColumnMapping.objects.none()


if policy_registry.get_by_type(ColumnMapping, fallback=False) is None:
    register_permission_policy(ColumnMapping, CapabilityPermissionPolicy(ColumnMapping))


class MappingAccessMixin:
    """403 page for accounts without the capability (before anything is looked up); objects
    through ``column_mapping_list``."""

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_mappings(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return column_mapping_list(user=self.request.user)


class ServiceSaveMixin:
    """Save through ``column_mapping_save``; its ``ValidationError`` goes back onto the form."""

    def form_valid(self, form):
        self.form = form
        try:
            self.object = column_mapping_save(
                actor=self.request.user,
                name=form.cleaned_data["name"],
                target=form.cleaned_data["target"],
                columns=form.cleaned_data.get("columns", {}),
                note=form.cleaned_data.get("note", ""),
                instance=form.instance if form.instance.pk else None,
            )
        except PermissionDenied as exc:
            return forbidden(self.request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map={"columns": "lines"})
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()


class MappingIndexView(MappingAccessMixin, generic.IndexView):
    pass


class MappingCreateView(MappingAccessMixin, ServiceSaveMixin, generic.CreateView):
    pass


class MappingEditView(MappingAccessMixin, ServiceSaveMixin, generic.EditView):
    pass


class ColumnMappingViewSet(ModelViewSet):
    model = ColumnMapping
    name = "imports_mappings"
    url_prefix = "imports/mappings"
    icon = "table"
    menu_label = _("Column mappings")
    add_to_admin_menu = False
    index_view_class = MappingIndexView
    add_view_class = MappingCreateView
    edit_view_class = MappingEditView
    add_to_reference_index = False
    copy_view_enabled = False
    list_display = [
        "name",
        Column("target", label=_("What the sheets hold"), accessor=lambda mapping: target_title(mapping.target)),
        Column("note", label=_("Note")),
        DateColumn("updated_at", label=_("updated at")),
    ]

    def get_form_class(self, for_update=False):
        return ColumnMappingForm

    def get_common_view_kwargs(self, **kwargs):
        # No delete, history or usage screens (see the module docstring).
        return super().get_common_view_kwargs(
            delete_url_name=None, history_url_name=None, usage_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]

    def get_permissions_to_register(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.none()  # the roles decide (CapabilityPermissionPolicy), not groups


column_mapping_viewset = ColumnMappingViewSet()
