"""The clerk's change of one section in the admin (appointment, salary step, reward, discipline,
corrections), with the decision and its document: the next pending version of the dossier."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages

from portal import scoping
from portal.forms.common import VietnameseDateField
from portal.views import apply_service_errors, forbidden
from records import selectors
from records.choices import DossierStatus
from records.section_forms import EVIDENCE_HELP, apply_section_errors, section_editor, section_value
from records.sections.registry import SECTION_BY_KEY, SECTIONS
from records.services.common import DossierPermissionDenied
from records.services.dossiers import dossier_change, dossier_status_change
from records.views.common import can_review
from records.views.dossiers import DossierMixin


class ChangeForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = VietnameseDateField(label=_("Decision date"))


class DossierChangeView(DossierMixin, TemplateView):
    check = staticmethod(can_review)
    template_name = "records/dossier_change.html"
    page_title = _("Change a section")

    def dispatch(self, request, *args, **kwargs):
        self.section = SECTION_BY_KEY.get(kwargs["section"])
        if self.section is None:
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        return response

    def get_breadcrumbs_items(self):
        return self.dossier_breadcrumbs({"url": None, "label": self.section.label})

    def current(self):
        return selectors.version_get(dossier=self.dossier, number=self.dossier.latest_version).content.get(
            self.section.key
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        extra = 1 if self.section.kind == "rows" else 0
        context.update(
            dossier=self.dossier,
            section=self.section,
            sections=SECTIONS,
            editor=kwargs.get("editor") or section_editor(self.section, self.current(), extra=extra),
            form=kwargs.get("form") or ChangeForm(initial={"expected_version": self.dossier.latest_version}),
            errors=kwargs.get("errors", []),
            evidence_help=EVIDENCE_HELP,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not scoping.restrict(request.user, scoping.CHANGE, self.same_dossier()).exists():
            return forbidden(request, gettext("You may not change this dossier."))
        editor = section_editor(self.section, self.current(), data=request.POST)
        form = ChangeForm(request.POST)
        if not (editor.is_valid() and form.is_valid()):
            return self.render_to_response(self.get_context_data(editor=editor, form=form))
        data = form.cleaned_data
        try:
            version = dossier_change(
                dossier=self.dossier,
                sections={self.section.key: section_value(self.section, editor)},
                actor=request.user,
                expected_version=data["expected_version"],
                reason=data["reason"] or "",
                decision_number=data["decision_number"] or "",
                decision_date=data["decision_date"],
                files=request.FILES.getlist("documents"),
            )
        except DossierPermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            rest = apply_section_errors(editor, self.section, exc.message_dict)
            return self.render_to_response(self.get_context_data(editor=editor, form=form, errors=rest))
        messages.success(
            request,
            gettext("Version %(number)s was created; it waits for the head of unit's approval.")
            % {"number": version.number},
        )
        return redirect(reverse("records_dossiers:detail", args=[self.dossier.pk]))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=DossierStatus.choices)
    effective_on = VietnameseDateField(label=_("Effective on"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)


class DossierStatusView(DossierMixin, TemplateView):
    """Retirement, resignation, dismissal, death, transfer out, move to the Party bloc: the
    dossier's status with its effective date and decision (the dossier stays readable)."""

    check = staticmethod(can_review)
    template_name = "records/dossier_status.html"
    page_title = _("Change the status")

    def get_breadcrumbs_items(self):
        return self.dossier_breadcrumbs({"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            dossier=self.dossier, form=kwargs.get("form") or StatusForm(initial={"status": self.dossier.status})
        )
        return context

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            dossier_status_change(
                dossier=self.dossier,
                status=form.cleaned_data["status"],
                actor=request.user,
                effective_on=form.cleaned_data["effective_on"],
                decision=form.cleaned_data["decision"] or "",
            )
        except DossierPermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, gettext("The dossier's status was changed."))
        return redirect(reverse("records_dossiers:detail", args=[self.dossier.pk]))
