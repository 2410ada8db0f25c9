"""Who is writing: the pghistory context for requests, management commands and Celery tasks.

The triggers of ``portal.models.audit`` snapshot every write; the context row they
point at says who made it and from where. This module sets that context:

- ``AuditContextMiddleware``: one context per request (user id and name, client IP,
  request id, path, method). The request id comes from a sane incoming
  ``X-Request-ID`` header or is a new uuid4; it is kept on ``request.request_id``
  and returned in the ``X-Request-ID`` response header.
- ``install()`` (called from ``PortalConfig.ready``): every management command runs
  inside a context naming the command, its arguments and the OS user.
- Celery ``task_prerun``/``task_postrun``: each task runs inside a context naming the
  task and its id.

Context metadata is bound to each SQL statement as a transaction-local setting, so
it costs no extra query; writes outside any context (e.g. migrations run by the test
runner) are still recorded, with no context.
"""

from __future__ import annotations

import functools
import getpass
import re
import sys
import uuid

import pghistory
from django.core.handlers.wsgi import WSGIRequest as DjangoWSGIRequest
from django.core.management import BaseCommand

from portal.services.audit import client_ip

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# Long-running commands serve requests or tasks that set their own context; wrapping
# them would merge every request of a single-threaded server into one context.
UNWRAPPED_COMMANDS = frozenset({"runserver", "testserver", "runserver_plus"})
ARGV_LIMIT = 1000
BASE_OPTIONS = frozenset(
    {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks", "stdout", "stderr"}
)


def request_id_for(request) -> str:
    """The incoming ``X-Request-ID`` when it looks sane (8–64 of ``[A-Za-z0-9._:-]``), else a new uuid4."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "").strip()
    return incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex


def _user_metadata(user) -> dict:
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user.pk, "username": user.get_username()}
    return {"user": None, "username": ""}


class _AuditedRequest(DjangoWSGIRequest):
    """A request that updates the audit context when a view layer (DRF's basic
    authentication) sets ``request.user`` after the middleware ran."""

    def __setattr__(self, attr, value):
        if attr == "user":
            pghistory.context(**_user_metadata(value))
        super().__setattr__(attr, value)


class AuditContextMiddleware:
    """Wraps every request in a ``pghistory.context`` (see the module docstring).

    Must come after ``AuthenticationMiddleware``: it reads ``request.user``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        metadata = {
            **_user_metadata(getattr(request, "user", None)),
            "ip": client_ip(request),
            "request_id": request.request_id,
            "url": request.path,
            "method": request.method,
        }
        with pghistory.context(**metadata):
            if type(request) is DjangoWSGIRequest:
                request.__class__ = _AuditedRequest
            response = self.get_response(request)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        return response


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""


def _command_name(command: BaseCommand) -> str:
    return command.__class__.__module__.rsplit(".", 1)[-1]


def _command_line(name: str, args, options: dict) -> str:
    """The command line as typed (from ``manage.py``) or rebuilt from ``call_command``'s options."""
    if name in sys.argv[1:2]:
        return " ".join(sys.argv[1:])
    shown = [
        f"--{key}={value}"
        for key, value in sorted(options.items())
        if key not in BASE_OPTIONS and value is not None and value is not False
    ]
    return " ".join([name, *map(str, args), *shown])


def _wrap_execute(execute):
    @functools.wraps(execute)
    def audited_execute(self, *args, **options):
        name = _command_name(self)
        if name in UNWRAPPED_COMMANDS:
            return execute(self, *args, **options)
        with pghistory.context(command=name, argv=_command_line(name, args, options)[:ARGV_LIMIT], os_user=_os_user()):
            return execute(self, *args, **options)

    audited_execute.portal_audited = True
    return audited_execute


_task_contexts: dict[str, pghistory.context] = {}


def task_context_enter(sender=None, task_id=None, task=None, **kwargs) -> None:
    """Celery ``task_prerun``: enter a context naming the task and its id."""
    context = pghistory.context(task=getattr(task, "name", str(sender)), task_id=task_id)
    context.__enter__()
    _task_contexts[task_id] = context


def task_context_exit(sender=None, task_id=None, **kwargs) -> None:
    """Celery ``task_postrun``: leave the task's context."""
    context = _task_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)


def install() -> None:
    """Wrap management commands and connect the Celery signals (idempotent)."""
    if not getattr(BaseCommand.execute, "portal_audited", False):
        BaseCommand.execute = _wrap_execute(BaseCommand.execute)
    try:
        from celery.signals import task_postrun, task_prerun
    except ImportError:  # pragma: no cover - Celery is a dependency, but the audit must not need it
        return
    task_prerun.connect(task_context_enter, dispatch_uid="portal_audit_task_prerun")
    task_postrun.connect(task_context_exit, dispatch_uid="portal_audit_task_postrun")
