"""The records endpoints, registered on the platform's API router (``portal.api.urls`` discovers
``<app>.api.routes.register`` in every installed app, so ``portal`` never imports ``records``)."""

from records.api.views import DeclarationViewSet, DossierViewSet


def register(router) -> None:
    router.register("dossiers", DossierViewSet, basename="dossier")
    router.register("declarations", DeclarationViewSet, basename="declaration")
