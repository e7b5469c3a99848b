"""HTML forms generated from the answer models' JSON schema.

The answer models in ``domain/prompts.py`` are the single source of truth: a new field there
appears in the inbox without touching a template. Only wording (labels, help) lives here, because
a schema knows types and limits but not how to ask a person a question kindly.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel

from domain.prompts import (
    CheckInAnswer,
    ClosingReflectionAnswer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    MeetingLogAnswer,
    MeetingMoveAnswer,
    MutualConsentAnswer,
    OnboardingAnswer,
    PromptKind,
)

ANSWER_MODELS: dict[PromptKind, type[BaseModel]] = {
    PromptKind.CONSENT: ConsentAnswer,
    PromptKind.ONBOARDING: OnboardingAnswer,
    PromptKind.CONTRACT_PROPOSAL: ContractProposalAnswer,
    PromptKind.CONTRACT_REVIEW: ContractReviewAnswer,
    PromptKind.MEETING_LOG: MeetingLogAnswer,
    PromptKind.CHECKIN: CheckInAnswer,
    PromptKind.MUTUAL_CONSENT: MutualConsentAnswer,
    PromptKind.CLOSING_REFLECTION: ClosingReflectionAnswer,
    PromptKind.MEETING_MOVE: MeetingMoveAnswer,
}

Widget = Literal[
    "text",
    "textarea",
    "number",
    "checkbox",
    "yesno",
    "radio",
    "select",
    "datetime",
    "duration",
    "meeting_slot",
]
# Free text longer than this gets a multi-line box.
_TEXTAREA_FROM = 301
# Without JavaScript a list cannot grow; this many empty rows are offered, unused ones ignored.
DEFAULT_SLOTS = 3

LABELS: dict[str, str] = {
    "decision": "Your decision",
    "reason": "Reason (seen by the coordinator only, never by your partner)",
    "read_your_role": "I have read this part and understand my role",
    "read_rapport_and_trust": "I have read this part and will work on rapport and trust",
    "read_confidentiality": "I have read this part and accept the confidentiality",
    "read_power_gap": "I have read this part and will mind the power gap",
    "read_staying_on_focus": "I have read this part and will keep our meetings on focus",
    "read_when_something_goes_wrong": "I have read this part and know where to turn",
    "hopes_to_teach": "What I hope to teach",
    "hopes_to_learn": "What I hope to learn",
    "terms": "Proposed contract",
    "counter_terms": "Your counter-proposal (only when you choose counter)",
    "goals": "Goals",
    "description": "Goal",
    "success_measure": "How we will know it is achieved",
    "direction": "Who learns",
    "focus_area": "Focus area",
    "cadence": "How often you meet",
    "meeting_length": "Length of a meeting",
    "meeting_format": "Meeting format",
    "confidentiality_terms": "Confidentiality terms",
    "term_end": "End of the term (UTC)",
    "slot": "When you meet (in your own time)",
    "location": "Where: a place or a video link",
    "happened": "Did the meeting happen?",
    "learned": "What I learned",
    "taught": "What I taught",
    "reschedule_to": "If it did not happen: new date and time (UTC)",
    "satisfaction": "Satisfaction with the relationship (1 = low, 5 = high)",
    "goal_progress": "Progress per goal",
    "goal_number": "Goal number",
    "score": "Progress (1 = none, 5 = achieved)",
    "psychological_safety": "I feel safe to speak openly (1 = not at all, 5 = fully)",
    "focus": "Focus of our meetings",
    "tension_flag": "Flag a tension to the coordinator",
    "private_note": "Private note to the coordinator (your partner never sees it)",
    "learning_goes_both_ways": "I would like learning to go both ways (mutual mentoring)",
    "other_direction_goals": "Goals for the other direction",
    "consent": "I agree that learning goes both ways",
    "goals_achieved": "Goals achieved",
    "achieved": "Achieved",
    "continue_informally": "I would like to continue informally",
    "want_renewal": "I would like to renew for another term",
    "note": "What worries you (only the coordinator reads it, never your partner)",
    "until": "Pause until (UTC)",
    "to": "New date and time (UTC)",
    "confirm": "Does the new time suit you?",
}
# What one row of a list is called ("Goal 2").
ITEM_LABELS: dict[str, str] = {
    "goals": "Goal",
    "other_direction_goals": "Goal",
    "goal_progress": "Goal",
    "goals_achieved": "Goal",
}
HELP: dict[str, str] = {
    "cadence": "For example: 2 weeks, 14 days, 1 month.",
    "meeting_length": "For example: 60 minutes, 1 hour.",
    "slot": (
        "Only times inside both your working hours, in every week of the term (clock changes"
        " included), for a meeting of the suggested length."
    ),
}

CHOICE_LABELS: dict[str, str] = {
    "accept": "Accept",
    "decline": "Decline",
    "counter": "Counter-propose",
    "mentor_to_mentee": "The senior learns from the junior (reverse)",
    "mentee_to_mentor": "The junior learns from the senior",
    "in_person": "In person",
    "video": "Video call",
    "phone": "Phone",
    "on_track": "On track",
    "drifting_to_small_talk": "Drifting to small talk",
    "off_topic": "Off topic",
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


# The empty choice of the meeting time: contracts may still meet on the bare cadence.
NO_FIXED_SLOT = Choice("", "No fixed time: every cadence from the day we sign")


@dataclass(frozen=True)
class FieldNode:
    name: str
    label: str
    widget: Widget
    required: bool
    help: str | None = None
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    node: Literal["field"] = "field"

    @property
    def element_id(self) -> str:
        return element_id(self.name)


@dataclass(frozen=True)
class GroupNode:
    name: str
    label: str
    children: tuple[Node, ...]
    optional: bool = False
    node: Literal["group"] = "group"

    @property
    def element_id(self) -> str:
        return element_id(self.name)


@dataclass(frozen=True)
class RepeatNode:
    name: str
    label: str
    slots: tuple[Node, ...]
    min_items: int = 0
    max_items: int | None = None
    node: Literal["repeat"] = "repeat"

    @property
    def element_id(self) -> str:
        return element_id(self.name)


Node = FieldNode | GroupNode | RepeatNode


@dataclass(frozen=True)
class AnswerForm:
    model: type[BaseModel]
    fields: tuple[Node, ...]
    slot_counts: Mapping[str, int] = field(default_factory=dict)


def element_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("_", "-")


def humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _label(key: str) -> str:
    return LABELS.get(key, humanise(key))


def _choice(value: str) -> Choice:
    return Choice(value, CHOICE_LABELS.get(value, humanise(value)))


class _Builder:
    def __init__(
        self,
        schema: Mapping[str, Any],
        slot_counts: Mapping[str, int],
        meeting_slots: Sequence[Choice] = (),
    ) -> None:
        self._defs: Mapping[str, Any] = schema.get("$defs", {})
        self._slots = slot_counts
        self._meeting_slots = tuple(meeting_slots)

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            resolved: Mapping[str, Any] = self._defs[ref.rsplit("/", 1)[-1]]
            return resolved
        return schema

    def object_children(self, schema: Mapping[str, Any], prefix: str) -> tuple[Node, ...]:
        required = set(schema.get("required", ()))
        nodes: list[Node] = []
        for key, sub in schema.get("properties", {}).items():
            if "const" in sub:
                continue  # the discriminator (`kind`): fixed, never asked
            if sub.get("x-legacy"):
                continue  # kept so old answers parse; nobody is asked it any more
            nodes.append(self.node(f"{prefix}{key}", key, sub, key in required))
        return tuple(nodes)

    def node(self, name: str, key: str, schema: Mapping[str, Any], required: bool) -> Node:
        if key == "slot":
            # A weekday and time is picked from the slots that suit both, not typed in parts.
            return FieldNode(
                name=name,
                label=_label(key),
                widget="meeting_slot",
                required=False,
                help=HELP[key],
                choices=(NO_FIXED_SLOT, *self._meeting_slots),
            )
        options = schema.get("anyOf")
        if isinstance(options, list):
            real = [option for option in options if option.get("type") != "null"]
            if len(real) == 1:
                return self.node(name, key, {**schema, **real[0], "anyOf": None}, False)
        schema = self.resolve(schema)
        if schema.get("type") == "object":
            children = self.object_children(schema, f"{name}.")
            return GroupNode(name=name, label=_label(key), children=children, optional=not required)
        if schema.get("type") == "array":
            return self.repeat(name, key, schema)
        return self.scalar(name, key, schema, required)

    def repeat(self, name: str, key: str, schema: Mapping[str, Any]) -> RepeatNode:
        max_items = schema.get("maxItems")
        count = self._slots.get(name, DEFAULT_SLOTS)
        if isinstance(max_items, int):
            count = min(count, max_items)
        item = schema.get("items", {})
        slots = tuple(self.node(f"{name}.{i}", key, item, True) for i in range(count))
        item_label = ITEM_LABELS.get(key, _label(key))
        labelled = tuple(_numbered(slot, item_label, i + 1) for i, slot in enumerate(slots))
        return RepeatNode(
            name=name,
            label=_label(key),
            slots=labelled,
            min_items=int(schema.get("minItems", 0)),
            max_items=max_items if isinstance(max_items, int) else None,
        )

    def scalar(self, name: str, key: str, schema: Mapping[str, Any], required: bool) -> FieldNode:
        kind = schema.get("type")
        common: dict[str, Any] = {
            "name": name,
            "label": _label(key),
            "required": required,
            "help": HELP.get(key) or schema.get("description"),
        }
        if "enum" in schema:
            choices = tuple(
                Choice(str(v), CHOICE_LABELS.get(str(v), humanise(str(v)))) for v in schema["enum"]
            )
            return FieldNode(widget="radio", choices=choices, **common)
        if kind == "boolean":
            has_default = "default" in schema
            return FieldNode(widget="checkbox" if has_default else "yesno", **common)
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            scale = _short_scale(low, high)
            if scale and key != "goal_number":
                return FieldNode(widget="radio", choices=scale, **common)
            return FieldNode(widget="number", minimum=low, maximum=high, **common)
        fmt = schema.get("format")
        if fmt == "date-time":
            return FieldNode(widget="datetime", **common)
        if fmt == "duration":
            return FieldNode(widget="duration", **common)
        max_length = schema.get("maxLength")
        wide = isinstance(max_length, int) and max_length >= _TEXTAREA_FROM
        return FieldNode(widget="textarea" if wide else "text", max_length=max_length, **common)


def _short_scale(low: object, high: object) -> tuple[Choice, ...]:
    """A 1-5 score reads best as a row of choices; wider ranges get a number box."""
    if isinstance(low, int) and isinstance(high, int) and high - low <= 4:
        return tuple(Choice(str(value), str(value)) for value in range(low, high + 1))
    return ()


def _numbered(node: Node, label: str, number: int) -> Node:
    if isinstance(node, GroupNode):
        return GroupNode(
            name=node.name,
            label=f"{label} {number}",
            children=node.children,
            optional=True,
        )
    return node


@functools.cache
def _json_schema(model: type[BaseModel]) -> Mapping[str, Any]:
    """Generating a model's JSON schema took about a millisecond, for every form shown or
    answered; the answer models are fixed, and the builder only reads the schema."""
    return MappingProxyType(model.model_json_schema())


def build_form(
    model: type[BaseModel],
    slot_counts: Mapping[str, int] | None = None,
    meeting_slots: Sequence[Choice] = (),
) -> AnswerForm:
    """`meeting_slots`: the weekday-and-time choices a contract form offers (value: slot code)."""
    counts = dict(slot_counts or {})
    schema = _json_schema(model)
    builder = _Builder(schema, counts, meeting_slots)
    fields = builder.object_children(schema, "")
    return AnswerForm(model=model, fields=fields, slot_counts=counts)


def fields_under(
    model: type[BaseModel], prefix: str, slot_counts: Mapping[str, int] | None = None
) -> tuple[Node, ...]:
    """The model's fields named under ``prefix``, so several forms can share one page."""
    schema = model.model_json_schema()
    return _Builder(schema, dict(slot_counts or {})).object_children(schema, prefix)


def form_for(
    kind: PromptKind,
    slot_counts: Mapping[str, int] | None = None,
    meeting_slots: Sequence[Choice] = (),
) -> AnswerForm:
    return build_form(ANSWER_MODELS[kind], slot_counts, meeting_slots)


def labels_by_name(answer_form: AnswerForm) -> dict[str, str]:
    """Every node's name with a label that says where it is ("Goal 2, Goal"), for summaries."""
    labels: dict[str, str] = {}

    def visit(node: Node, trail: tuple[str, ...]) -> None:
        here = (*trail, node.label)
        labels[node.name] = ", ".join(here)
        if isinstance(node, GroupNode):
            for child in node.children:
                visit(child, here)
        elif isinstance(node, RepeatNode):
            for slot in node.slots:
                visit(slot, here)

    for node in answer_form.fields:
        visit(node, ())
    return labels
