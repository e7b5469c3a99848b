"""`twoway bench` says how often the cycle collector paused the process inside a measurement."""

from __future__ import annotations

import gc

from localstack.bench.collector import collector_pauses
from localstack.bench.figures import _full_collections


def test_full_collections_inside_the_block_are_counted_and_timed() -> None:
    with collector_pauses() as pauses:
        gc.collect(0)
        gc.collect(2)
        gc.collect(2)

    assert pauses.full_collections == 2
    assert pauses.collections >= 3
    assert pauses.longest_full_ms > 0
    assert pauses.seconds * 1000 >= pauses.longest_full_ms


def test_collections_after_the_block_are_not_counted() -> None:
    with collector_pauses() as pauses:
        pass
    gc.collect(2)

    assert pauses.full_collections == 0
    assert pauses.collections == 0


def test_the_table_names_the_pauses_of_answers_and_bare_updates() -> None:
    def pauses(full: int, longest: float) -> dict[str, float]:
        return {
            "collections": 9,
            "seconds": 1.0,
            "full_collections": full,
            "longest_full_ms": longest,
        }

    stack = {"collector": {"prompt_answers": pauses(1, 612.5), "bare_updates": pauses(0, 0.0)}}

    assert _full_collections(stack, "") == "1 (longest 612.5 ms) / 0 (longest 0.0 ms)"
    assert _full_collections({}, "") == "not measured"
