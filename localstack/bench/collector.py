"""Pauses of Python's cycle collector during a measurement.

With thousands of relationships cached, the worker process holds millions of objects, and a
full (oldest generation) collection walks all of them while every workflow task, activity and
call of the process waits. Answers leave more surviving objects behind than bare updates (new
states, recorded batches), so full collections fall mostly among them: a latency percentile
reads differently once it is known how many fell inside it and how long the longest took.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

OLDEST_GENERATION = 2


class CollectorPauses(BaseModel):
    collections: int = 0  # of any generation
    seconds: float = 0.0  # their time together
    full_collections: int = 0
    longest_full_ms: float = 0.0


@contextmanager
def collector_pauses() -> Iterator[CollectorPauses]:
    """Counts the collections made while the block runs; the figures are final at its end."""
    pauses = CollectorPauses()
    started = 0.0
    # Summed unrounded: most young collections take well under a millisecond each.
    total = 0.0

    def observe(phase: str, info: dict[str, Any]) -> None:
        nonlocal started, total
        if phase == "start":
            started = time.perf_counter()
            return
        took = time.perf_counter() - started
        total += took
        pauses.collections += 1
        pauses.seconds = round(total, 3)
        if info["generation"] == OLDEST_GENERATION:
            pauses.full_collections += 1
            pauses.longest_full_ms = round(max(pauses.longest_full_ms, took * 1000), 1)

    gc.callbacks.append(observe)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(observe)
