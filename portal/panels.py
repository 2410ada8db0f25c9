"""Admin edit-form panels shared by the platform's Wagtail-edited models."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.panels import Panel


class AuditTrailPanel(Panel):
    """A link to the object's change history (``portal_audit:history``), once it exists.

    ``key`` is the object's key in ``portal.selectors_audit.AUDITED``.
    """

    def __init__(self, key: str, **kwargs):
        super().__init__(**kwargs)
        self.key = key

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "key": self.key}

    @property
    def clean_name(self):
        return super().clean_name or "audit_trail"

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/audit/_trail_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            pk = getattr(self.instance, "pk", None)
            context["history_url"] = reverse("portal_audit:history", args=[self.panel.key, pk]) if pk else None
            return context
