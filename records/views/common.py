"""What the records admin screens share: who may open them, and the catalogue labels they print."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404

from portal import scoping
from portal.models import CatalogueEntry, Unit
from portal.views import forbidden


def can_list_dossiers(user) -> bool:
    """Clerks, approvers, unit and system administrators: a role over some unit subtree
    (an individual uses the self-service portal; a leader reads aggregates)."""
    return bool(scoping.managed_units(user, scoping.VIEW, model_label="records.dossier"))


def can_review(user) -> bool:
    return bool(scoping.managed_units(user, scoping.CHANGE, model_label="records.dossier"))


def units_in_scope(user):
    """Units the user's dossier roles cover (for the unit filter)."""
    roots = scoping.managed_units(user, scoping.VIEW, model_label="records.dossier")
    qs = Unit.objects.filter(dissolved_on__isnull=True).order_by("path")
    if None in roots:
        return qs
    if not roots:
        return qs.none()
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root.path)
    return qs.filter(condition)


def unit_options(user, chosen=None) -> list[tuple[int, str]]:
    """A unit filter's options, (id, name): the units in scope down to two levels below the top
    ones, and the unit chosen (deeper units are reached from their unit page's link), not the whole
    tree (a province has about a thousand units: rendering them all cost more than the page's queries)."""
    roots = scoping.managed_units(user, scoping.VIEW, model_label="records.dossier")
    top = min((root.depth for root in roots if root is not None), default=1)
    options = list(units_in_scope(user).filter(depth__lte=top + 1).values_list("pk", "name"))
    if chosen is not None and (chosen.pk, chosen.name) not in options:
        options.append((chosen.pk, chosen.name))
    return options


def labels(kind: str) -> dict[str, str]:
    return dict(
        CatalogueEntry.objects.filter(kind__code=kind)
        .order_by("code", "active", "valid_from")
        .values_list("code", "label")
    )


class ListPermissionMixin:
    check = staticmethod(can_list_dossiers)

    def dispatch(self, request, *args, **kwargs):
        if not self.check(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


def evidence_response(evidence):
    """Download an evidence file already looked up within the viewer's scope; 404 when missing."""
    if evidence is None or not default_storage.exists(evidence.file):
        raise Http404
    return FileResponse(
        default_storage.open(evidence.file, "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
