"""Every kind of notification, in one place: its name on the preferences page, what it covers and
how it is mailed unless the member chose otherwise."""

from __future__ import annotations

from dataclasses import dataclass

IMMEDIATELY, DAILY, OFF = "immediately", "daily", "off"
DELIVERIES = {IMMEDIATELY: "Right away", DAILY: "Daily digest", OFF: "Off"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default: str
    # False: shown in the app only, because another mail already carries it (an invitation).
    mailed: bool = True


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "idea.status",
            "Idea status changes",
            "An idea you voted for or follow changes status or gets an official response.",
            IMMEDIATELY,
        ),
        Kind("idea.merged", "Merged ideas", "An idea you voted for or follow is merged into another.", DAILY),
        Kind("comment.reply", "Replies", "Someone replies to your comment.", IMMEDIATELY),
        Kind("comment.accepted", "Accepted answers", "Your comment is accepted as the answer.", IMMEDIATELY),
        Kind(
            "challenge.clarification",
            "Clarifications",
            "A public clarification on a challenge you entered or asked about.",
            DAILY,
        ),
        Kind(
            "challenge.answer",
            "Answers to your questions",
            "Your private question on a challenge is answered.",
            IMMEDIATELY,
        ),
        Kind("challenge.deadline", "Deadline extensions", "A challenge you entered gets more time.", DAILY),
        Kind(
            "challenge.reminder", "Deadline reminders", "A challenge you entered closes within 48 hours.", IMMEDIATELY
        ),
        Kind("challenge.cancelled", "Cancelled challenges", "A challenge you entered is cancelled.", IMMEDIATELY),
        Kind(
            "challenge.submission",
            "New submissions",
            "A solver submits to a challenge your organisation judges.",
            DAILY,
        ),
        Kind("challenge.judging", "Judging", "Your submission is being judged.", DAILY),
        Kind("challenge.award", "Awards", "Your submission wins an award.", IMMEDIATELY),
        Kind("challenge.award_accepted", "Accepted awards", "A winner accepts an award your organisation made.", DAILY),
        Kind("payout.paid", "Payouts paid", "Money you won is on its way to your account.", IMMEDIATELY),
        Kind("payout.failed", "Payouts that failed", "A payout to you failed or was reversed.", IMMEDIATELY),
        Kind(
            "org.invitation",
            "Invitations",
            "An organisation invites you to join. The invitation itself always "
            "comes by mail, so this one is shown here only.",
            OFF,
            mailed=False,
        ),
    )
}

MAILED = [kind for kind in KINDS.values() if kind.mailed]


def label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key
