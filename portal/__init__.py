"""The Django project and the configurable platform (unit tree, catalogues, ...)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
