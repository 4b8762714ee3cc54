"""Races for the tests of row locks and unique constraints: calls run in threads that start together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def all_at_once(calls: Sequence[Callable[[], T]], *, timeout: float = 60) -> tuple[list[T], list[Exception]]:
    """Run each call in its own thread, all released together by a barrier, and wait for them. Each thread
    has its own database connection (closed when it ends), so the calls race as two requests would.
    Returns what the calls returned and what they raised, each in the order they finished."""
    barrier = threading.Barrier(len(calls))
    results: list[T] = []
    errors: list[Exception] = []

    def run(call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=timeout / 2)
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - returned to the test, which says what it expects
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
