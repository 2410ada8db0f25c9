"""Admin screens of the signing configuration ("Chữ ký số"): trust roots and signing credentials.

System administrators only (``is_system_admin``); anyone else gets the admin's 403 page
before any object is looked up. Lists and detail pages show the certificate (subject,
issuer, validity, key usage, SHA-256 fingerprint), never a secret: no key file, no
passphrase, no PIN (only the names of the environment variables that hold them). Writes
go through ``portal.services.signing``. There is no export.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.forms.signing import SigningCredentialForm, TrustRootForm
from portal.models import SigningCredential, TrustRoot
from portal.scoping import is_system_admin
from portal.services.signing import (
    signing_credential_register,
    signing_credential_set_active,
    trust_root_set_active,
    trust_root_upload,
)
from portal.signing.certificates import key_usage_label
from portal.signing.selectors import signing_credential_list, trust_root_list
from portal.views import PermissionMixin, apply_service_errors, paginate, query_flag


def can_manage_signing(user) -> bool:
    return is_system_admin(user)


def key_usage_text(obj) -> str:
    return ", ".join(key_usage_label(usage) for usage in obj.key_usage or []) or gettext("(not restricted)")


class SigningMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "key"

    def has_permission(self) -> bool:
        return can_manage_signing(self.request.user)

    def signing_breadcrumbs(self, section: str, *extra: dict) -> list[dict]:
        if section == "trust_roots":
            crumb = {"url": reverse("portal_signing:trust_roots"), "label": _("Trust roots")}
        else:
            crumb = {"url": reverse("portal_signing:credentials"), "label": _("Signing credentials")}
        return [*self.breadcrumbs_items, crumb, *extra]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        return context


class TrustRootIndexView(SigningMixin, TemplateView):
    template_name = "portal/signing/trust_roots.html"
    page_title = _("Trust roots")

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("trust_roots")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roots = trust_root_list(include_inactive=not query_flag(self.request, "active"))
        context.update(section="trust_roots", page=paginate(self.request, roots))
        return context


class TrustRootDetailView(SigningMixin, TemplateView):
    template_name = "portal/signing/trust_root_detail.html"
    page_title = _("Trust root")

    def load_objects(self):
        self.trust_root = get_object_or_404(TrustRoot.objects.defer("certificate"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.trust_root.name

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("trust_roots", {"url": None, "label": self.trust_root.name})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(trust_root=self.trust_root, key_usage=key_usage_text(self.trust_root))
        return context


class TrustRootUploadView(SigningMixin, FormView):
    template_name = "portal/signing/form.html"
    form_class = TrustRootForm
    page_title = _("Upload a trust root")

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("trust_roots", {"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=_("Upload"),
            submit_button_active_label=_("Uploading…"),
            cancel_url=reverse("portal_signing:trust_roots"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        try:
            trust_root = trust_root_upload(
                actor=self.request.user,
                certificate=form.cleaned_data["certificate"].read(),
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("'%(name)s' is now a trust root.") % {"name": trust_root.name})
        return redirect("portal_signing:trust_root_detail", pk=trust_root.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("The certificate was not added; correct the errors below."))
        return super().form_invalid(form)


class TrustRootStatusView(SigningMixin, View):
    """POST ``active=1`` to trust a root again, anything else to stop trusting it."""

    http_method_names = ["post"]

    def load_objects(self):
        self.trust_root = get_object_or_404(TrustRoot.objects.defer("certificate"), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        active = request.POST.get("active") == "1"
        trust_root = trust_root_set_active(actor=request.user, trust_root=self.trust_root, active=active)
        message = gettext("'%(name)s' is trusted.") if active else gettext("'%(name)s' is no longer trusted.")
        messages.success(request, message % {"name": trust_root.name})
        return redirect("portal_signing:trust_root_detail", pk=trust_root.pk)


class CredentialIndexView(SigningMixin, TemplateView):
    template_name = "portal/signing/credentials.html"
    page_title = _("Signing credentials")

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("credentials")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        credentials = signing_credential_list(include_inactive=not query_flag(self.request, "active"))
        page = paginate(self.request, credentials)
        for credential in page:
            credential.key_usage_display = key_usage_text(credential)
        context.update(section="credentials", page=page)
        return context


class CredentialDetailView(SigningMixin, TemplateView):
    template_name = "portal/signing/credential_detail.html"
    page_title = _("Signing credential")

    def load_objects(self):
        self.credential = get_object_or_404(signing_credential_list(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.credential.label

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("credentials", {"url": None, "label": self.credential.label})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(credential=self.credential, key_usage=key_usage_text(self.credential))
        return context


class CredentialAddView(SigningMixin, FormView):
    template_name = "portal/signing/form.html"
    form_class = SigningCredentialForm
    page_title = _("Register a signing credential")

    def get_breadcrumbs_items(self):
        return self.signing_breadcrumbs("credentials", {"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=_("Register"),
            submit_button_active_label=_("Checking…"),
            cancel_url=reverse("portal_signing:credentials"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        try:
            credential = signing_credential_register(actor=self.request.user, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map={"user": "username"})
            return self.form_invalid(form)
        messages.success(self.request, gettext("Credential '%(label)s' is registered.") % {"label": credential.label})
        return redirect("portal_signing:credential_detail", pk=credential.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("The credential was not registered; correct the errors below."))
        return super().form_invalid(form)


class CredentialStatusView(SigningMixin, View):
    """POST ``active=1`` to put a credential in use, anything else to take it out of use."""

    http_method_names = ["post"]

    def load_objects(self):
        self.credential = get_object_or_404(SigningCredential.objects.defer("pkcs12_encrypted"), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        active = request.POST.get("active") == "1"
        credential = signing_credential_set_active(actor=request.user, credential=self.credential, active=active)
        message = gettext("'%(label)s' is in use.") if active else gettext("'%(label)s' is no longer in use.")
        messages.success(request, message % {"label": credential.label})
        return redirect("portal_signing:credential_detail", pk=credential.pk)


def signing_urls():
    return [
        path("trust-roots/", TrustRootIndexView.as_view(), name="trust_roots"),
        path("trust-roots/add/", TrustRootUploadView.as_view(), name="trust_root_add"),
        path("trust-roots/<int:pk>/", TrustRootDetailView.as_view(), name="trust_root_detail"),
        path("trust-roots/<int:pk>/status/", TrustRootStatusView.as_view(), name="trust_root_status"),
        path("credentials/", CredentialIndexView.as_view(), name="credentials"),
        path("credentials/add/", CredentialAddView.as_view(), name="credential_add"),
        path("credentials/<int:pk>/", CredentialDetailView.as_view(), name="credential_detail"),
        path("credentials/<int:pk>/status/", CredentialStatusView.as_view(), name="credential_status"),
    ]


def urlpatterns():
    return [path("signing/", include((signing_urls(), "portal_signing"), namespace="portal_signing"))]
