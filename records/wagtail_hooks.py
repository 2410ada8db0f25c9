"""Admin hooks of the records: the dossier list and the review queue in the menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records import views
from records.views.common import can_list_dossiers, can_review


class DossiersMenuItem(MenuItem):
    def is_shown(self, request):
        return can_list_dossiers(request.user)


class ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review(request.user)


@hooks.register("register_admin_urls")
def register_records_urls():
    return views.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_dossiers_menu_item():
    return DossiersMenuItem(
        _("Dossiers"), reverse("records_dossiers:index"), name="dossiers", icon_name="folder-open-inverse", order=150
    )


@hooks.register("register_admin_menu_item")
def register_reviews_menu_item():
    return ReviewsMenuItem(
        _("Declarations to review"), reverse("records_reviews:queue"), name="reviews", icon_name="tasks", order=160
    )
