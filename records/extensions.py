"""Extension points of the records screens for the apps built on them (``reports``: the résumé),
so that ``records`` never imports them (the layer rule)."""

from __future__ import annotations

from collections.abc import Callable

DossierLinkProvider = Callable[..., "tuple[str, str] | None"]  # (dossier=, user=) -> (label, url)
_dossier_links: list[DossierLinkProvider] = []


def register_dossier_link(provider: DossierLinkProvider) -> None:
    """Add a button to the dossier page (admin) and the person's own page (self-service)."""
    if provider not in _dossier_links:
        _dossier_links.append(provider)


def dossier_links(*, dossier, user, self_service: bool = False) -> list[tuple[str, str]]:
    links = (provider(dossier=dossier, user=user, self_service=self_service) for provider in _dossier_links)
    return [link for link in links if link]
