"""What the bench scripts share."""

from __future__ import annotations

import time


def counted(function):
    """Run ``function``; return (result, seconds, queries executed)."""
    from django.db import connection

    executed = [0]

    def count(execute, sql, params, many, context):
        executed[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function()
        return result, time.perf_counter() - started, executed[0]
