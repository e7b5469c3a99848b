"""The participants' inbox: plain HTML pages behind the signed link of each mail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from domain.commands import PARTICIPANT_COMMAND_TYPES, AnswerPrompt
from domain.prompts import Prompt, PromptKind
from domain.validation import is_duplicate_answer
from domain.views import participant_phase
from services import answers, participants
from services.errors import RefusedError as AnswerRefusedError
from services.pairs import relationship_handle
from twoway.logging import get_logger
from web.inbox.access import (
    BUSY,
    RefusedError,
    Relationship,
    open_prompt_of,
    person_from_token,
    relationship_of,
)
from web.inbox.actions import (
    BY_NAME,
    ActionSpec,
    action_form,
    available_actions,
    field_errors_shown,
    form_errors,
    new_form_id,
)
from web.inbox.actions import initial_values as action_values
from web.inbox.forms import AnswerForm, form_for
from web.inbox.listing import inbox_listing
from web.inbox.parse import parse_form
from web.inbox.prefill import (
    contract_shown,
    initial_values,
    meeting_slot_choices,
    meeting_time,
    slot_counts,
)
from web.inbox.reading import (
    briefing_of,
    briefing_parts,
    certificate_available,
    certificate_for,
    next_meeting_guide,
    programme_of,
)
from web.inbox.rendering import inbox_environment
from web.inbox.timeline import personal_timeline
from web.reads import pending_prompt_kind
from web.services import WebServices, get_services
from workflows.relationship_io import AnswerReceipt, ParticipantReceipt

log = get_logger(__name__)
router = APIRouter(prefix="/inbox", include_in_schema=False)
templates = Jinja2Templates(env=inbox_environment(Path(__file__).parents[1] / "templates"))
Services = Annotated[WebServices, Depends(get_services)]
_ANSWER_ID = re.compile(r"^web-[0-9a-f]{32}$")
NUL_MESSAGE = "This text contains a NUL character, which cannot be stored."
NOT_CONFIRMED_TITLE = "Your answer is not confirmed yet"
NOT_CONFIRMED_MESSAGE = (
    "The service is very busy and could not confirm your answer. Please send it again:"
    " it will be recorded only once."
)

TITLES: dict[PromptKind, str] = {
    PromptKind.CONSENT: "Do you accept this mentoring match?",
    PromptKind.ONBOARDING: "Read your briefing and acknowledge each part",
    PromptKind.CONTRACT_PROPOSAL: "Propose your mentoring contract",
    PromptKind.CONTRACT_REVIEW: "Review the proposed contract",
    PromptKind.MEETING_LOG: "How did your meeting go?",
    PromptKind.CHECKIN: "Your private check-in",
    PromptKind.MUTUAL_CONSENT: "Should learning go both ways?",
    PromptKind.CLOSING_REFLECTION: "Your final reflection",
    PromptKind.MEETING_MOVE: "Your partner asks to move your next meeting",
}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _refused(request: Request, refusal: RefusedError) -> HTMLResponse:
    return _page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)


def _unavailable(request: Request, error: RPCError) -> HTMLResponse:
    # Only the status (timeout, unavailable): the path holds the person's link token.
    log.warning("inbox_temporal_unavailable", status=error.status.name)
    return _refused(request, RefusedError(503, BUSY))


RouteParams = ParamSpec("RouteParams")


def _refusals_as_pages(
    route: Callable[RouteParams, Awaitable[HTMLResponse]],
) -> Callable[RouteParams, Awaitable[HTMLResponse]]:
    """Answers the route's `RefusedError`, and Temporal out of reach, with the refusal page.

    A route raises `RefusedError` where it cannot go on and says nothing more about it; what
    the person can correct (a form's errors, an answer the rules refused) stays the route's
    own: it shows the form again. FastAPI passes a route's parameters by name, and every route
    here names its request `request`.
    """

    @wraps(route)
    async def answering(*args: RouteParams.args, **kwargs: RouteParams.kwargs) -> HTMLResponse:
        try:
            return await route(*args, **kwargs)
        except RefusedError as refusal:
            return _refused(_request_in(kwargs), refusal)
        except RPCError as error:
            return _unavailable(_request_in(kwargs), error)

    return answering


def _request_in(arguments: Mapping[str, object]) -> Request:
    request = arguments["request"]
    assert isinstance(request, Request)
    return request


@router.get("/{token}", response_class=HTMLResponse)
@_refusals_as_pages
async def inbox(request: Request, token: str, services: Services) -> HTMLResponse:
    person_id = await person_from_token(services, token)
    listing = await inbox_listing(services, person_id)
    context = {"token": token, "listing": listing, "titles": TITLES}
    return _page(request, "inbox.html.j2", context)


async def _opened(
    services: WebServices, token: str, relationship_id: str
) -> tuple[str, Relationship]:
    """The link's person and their relationship; a RefusedError says why it cannot open."""
    person_id = await person_from_token(services, token)
    return person_id, await relationship_of(services, person_id, relationship_id)


@router.get("/{token}/relationships/{relationship_id}", response_class=HTMLResponse)
@_refusals_as_pages
async def relationship_page(
    request: Request, token: str, relationship_id: str, services: Services
) -> HTMLResponse:
    person_id, relationship = await _opened(services, token, relationship_id)
    return await _relationship_view(request, services, token, person_id, relationship)


@dataclass(frozen=True)
class _Shown:
    """One request form as shown: what it starts with, or what was typed and what is wrong."""

    values: dict[str, str] | None = None
    errors: dict[str, str] | None = None
    message: str | None = None


async def _relationship_view(
    request: Request,
    services: WebServices,
    token: str,
    person_id: str,
    relationship: Relationship,
    shown: dict[str, _Shown] | None = None,
    status: int = 200,
) -> HTMLResponse:
    state = relationship.state
    entries = await personal_timeline(services.pool, state, person_id, services.sealer)
    now = services.clock()
    actions = []
    for spec in available_actions(state, person_id):
        given = (shown or {}).get(spec.name, _Shown())
        form = action_form(spec, state)
        actions.append(
            {
                "spec": spec,
                "form": form,
                "filled": given.values
                if given.values is not None
                else action_values(spec, state, now),
                "errors": given.errors or {},
                "error_list": field_errors_shown(given.errors or {}, form),
                "message": given.message,
                "form_id": new_form_id(),
            }
        )
    context = {
        "token": token,
        "state": state,
        "role": state.role_of(person_id),
        "entries": entries,
        "contract": state.contract,
        "meeting_guide": await next_meeting_guide(services, state),
        "certificate": certificate_available(state),
        "actions": actions,
        "next_meeting": state.pending_meeting,
        "meeting_time": meeting_time(state, state.contract, person_id, services.clock()),
    }
    return _page(request, "relationship.html.j2", context, status)


ACTION_PATH = "/{token}/relationships/{relationship_id}/actions/{action}"


@router.post(ACTION_PATH, response_class=HTMLResponse)
@_refusals_as_pages
async def submit_action(
    request: Request, token: str, relationship_id: str, action: str, services: Services
) -> HTMLResponse:
    # The link first: a body is read only for someone holding a valid link.
    person_id = await person_from_token(services, token)
    spec = BY_NAME.get(action)
    if spec is None:
        raise RefusedError(404, "There is no such request.")
    relationship = await relationship_of(services, person_id, relationship_id)
    submitted = await request.form()
    values = {key: value for key, value in submitted.items() if isinstance(value, str)}
    form_id = values.pop("form_id", "")
    if not _ANSWER_ID.match(form_id):
        form_id = new_form_id()

    async def again(status: int, **extra: Any) -> HTMLResponse:
        shown = {spec.name: _Shown(values=values, **extra)}
        return await _relationship_view(
            request, services, token, person_id, relationship, shown, status
        )

    with_nul = {name: NUL_MESSAGE for name, value in values.items() if "\x00" in value}
    if with_nul:
        return await again(422, errors=with_nul)
    form = action_form(spec, relationship.state)
    parsed = parse_form(form, values)
    try:
        command = spec.model.model_validate({**parsed.data, "participant_id": person_id})
    except ValidationError as error:
        return await again(422, errors=form_errors(spec, parsed.field_errors(error)))
    assert isinstance(command, PARTICIPANT_COMMAND_TYPES)
    try:
        receipt = await participants.submit_action(relationship.handle, command, form_id)
    except AnswerRefusedError as refused:
        return await again(409, message=refused.message)
    except (WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
        return await again(503, message=NOT_CONFIRMED_REQUEST)
    return _acted_page(request, token, relationship, spec, receipt)


NOT_CONFIRMED_REQUEST = (
    "The service is very busy and could not confirm your request. Please send it again:"
    " it will be applied only once."
)


def _acted_page(
    request: Request,
    token: str,
    relationship: Relationship,
    spec: ActionSpec,
    receipt: ParticipantReceipt,
) -> HTMLResponse:
    context = {"token": token, "state": relationship.state, "spec": spec, "receipt": receipt}
    return _page(request, "acted.html.j2", context)


@router.get("/{token}/relationships/{relationship_id}/briefing", response_class=HTMLResponse)
@_refusals_as_pages
async def briefing_page(
    request: Request, token: str, relationship_id: str, services: Services
) -> HTMLResponse:
    """The person's briefing to read again at any time (it is acknowledged in its prompt)."""
    person_id, relationship = await _opened(services, token, relationship_id)
    state = relationship.state
    context = {"token": token, "state": state, "briefing": briefing_of(services, state, person_id)}
    return _page(request, "briefing.html.j2", context)


NO_CERTIFICATE = "There is no certificate here: it is issued when a relationship completes."


@router.get("/{token}/relationships/{relationship_id}/certificate", response_class=HTMLResponse)
@_refusals_as_pages
async def certificate_page(
    request: Request, token: str, relationship_id: str, services: Services
) -> HTMLResponse:
    """A printable certificate for each of the pair, once (and only if) the term completed."""
    person_id, relationship = await _opened(services, token, relationship_id)
    state = relationship.state
    if not certificate_available(state):
        raise RefusedError(404, NO_CERTIFICATE)
    certificate = await certificate_for(services, state, person_id)
    context = {"token": token, "state": state, "certificate": certificate}
    return _page(request, "certificate.html.j2", context)


async def _prompt_context(
    services: WebServices, token: str, relationship_id: str, prompt_id: str
) -> tuple[str, Relationship, Prompt]:
    person_id = await person_from_token(services, token)
    relationship = await relationship_of(services, person_id, relationship_id)
    return person_id, relationship, open_prompt_of(relationship, person_id, prompt_id)


# The prompts at which the pair agrees what to work on: the programme's aims are shown there.
_CONTRACTING_KINDS = frozenset({PromptKind.CONTRACT_PROPOSAL, PromptKind.CONTRACT_REVIEW})


async def _reading(
    services: WebServices, relationship: Relationship, prompt: Prompt, form: AnswerForm
) -> dict[str, Any]:
    """What the person reads beside the form: their briefing, or the programme's objectives."""
    state = relationship.state
    if prompt.kind == PromptKind.ONBOARDING:
        briefing = briefing_of(services, state, prompt.recipient_id)
        parts, others = briefing_parts(briefing, form)
        return {"briefing": briefing, "briefing_parts": parts, "other_fields": others}
    if prompt.kind in _CONTRACTING_KINDS:
        return {"programme": await programme_of(services, state)}
    return {}


async def _form_page(
    request: Request,
    services: WebServices,
    token: str,
    relationship: Relationship,
    prompt: Prompt,
    *,
    now: datetime,
    values: dict[str, str],
    answer_id: str,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    message_title: str = "Your answer was not accepted",
    status: int = 200,
) -> HTMLResponse:
    state = relationship.state
    form = form_for(
        prompt.kind, slot_counts(state, prompt), meeting_slot_choices(state, prompt, now)
    )
    contract = contract_shown(state, prompt)
    context = {
        "token": token,
        "state": state,
        "role": state.role_of(prompt.recipient_id),
        "prompt": prompt,
        "title": TITLES[prompt.kind],
        "form": form,
        "other_fields": form.fields,
        **await _reading(services, relationship, prompt, form),
        "contract": contract,
        "meeting_time": meeting_time(state, contract, prompt.recipient_id, now),
        "values": values,
        "errors": errors or {},
        "message": message,
        "message_title": message_title,
        "answer_id": answer_id,
    }
    return _page(request, "prompt.html.j2", context, status)


PROMPT_PATH = "/{token}/relationships/{relationship_id}/prompts/{prompt_id}"


@router.get(PROMPT_PATH, response_class=HTMLResponse)
@_refusals_as_pages
async def prompt_form(
    request: Request, token: str, relationship_id: str, prompt_id: str, services: Services
) -> HTMLResponse:
    _, relationship, prompt = await _prompt_context(services, token, relationship_id, prompt_id)
    now = services.clock()
    values = initial_values(relationship.state, prompt, now)
    # One id per form shown: a double submit or a browser resend is applied once.
    answer_id = _new_answer_id()
    return await _form_page(
        request, services, token, relationship, prompt, now=now, values=values,
        answer_id=answer_id,
    )  # fmt: skip


@router.post(PROMPT_PATH, response_class=HTMLResponse)
@_refusals_as_pages
async def submit_answer(
    request: Request, token: str, relationship_id: str, prompt_id: str, services: Services
) -> HTMLResponse:
    # The link first: a body is read only for someone holding a valid link.
    person_id = await person_from_token(services, token)
    submitted = await request.form()
    values = {key: value for key, value in submitted.items() if isinstance(value, str)}
    answer_id = values.pop("answer_id", "")
    if not _ANSWER_ID.match(answer_id):
        answer_id = _new_answer_id()
    direct = await _answer_directly(
        services, person_id, relationship_id, prompt_id, values, answer_id
    )
    if direct is not None:
        kind, receipt = direct
        return _answered_page(request, token, relationship_id, kind, receipt)
    relationship = await relationship_of(services, person_id, relationship_id)
    resent = _resent_answer(relationship, person_id, prompt_id, answer_id)
    if resent is not None:
        receipt = AnswerReceipt(
            prompt_id=prompt_id,
            duplicate=True,
            phase=participant_phase(relationship.state).value,
        )
        return _answered_page(request, token, relationship_id, resent.kind, receipt)
    prompt = open_prompt_of(relationship, person_id, prompt_id)
    answer_form = form_for(prompt.kind, slot_counts(relationship.state, prompt))
    parsed = parse_form(answer_form, values)

    async def again(status: int, **extra: Any) -> HTMLResponse:
        return await _form_page(
            request, services, token, relationship, prompt, now=services.clock(),
            values=values, answer_id=answer_id, status=status, **extra,
        )  # fmt: skip

    # PostgreSQL cannot store NUL in text: an answer holding one would never be recorded.
    with_nul = {name: NUL_MESSAGE for name, value in values.items() if "\x00" in value}
    if with_nul:
        return await again(422, errors=with_nul)
    try:
        answer = answer_form.model.model_validate(parsed.data)
    except ValidationError as error:
        return await again(422, errors=parsed.field_errors(error))
    command = _answer_command(answer_id, prompt.prompt_id, person_id, answer)
    try:
        receipt = await answers.submit_answer(relationship.handle, command)
    except AnswerRefusedError as refused:
        # Nothing was applied; the corrected form goes out as a new answer (and a new update).
        return await _form_page(
            request, services, token, relationship, prompt, now=services.clock(),
            values=values, answer_id=_new_answer_id(), status=409, message=refused.message,
        )  # fmt: skip
    except (WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
        return await again(503, message=NOT_CONFIRMED_MESSAGE, message_title=NOT_CONFIRMED_TITLE)
    return _answered_page(request, token, relationship_id, prompt.kind, receipt)


# Forms that are the same whatever the relationship's state; the others depend on it (one row
# per goal of the contract in force, the meeting slots both people's hours allow) and need it.
_SAME_FOR_EVERY_STATE = frozenset(
    {
        PromptKind.CONSENT,
        PromptKind.ONBOARDING,
        PromptKind.MEETING_LOG,
        PromptKind.MUTUAL_CONSENT,
    }
)


async def _answer_directly(
    services: WebServices,
    person_id: str,
    relationship_id: str,
    prompt_id: str,
    values: dict[str, str],
    answer_id: str,
) -> tuple[PromptKind, AnswerReceipt] | None:
    """The common case without asking the workflow for its state first: the answer, or None.

    Asking for the state is a query task on the worker for every answer, the same order of
    cost as the answer itself. The read model already says which prompt is open for this
    person and of what kind; the update's validator has the last word (a prompt closed since,
    a wrong respondent). Anything but a clean answer (the prompt not listed, a form to correct,
    a refusal, no confirmation) returns None and goes the way that reads the state and says why.
    """
    listed = await pending_prompt_kind(services.pool, relationship_id, prompt_id, person_id)
    if listed is None or PromptKind(listed) not in _SAME_FOR_EVERY_STATE:
        return None
    kind = PromptKind(listed)
    answer_form = form_for(kind, {})
    if any("\x00" in value for value in values.values()):
        return None
    try:
        answer = answer_form.model.model_validate(parse_form(answer_form, values).data)
    except ValidationError:
        return None
    command = _answer_command(answer_id, prompt_id, person_id, answer)
    handle = relationship_handle(services.client, relationship_id)
    try:
        # An update id of its own: a resent form then reaches the workflow, which knows the
        # answer id and says "already recorded" (the server would replay the first reply).
        receipt = await answers.submit_answer(handle, command, update_id=_new_answer_id())
        return kind, receipt
    except (AnswerRefusedError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
        # Sending it again on the other way is safe: the update id is the answer id.
        return None


def _answer_command(
    answer_id: str, prompt_id: str, person_id: str, answer: BaseModel
) -> AnswerPrompt:
    return AnswerPrompt.model_validate(
        {
            "answer_id": answer_id,
            "prompt_id": prompt_id,
            "respondent_id": person_id,
            "answer": answer.model_dump(),
        }
    )


def _resent_answer(
    relationship: Relationship, person_id: str, prompt_id: str, answer_id: str
) -> Prompt | None:
    """The person's prompt when this form was already applied (a resend after a lost reply)."""
    prompt = relationship.state.prompts.get(prompt_id)
    if prompt is None or prompt.recipient_id != person_id:
        return None
    return prompt if is_duplicate_answer(relationship.state, answer_id) else None


def _new_answer_id() -> str:
    """One per form shown (the form's hidden field): what a resend of that form is known by."""
    return f"web-{uuid.uuid4().hex}"


def _answered_page(
    request: Request,
    token: str,
    relationship_id: str,
    kind: PromptKind,
    receipt: AnswerReceipt,
) -> HTMLResponse:
    context = {
        "token": token,
        "relationship_id": relationship_id,
        "receipt": receipt,
        "title": TITLES[kind],
    }
    return _page(request, "answered.html.j2", context)
