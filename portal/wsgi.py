"""WSGI entry point (gunicorn portal.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Django, Wagtail and the project's modules live as long as the process: move them out of the
# garbage collector's generations so its full passes no longer walk them during requests (about
# 15 ms of a list page at 100,000 dossiers: bench/RESULTS.md). With gunicorn's --preload the
# frozen objects are also shared with the workers, copy-on-write.
gc.collect()
gc.freeze()
