"""Permission checks shared by the records services (through ``portal.scoping``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal import scoping
from records.models import Dossier


class DossierPermissionDenied(PermissionDenied):
    """The actor may not do this to this dossier (views answer 404 or 403 with the message)."""


def require_dossier(actor, dossier: Dossier, action: str) -> None:
    """Raise ``DossierPermissionDenied`` unless ``actor`` may ``action`` ``dossier``.

    ``actor=None`` is the system itself (commands, seed, imports started by the CLI)."""
    if actor is None:
        return
    if not scoping.restrict(actor, action, Dossier.objects.filter(pk=dossier.pk)).exists():
        raise DossierPermissionDenied(_("You may not change this dossier."))


def require_unit(actor, unit, action: str = scoping.CHANGE) -> None:
    """Raise ``DossierPermissionDenied`` unless ``actor`` may ``action`` dossiers in ``unit``."""
    if actor is None:
        return
    roots = scoping.managed_units(actor, action, model_label="records.dossier")
    if not scoping.unit_in_scope(unit, roots):
        raise DossierPermissionDenied(_("You may not manage dossiers of this unit."))
