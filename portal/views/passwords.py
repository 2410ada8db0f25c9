"""The account holder's change-password page, inside the Wagtail admin chrome.

Reached from the account menu, and the only admin page open to an account that
must change its password (``portal.security_middleware``). The rules (current
password, policy validators, no reuse) are in ``portal.services.passwords``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.forms.auth import LoginForm

from portal.security_middleware import policy_for
from portal.services.passwords import is_account_locked, password_change, password_change_required
from portal.views import apply_service_errors, safe_next_url

app_name = "portal_passwords"


class PolicyLoginForm(LoginForm):
    """Wagtail's login form, telling a locked account to contact its administrator
    (settings.WAGTAILADMIN_USER_LOGIN_FORM) when the password given is right; a wrong
    password gets the ordinary message, so nobody learns which user names exist. The
    backend refuses the account; this only chooses the message."""

    error_messages = {
        **LoginForm.error_messages,
        "account_locked": _(
            "This account is locked after too many failed sign-in attempts or by an administrator. "
            "Please contact your administrator to unlock it."
        ),
    }

    def get_invalid_login_error(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and is_account_locked(username=username, password=password or ""):
            return forms.ValidationError(self.error_messages["account_locked"], code="account_locked")
        return super().get_invalid_login_error()


class PasswordChangeForm(forms.Form):
    """Parses the three fields; every rule is checked by ``password_change``."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password"), data.get("new_password_confirm")
        if first and second and first != second:
            self.add_error("new_password_confirm", _("The two new passwords do not match."))
        return data


class PasswordChangeView(FormView):
    form_class = PasswordChangeForm
    template_name = "portal/passwords/change.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        required = password_change_required(
            user=self.request.user, max_age_days=policy_for(self.request)["max_age_days"]
        )
        context.update(
            page_title=_("Change password"),
            header_title=_("Change password"),
            header_icon="key",
            change_required=required,
            must_change=self.request.user.must_change_password,
            action_url=self.request.get_full_path(),
            submit_button_label=_("Change password"),
            submit_button_active_label=_("Saving…"),
            cancel_url=None if required else reverse("wagtailadmin_home"),
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
        messages.success(self.request, _("Your password has been changed."))
        return redirect(safe_next_url(self.request, reverse("wagtailadmin_home")))


def urlpatterns():
    return [path("mat-khau/doi/", PasswordChangeView.as_view(), name="change")]
