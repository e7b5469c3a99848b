"""The custom search attributes operators filter on in the Temporal Web UI.

One list, used by the workflow, by `twoway up` (registered at server start), by the test
environments and by the compose file. Values are ids, phases and flags: never names or free text,
because search attributes are stored unencrypted.
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

MENTORING_PROGRAMME = SearchAttributeKey.for_keyword("MentoringProgramme")
MENTORING_PHASE = SearchAttributeKey.for_keyword("MentoringPhase")
MENTORING_MODE = SearchAttributeKey.for_keyword("MentoringMode")
MENTORING_HEALTH = SearchAttributeKey.for_keyword("MentoringHealth")
AWAITING_RESPONSE_FROM = SearchAttributeKey.for_keyword_list("AwaitingResponseFrom")
ESCALATION_OPEN = SearchAttributeKey.for_bool("EscalationOpen")
NEXT_DUE_AT = SearchAttributeKey.for_datetime("NextDueAt")

ALL_SEARCH_ATTRIBUTES: tuple[SearchAttributeKey[Any], ...] = (
    MENTORING_PROGRAMME,
    MENTORING_PHASE,
    MENTORING_MODE,
    MENTORING_HEALTH,
    AWAITING_RESPONSE_FROM,
    ESCALATION_OPEN,
    NEXT_DUE_AT,
)


def cli_flags() -> list[str]:
    """`--search-attribute Name=Type` pairs for `temporal server start-dev`."""
    flags: list[str] = []
    for key in ALL_SEARCH_ATTRIBUTES:
        flags += ["--search-attribute", f"{key.name}={key._metadata_type}"]
    return flags


def initial_search_attributes(programme_id: str) -> TypedSearchAttributes:
    """Set at start so a relationship is filterable before its first workflow task runs."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(MENTORING_PROGRAMME, programme_id),
            SearchAttributePair(MENTORING_PHASE, "proposed"),
        ]
    )
