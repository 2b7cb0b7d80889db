"""Public pages: browsing challenges and a challenge's own page."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.clock import utcnow
from app.web import render
from challenges import bp, money, policy
from challenges.forms.posting import CancelForm, whole_number
from challenges.forms.questions import AnswerForm, AskForm, ClarificationForm
from challenges.models import ChallengeType, IPTerms, State
from challenges.services import listing, posting
from challenges.services import questions as question_services


@bp.app_template_filter("money")
def money_filter(amount: int, currency: str) -> str:
    return money.format_money(amount, currency)


@bp.app_template_global()
def challenge_state_label(phase: str) -> str:
    return State.LABELS.get(phase, phase)


@bp.app_template_global()
def challenge_type_label(kind: str) -> str:
    return ChallengeType.LABELS.get(kind, kind)


def _min_reward(text: str | None) -> int | None:
    return whole_number((text or "").replace(",", ""), maximum=10**9 - 1)


@bp.get("/challenges")
def browse():
    filters = listing.Filters(
        tab=request.args.get("tab", "open"),
        type=request.args.get("type", ""),
        min_reward=_min_reward(request.args.get("min_reward")),
        q=request.args.get("q", ""),
    )
    page = listing.browse(filters, cursor=request.args.get("after"))
    return render(
        "challenges/browse.html",
        partial="challenges/_browse_page.html",
        page=page,
        filters=filters,
        tabs=listing.TABS,
        types=ChallengeType.LABELS,
        now=utcnow(),
    )


def question_context(challenge) -> dict:
    """What the questions section needs; shared with the routes that re-render it for htmx."""
    now = utcnow()
    is_member = policy.is_org_member(current_user, challenge)
    return {
        "questions": question_services.visible_questions(current_user, challenge),
        "can_answer": policy.can_manage(current_user, challenge),
        "can_ask": (
            policy.signed_in(current_user) and not is_member and challenge.phase(now) in question_services.ASKABLE
        ),
        "can_clarify": (
            policy.can_manage(current_user, challenge) and challenge.phase(now) in question_services.CLARIFIABLE
        ),
        "ask_form": AskForm(formdata=None),
        "answer_form": AnswerForm(formdata=None),
        "clarification_form": ClarificationForm(formdata=None),
    }


@bp.get("/challenges/<int:challenge_id>")
def show(challenge_id: int):
    challenge = policy.challenge_or_404(current_user, challenge_id)
    now = utcnow()
    percents = [prize.percent for prize in challenge.prizes]
    prizes = list(zip(challenge.prizes, money.split_amount(challenge.reward_amount, percents)))
    return render(
        "challenges/show.html",
        challenge=challenge,
        phase=challenge.phase(now),
        now=now,
        prizes=prizes,
        states=State,
        ip_text=IPTerms.TEXT[challenge.ip_terms],
        ip_label=IPTerms.LABELS[challenge.ip_terms],
        type_label=ChallengeType.LABELS.get(challenge.type, challenge.type),
        history=listing.deadline_history(challenge),
        ideas=listing.linked_ideas(challenge, current_user),
        can_manage=policy.can_manage(current_user, challenge),
        is_member=policy.is_org_member(current_user, challenge),
        can_see_confidential=policy.can_see_confidential(current_user, challenge),
        needs_reason=posting.cancellation_needs_reason(challenge),
        cancel_form=CancelForm(formdata=None),
        **question_context(challenge),
    )
