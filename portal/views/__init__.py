"""Admin screens of the platform (unit tree, catalogues), inside the Wagtail admin.

Views parse the request, call one service or selector and render. Permission
checks happen before any object is looked up, so an account without the
permission learns nothing (not even whether an id exists) and gets a 403 page.
Wagtail's own wrapper sends anonymous visitors, and accounts that may not enter
the admin at all, to the login page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50


def has_any_perm(user, *perms: str) -> bool:
    """Superusers pass; others need one of ``perms``."""
    return bool(user.is_active and (user.is_superuser or any(user.has_perm(perm) for perm in perms)))


def forbidden(request, message=None) -> TemplateResponse:
    """The admin's 403 page: says no, shows nothing of the object asked for."""
    return TemplateResponse(
        request,
        "portal/forbidden.html",
        {
            "header_title": _("Access denied"),
            "page_title": _("Access denied"),
            "message": message or _("You do not have permission to do this."),
        },
        status=403,
    )


class PermissionMixin:
    """Checks ``permissions`` (any of them; superusers always pass) before the view runs."""

    permissions: tuple[str, ...] = ()

    def has_permission(self) -> bool:
        return has_any_perm(self.request.user, *self.permissions)

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return forbidden(request)
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        """Look up the objects named in the URL (after the permission check); 404 if missing."""


def query_flag(request, name: str) -> bool:
    """True when the query string switches ``name`` on (``?name=1``, ``on`` or ``true``)."""
    return request.GET.get(name) in {"1", "on", "true"}


def paginate(request, items, *, per_page: int = PER_PAGE):
    """The requested page (``?p=``) of ``items``, clamped to the existing pages."""
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("p"))


def apply_service_errors(form, exc: ValidationError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ``ValidationError`` on the form: keyed messages on their field
    when the form has it (``field_map`` renames keys), the rest as form-wide errors."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def safe_next_url(request, default: str) -> str:
    """The ``next`` parameter when it points into this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
