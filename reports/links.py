"""The résumé's buttons on the dossier screens of ``records`` (``records.extensions``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def resume_links(*, dossier, user, self_service: bool = False):
    """The résumé page in the admin; for the person, their own résumé in the self-service
    portal (no id in its URL: it always shows the signed-in person's dossier)."""
    if self_service:
        return (_("Résumé"), reverse("reports_self:resume"))
    return (_("Résumé"), reverse("reports_resume:page", args=[dossier.pk]))
