"""Levels, badges and the Super Fan share: the community's ladder, as data and pure functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    threshold: int


LEVELS = (
    Level(0, "Newcomer", 0),
    Level(1, "Member", 10),
    Level(2, "Contributor", 100),
    Level(3, "Trusted", 500),
    Level(4, "Leader", 2000),
)

# Milestones, each awarded once per member and community.
BADGES = {
    "first_idea": ("First idea", "Posted a first idea."),
    "first_answer": ("First accepted answer", "A comment was accepted as the answer."),
    "ten_answers": ("Ten accepted answers", "Ten comments accepted as the answer."),
    "idea_delivered": ("Idea delivered", "An idea of theirs was delivered."),
    "first_shortlist": ("Shortlisted", "A challenge submission made the shortlist."),
    "first_win": ("First challenge win", "Won an award in a challenge."),
}

SUPER_FAN_PER_MILLE = 5  # the top 0.5 %


def level_for(points: int) -> Level:
    current = LEVELS[0]
    for level in LEVELS:
        if points >= level.threshold:
            current = level
    return current


def next_level(points: int) -> Level | None:
    return next((level for level in LEVELS if level.threshold > points), None)


def by_number(number: int) -> Level:
    return LEVELS[number]


def super_fan_count(members_with_points: int) -> int:
    """How many Super Fans a community of that many members (with points above 0) has: the
    top 0.5 % rounded down, but at least one as soon as anybody has points."""
    if members_with_points <= 0:
        return 0
    return max(1, members_with_points * SUPER_FAN_PER_MILLE // 1000)
