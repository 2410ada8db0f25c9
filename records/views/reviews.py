"""The review queue: declarations awaiting review in the clerk's subtree, and one review
(current values beside the declared ones, with the evidence), accepted or returned per section."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.views import apply_service_errors, forbidden, paginate
from records import selectors
from records.forms import AcceptForm, ReturnForm
from records.models import Declaration
from records.sections.registry import SECTION_KEYS, section_title
from records.services.common import DossierPermissionDenied
from records.services.content_diff import content_diff
from records.services.declarations import declaration_accept, declaration_return
from records.tables import DeclarationTable
from records.views.common import ListPermissionMixin, can_review, unit_options, units_in_scope


class ReviewQueueView(ListPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    check = staticmethod(can_review)
    template_name = "records/review_queue.html"
    page_title = _("Declarations to review")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        unit = None
        if params.get("unit", "").isdigit():
            unit = units_in_scope(self.request.user).filter(pk=params["unit"]).first()
        section = params.get("section", "") if params.get("section", "") in SECTION_KEYS else ""
        older = int(params["older_than_days"]) if params.get("older_than_days", "").isdigit() else None
        queue = selectors.declaration_queue(user=self.request.user, unit=unit, section=section, older_than_days=older)
        page = paginate(self.request, queue)
        context.update(
            table=DeclarationTable(page.object_list),
            page=page,
            units=[
                (pk, name, unit is not None and pk == unit.pk) for pk, name in unit_options(self.request.user, unit)
            ],
            unit=unit,
            sections=[(key, section_title(key)) for key in SECTION_KEYS],
            section=section,
            older_than_days=older or "",
        )
        return context


class ReviewView(ListPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One declaration: current section beside the proposed one, evidence, accept or return."""

    check = staticmethod(can_review)
    template_name = "records/review.html"
    page_title = _("Review a declaration")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.check(request.user):
            qs = Declaration.objects.select_related("dossier", "dossier__unit", "submitted_by")
            self.declaration = scoping.access(user=request.user, queryset=qs, pk=kwargs["pk"], action=scoping.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("records_reviews:queue"), "label": _("Declarations to review")},
            {"url": None, "label": self.declaration.dossier.full_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaration = self.declaration
        dossier = declaration.dossier
        current = selectors.version_get(dossier=dossier, number=dossier.latest_version).content
        key = declaration.section
        proposed = (
            {**current, key: declaration.proposed}
            if declaration.proposed
            else {k: v for k, v in current.items() if k != key}
        )
        context.update(
            declaration=declaration,
            dossier=dossier,
            section_label=section_title(key),
            diffs=content_diff(
                selectors.content_for(user=self.request.user, content=current),
                selectors.content_for(user=self.request.user, content=proposed),
            ),
            changed_since=dossier.latest_version != declaration.base_version,
            evidence=list(declaration.evidence.all()),
            accept_form=kwargs.get("accept_form") or AcceptForm(),
            return_form=kwargs.get("return_form") or ReturnForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        form = AcceptForm(request.POST) if decision == "accept" else ReturnForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**{f"{decision}_form": form}))
        try:
            if decision == "accept":
                declaration_accept(
                    declaration=self.declaration,
                    actor=request.user,
                    override_conflict=form.cleaned_data["override_conflict"],
                    reason=form.cleaned_data["reason"],
                )
                message = gettext("Accepted: the change waits for the head of unit's approval.")
            else:
                declaration_return(declaration=self.declaration, actor=request.user, reason=form.cleaned_data["reason"])
                message = gettext("Returned to the person with your reason.")
        except DossierPermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(**{f"{decision}_form": form}))
        messages.success(request, message)
        return redirect("records_reviews:queue")


__all__ = ["ReviewQueueView", "ReviewView"]
