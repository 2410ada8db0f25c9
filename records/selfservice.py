"""The self-service portal (/ca-nhan/): a person reads their own dossier, declares changes per
section with evidence, follows each declaration and the reason for any return.

Separate from the admin, plain HTML that works on a phone. Every page needs a signed-in
account and shows only the dossier linked to it (``Dossier.account``) through
``portal.scoping`` — there is no id of another person to guess: the URLs name sections and
the person's own declarations and evidence, looked up within their dossier. The person also
changes their own password here, through the admin page's form and service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.security_middleware import policy_for
from portal.services.passwords import password_change, password_change_required
from portal.views import apply_service_errors, safe_next_url
from portal.views.passwords import PasswordChangeForm, PolicyLoginForm
from records import selectors
from records.display import content_display
from records.extensions import dossier_links
from records.models import Declaration, Evidence
from records.section_forms import EVIDENCE_HELP, apply_section_errors, section_editor, section_value
from records.sections.registry import SECTION_BY_KEY
from records.services.common import DossierPermissionDenied
from records.services.declarations import declaration_submit, declaration_withdraw
from records.services.live_rows import content_of
from records.views.common import evidence_response

LOGIN_URL = reverse_lazy("records_self:login")


class SelfMixin(LoginRequiredMixin):
    login_url = LOGIN_URL

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.dossier = selectors.own_dossier(user=request.user)
        return super().dispatch(request, *args, **kwargs)


class HomeView(SelfMixin, TemplateView):
    template_name = "records/self/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossier = self.dossier
        if dossier is None:
            return context
        content = selectors.content_for(user=self.request.user, content=content_of(dossier))
        declarations = list(
            selectors.declarations_of(user=self.request.user, dossier=dossier).prefetch_related("evidence")[:30]
        )
        context.update(
            dossier=dossier,
            sections=content_display(content),
            links=dossier_links(dossier=dossier, user=self.request.user, self_service=True),
            declarations=declarations,
            open_sections={d.section for d in declarations if d.status == "submitted"},
            pending=dossier.latest_version > dossier.live_version,
        )
        return context


class DeclareView(SelfMixin, TemplateView):
    """Declare the new content of one section (the person's own, non-clerk sections)."""

    template_name = "records/self/declare.html"

    def dispatch(self, request, *args, **kwargs):
        section = SECTION_BY_KEY.get(kwargs["section"])
        if section is None or section.clerk_only:
            raise Http404
        self.section = section
        return super().dispatch(request, *args, **kwargs)

    def current(self):
        latest = selectors.version_get(dossier=self.dossier, number=self.dossier.latest_version)
        return latest.content.get(self.section.key)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        extra = 2 if self.section.kind == "rows" else 0
        editor = kwargs.get("editor") or section_editor(self.section, self.current(), mobile=True, extra=extra)
        context.update(
            dossier=self.dossier,
            section=self.section,
            editor=editor,
            errors=kwargs.get("errors", []),
            note=kwargs.get("note", ""),
            evidence_help=EVIDENCE_HELP,
        )
        return context

    def get(self, request, *args, **kwargs):
        if self.dossier is None:
            raise Http404  # no dossier to declare on
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.dossier is None:
            raise Http404
        editor = section_editor(self.section, self.current(), data=request.POST, mobile=True)
        note = request.POST.get("note", "")
        if not editor.is_valid():
            return self.render_to_response(self.get_context_data(editor=editor, note=note))
        try:
            declaration_submit(
                dossier=self.dossier,
                section=self.section.key,
                proposed=section_value(self.section, editor),
                actor=request.user,
                note=note,
                files=request.FILES.getlist("evidence"),
            )
        except DossierPermissionDenied as exc:
            return self.render_to_response(self.get_context_data(editor=editor, errors=[str(exc)], note=note))
        except ValidationError as exc:
            rest = apply_section_errors(editor, self.section, exc.message_dict)
            return self.render_to_response(self.get_context_data(editor=editor, errors=rest, note=note))
        messages.success(request, gettext("Your declaration was sent. The HR clerk will review it."))
        return redirect("records_self:home")


class WithdrawView(SelfMixin, View):
    def post(self, request, pk: int):
        declaration = Declaration.objects.filter(pk=pk, dossier=self.dossier).first() if self.dossier else None
        if declaration is None:
            raise Http404
        try:
            declaration_withdraw(declaration=declaration, actor=request.user)
        except (DossierPermissionDenied, ValidationError):
            messages.error(request, gettext("This declaration can no longer be withdrawn."))
        return redirect("records_self:home")


class EvidenceView(SelfMixin, View):
    def get(self, request, pk: int):
        return evidence_response(Evidence.objects.filter(pk=pk, dossier=self.dossier).first() if self.dossier else None)


class PasswordView(SelfMixin, FormView):
    """The person changes their own password in the portal's look. The admin page's form and
    the same service (``password_change``), so the policy applies identically; the only page
    of the portal open while a change is required (``portal.security_middleware``)."""

    form_class = PasswordChangeForm
    template_name = "records/self/password.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            change_required=password_change_required(user=user, max_age_days=policy_for(self.request)["max_age_days"]),
            must_change=user.must_change_password,
            next=self.request.POST.get("next") or self.request.GET.get("next", ""),
        )
        return context

    def form_valid(self, form):
        user = self.request.user
        try:
            password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=self.request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        # Keep this session signed in (the session hash follows the password).
        update_session_auth_hash(self.request, user)
        messages.success(self.request, gettext("Your password has been changed."))
        home = reverse("records_self:home")
        target = safe_next_url(self.request, home)
        # Only back into the portal: the person stays in its look.
        return redirect(target if target.startswith(home) else home)


class LoginView(auth_views.LoginView):
    template_name = "records/self/login.html"
    authentication_form = PolicyLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("records_self:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("records_self:login")


def urlpatterns():
    patterns = [
        path("", HomeView.as_view(), name="home"),
        path("dang-nhap/", LoginView.as_view(), name="login"),
        path("dang-xuat/", LogoutView.as_view(), name="logout"),
        path("mat-khau/", PasswordView.as_view(), name="password"),
        path("ke-khai/<slug:section>/", DeclareView.as_view(), name="declare"),
        path("ke-khai/<int:pk>/rut/", WithdrawView.as_view(), name="withdraw"),
        path("minh-chung/<int:pk>/", EvidenceView.as_view(), name="evidence"),
    ]
    return [path("ca-nhan/", include((patterns, "records_self"), namespace="records_self"))]
