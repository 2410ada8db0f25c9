"""Admin hooks: accounts ("Tài khoản") for superusers, system administrators and unit administrators."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.views import accounts as account_views


class AccountsMenuItem(MenuItem):
    def is_shown(self, request):
        # The coarse permission (cached by the grant backend) first: no query on every admin page
        # for the accounts that cannot manage accounts anyway.
        user = request.user
        return user.has_perm("portal.add_user") and account_views.can_manage_accounts(user)


@hooks.register("register_admin_urls")
def register_account_urls():
    return account_views.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_accounts_menu_item():
    return AccountsMenuItem(
        _("Accounts"), reverse("portal_accounts:index"), name="accounts", icon_name="group", order=230
    )
