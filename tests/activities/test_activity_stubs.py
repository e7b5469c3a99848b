"""The workflows call activities through stubs; the worker runs the implementations.

A stub and its implementation must agree on the activity name and on the argument and result
types, or a workflow would schedule an activity no worker knows, or decode its result wrongly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from temporalio import activity

from activities import models, programme_models
from activities.programme_activities import programme_activities
from activities.relationship_activities import relationship_activities
from store.database import Pool


def _definitions(functions: list[Callable[..., Any]]) -> dict[str, tuple[object, object]]:
    # Temporal keeps what it (de)serialises with on a private definition; reading it here checks
    # exactly the types a worker and a workflow would use.
    found: dict[str, tuple[object, object]] = {}
    for function in functions:
        definition = activity._Definition.must_from_callable(function)
        assert definition.name is not None
        found[definition.name] = (definition.arg_types, definition.ret_type)
    return found


def _stubs() -> list[Callable[..., Any]]:
    return [
        value
        for module in (models, programme_models)
        for value in vars(module).values()
        if callable(value) and hasattr(value, "__temporal_activity_definition")
    ]


def test_every_registered_activity_has_a_stub_with_the_same_name_and_types() -> None:
    nowhere = cast(Pool, None)  # the implementations only keep the pool until they run
    registered = [*relationship_activities(nowhere), *programme_activities(nowhere)]

    assert _definitions(_stubs()) == _definitions(registered)


def test_the_activity_type_names_stay_those_recorded_in_running_histories() -> None:
    assert sorted(_definitions(_stubs())) == [
        "close_out_programme",
        "look_up_availability",
        "open_escalation",
        "propose_matches",
        "record_events",
        "revise_proposal",
        "send_programme_digest",
        "update_escalation",
    ]
