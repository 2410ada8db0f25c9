"""Admin screens of the accounts ("Tài khoản"): list, detail, create, bulk individuals, grants.

Every screen needs the "manage accounts" capability (``scoping.can(user, "manage",
User)``: superusers, system administrators and unit administrators); lists come from
``scoping.restrict`` and every object from ``scoping.access``, so an account outside
the actor's subtrees answers 404 exactly like a missing one. Writes call one service
of ``portal.services.accounts``; its ``AccountPermissionDenied`` becomes a 403 page
with its message, its ``ValidationError`` errors on the form.

Initial and reset passwords are shown once, in the response that created them (and
as an .xlsx generated in that same response); they are never stored in clear.
"""

from __future__ import annotations

import base64
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.forms.accounts import (
    AccountCreateForm,
    AccountFilterForm,
    BulkIndividualsForm,
    ConfirmForm,
    GrantForm,
    LockForm,
)
from portal.models import Grant
from portal.selectors_accounts import access_account, account_list
from portal.services.accounts import (
    AccountPermissionDenied,
    account_create,
    account_lock,
    account_reset_password,
    account_revoke,
    account_unlock,
    accounts_create_individuals,
    grant_create,
    grant_revoke,
)
from portal.views import apply_service_errors, forbidden, paginate

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_manage_accounts(user) -> bool:
    """Menu and screens: superusers, system administrators, unit administrators."""
    return scoping.can(user, scoping.MANAGE, get_user_model())


def passwords_workbook(accounts) -> str:
    """An .xlsx of user names and initial passwords, base64 for a data: link (never stored)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tai khoan"
    sheet.append([gettext("User name"), gettext("Full name"), gettext("Unit"), gettext("Initial password")])
    for account in accounts:
        user = account.user
        sheet.append(
            [user.username, user.get_full_name(), user.unit.name if user.unit_id else "", account.initial_password]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


def audit_url(user) -> str:
    return f"/admin/audit/user/{user.pk}/"


class AccountsMixin(WagtailAdminTemplateMixin):
    """Permission check before anything is looked up; breadcrumbs of the section."""

    header_icon = "user"
    page_title = _("Accounts")

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_accounts(request.user):
            return forbidden(request)
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        """Look up the objects named in the URL through the scoping primitive (404 if out of scope)."""

    def section_breadcrumbs(self, *extra: dict) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": reverse("portal_accounts:index"), "label": _("Accounts")}, *extra]

    def get_breadcrumbs_items(self):
        return self.section_breadcrumbs()


class AccountIndexView(AccountsMixin, TemplateView):
    template_name = "portal/accounts/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = AccountFilterForm(self.request.GET or None, user=self.request.user)
        search, unit = "", None
        if filters.is_valid():
            search, unit = filters.cleaned_data["q"], filters.cleaned_data["unit"]
        page = paginate(self.request, account_list(user=self.request.user, search=search, unit=unit))
        context.update(filters=filters, page=page, accounts=page.object_list, query=search)
        return context


class AccountObjectMixin(AccountsMixin):
    account_action = scoping.VIEW

    def load_objects(self):
        self.account = access_account(user=self.request.user, pk=self.kwargs["pk"], action=self.account_action)

    def get_breadcrumbs_items(self):
        return self.section_breadcrumbs(
            {"url": reverse("portal_accounts:detail", args=[self.account.pk]), "label": self.account.username}
        )


class AccountDetailView(AccountObjectMixin, TemplateView):
    template_name = "portal/accounts/detail.html"

    def get_page_subtitle(self):
        return self.account.username

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = scoping.restrict(self.request.user, scoping.VIEW, Grant.objects.filter(user=self.account))
        grants = grants.select_related("unit", "granted_by", "revoked_by").order_by("revoked_at", "role", "pk")
        context.update(
            account=self.account,
            grants=list(grants),
            today=timezone.localdate(),
            audit_url=audit_url(self.account),
            can_manage=scoping.restrict(self.request.user, scoping.MANAGE, get_user_model().objects.all())
            .filter(pk=self.account.pk)
            .exists(),
        )
        return context


class AccountFormView(AccountsMixin, FormView):
    """A form that calls one service; ``AccountPermissionDenied`` answers a 403 page."""

    template_name = "portal/accounts/form.html"
    submit_label = _("Save")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return self.section_breadcrumbs({"url": None, "label": self.get_page_title()})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            submit_button_label=self.submit_label,
            submit_button_active_label=_("Saving…"),
            action_url=self.request.get_full_path(),
            media=context["form"].media,
            cancel_url=self.cancel_url(),
        )
        return context

    def cancel_url(self) -> str:
        return reverse("portal_accounts:index")

    def form_valid(self, form):
        try:
            return self.perform(form)
        except AccountPermissionDenied as exc:
            return forbidden(self.request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)

    def perform(self, form):
        raise NotImplementedError


class AccountCreateView(AccountFormView):
    form_class = AccountCreateForm
    page_title = _("New account")
    submit_label = _("Create account")

    def perform(self, form):
        data = form.cleaned_data
        created = account_create(
            actor=self.request.user,
            username=data["username"],
            unit=data["unit"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            birth_date=data["birth_date"],
            personal_id=data["personal_id"],
            request=self.request,
        )
        return created_response(self, [created], form)


class AccountBulkCreateView(AccountFormView):
    form_class = BulkIndividualsForm
    template_name = "portal/accounts/bulk.html"
    page_title = _("Individual accounts for a unit")
    submit_label = _("Create accounts")

    def perform(self, form):
        created = accounts_create_individuals(
            actor=self.request.user,
            unit=form.cleaned_data["unit"],
            people=form.cleaned_data["people"],
            request=self.request,
        )
        return created_response(self, created, form)


def created_response(view, created, form) -> TemplateResponse:
    """The one page that shows initial passwords; not cached, never shown again."""
    response = TemplateResponse(
        view.request,
        "portal/accounts/created.html",
        {
            **view.get_context_data(form=form),
            "page_title": _("Accounts created"),
            "header_title": _("Accounts created"),
            "created": created,
            "workbook": passwords_workbook(created),
            "workbook_type": XLSX_TYPE,
            "workbook_name": f"tai-khoan-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


class GrantCreateView(AccountObjectMixin, AccountFormView):
    account_action = scoping.MANAGE
    form_class = GrantForm
    page_title = _("Grant a role")
    submit_label = _("Grant")

    def get_page_subtitle(self):
        return self.account.username

    def get_initial(self):
        return {"unit": self.account.unit_id, "starts_on": timezone.localdate()}

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": None, "label": self.page_title}]

    def cancel_url(self):
        return reverse("portal_accounts:detail", args=[self.account.pk])

    def perform(self, form):
        data = form.cleaned_data
        grant = grant_create(
            actor=self.request.user,
            user=self.account,
            role=data["role"],
            unit=data["unit"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data["note"],
        )
        messages.success(self.request, gettext("Granted: %(grant)s.") % {"grant": grant})
        return redirect(self.cancel_url())


class AccountActionView(AccountObjectMixin, AccountFormView):
    """A confirmation page (GET) and the action (POST) on one account in the actor's scope."""

    account_action = scoping.MANAGE
    form_class = ConfirmForm
    template_name = "portal/accounts/confirm.html"
    question = ""

    def get_page_subtitle(self):
        return self.account.username

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": None, "label": self.page_title}]

    def cancel_url(self):
        return reverse("portal_accounts:detail", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account, "question": self.question}

    def done(self, message):
        messages.success(self.request, message)
        return redirect(self.cancel_url())


class AccountLockView(AccountActionView):
    form_class = LockForm
    page_title = _("Lock account")
    submit_label = _("Lock")
    question = _("The account will no longer be able to sign in until it is unlocked.")

    def perform(self, form):
        account_lock(
            actor=self.request.user, user=self.account, reason=form.cleaned_data["reason"], request=self.request
        )
        return self.done(gettext("Account '%(username)s' is locked.") % {"username": self.account.username})


class AccountUnlockView(AccountActionView):
    page_title = _("Unlock account")
    submit_label = _("Unlock")
    question = _("The account will be able to sign in again.")

    def perform(self, form):
        account_unlock(actor=self.request.user, user=self.account, request=self.request)
        return self.done(gettext("Account '%(username)s' is unlocked.") % {"username": self.account.username})


class AccountResetPasswordView(AccountActionView):
    page_title = _("Reset password")
    submit_label = _("Reset password")
    question = _("A new password will be generated; the account must change it at the next sign-in.")

    def perform(self, form):
        password = account_reset_password(actor=self.request.user, user=self.account, request=self.request)
        response = TemplateResponse(
            self.request,
            "portal/accounts/password.html",
            {**self.get_context_data(form=form), "password": password},
        )
        response["Cache-Control"] = "no-store"
        return response


class AccountRevokeView(AccountActionView):
    page_title = _("Revoke account")
    submit_label = _("Revoke")
    question = _("The account will be deactivated and all its roles revoked. Its history is kept.")

    def perform(self, form):
        account_revoke(actor=self.request.user, user=self.account, request=self.request)
        return self.done(gettext("Account '%(username)s' is revoked.") % {"username": self.account.username})


class GrantRevokeView(AccountActionView):
    page_title = _("Revoke role")
    submit_label = _("Revoke role")

    def load_objects(self):
        super().load_objects()
        self.grant = scoping.access(
            user=self.request.user,
            queryset=Grant.objects.filter(user=self.account).select_related("unit"),
            pk=self.kwargs["grant_pk"],
            action=scoping.MANAGE,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "question": str(self.grant)}

    def perform(self, form):
        grant_revoke(actor=self.request.user, grant=self.grant)
        return self.done(gettext("Role revoked: %(grant)s.") % {"grant": self.grant})


def account_urls():
    return [
        path("", AccountIndexView.as_view(), name="index"),
        path("add/", AccountCreateView.as_view(), name="add"),
        path("bulk/", AccountBulkCreateView.as_view(), name="bulk"),
        path("<int:pk>/", AccountDetailView.as_view(), name="detail"),
        path("<int:pk>/lock/", AccountLockView.as_view(), name="lock"),
        path("<int:pk>/unlock/", AccountUnlockView.as_view(), name="unlock"),
        path("<int:pk>/reset-password/", AccountResetPasswordView.as_view(), name="reset_password"),
        path("<int:pk>/revoke/", AccountRevokeView.as_view(), name="revoke"),
        path("<int:pk>/grants/add/", GrantCreateView.as_view(), name="grant_add"),
        path("<int:pk>/grants/<int:grant_pk>/revoke/", GrantRevokeView.as_view(), name="grant_revoke"),
    ]


def urlpatterns():
    return [path("accounts/", include((account_urls(), "portal_accounts"), namespace="portal_accounts"))]
