"""Extension points of the records screens for the apps built on them (``reports``: the résumé;
``imports``: the export of a filtered list), so that ``records`` never imports them (the layer rule)."""

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


ListLinkProvider = Callable[..., "tuple[str, str] | None"]  # (user=, query=) -> (label, url)
_list_links: list[ListLinkProvider] = []


def register_list_link(provider: ListLinkProvider) -> None:
    """Add a link under the dossier list's export; ``query`` is the list's filters as a query string."""
    if provider not in _list_links:
        _list_links.append(provider)


def list_links(*, user, query: str) -> list[tuple[str, str]]:
    links = (provider(user=user, query=query) for provider in _list_links)
    return [link for link in links if link]
