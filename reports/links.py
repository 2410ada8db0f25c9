"""The résumé's buttons on the dossier screens of ``records`` (``records.extensions``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def resume_links(*, dossier, user, self_service: bool = False):
    """The résumé page in the admin; for the person, the printable page (no admin chrome)."""
    if self_service:
        return (_("Résumé"), reverse("reports_resume:print", args=[dossier.pk]))
    return (_("Résumé"), reverse("reports_resume:page", args=[dossier.pk]))
