"""The posting form and the lifecycle forms (extend, cancel), and the step from form text to a
`ChallengeInput`: amounts, the split and the deadline are parsed here, where a typo can still be
shown on its field; everything else is the service's to judge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import WholeNumberField
from challenges import money
from challenges.models import Challenge, ChallengeType, IPTerms
from challenges.services.posting import EDITABLE_WHILE_OPEN, ChallengeInput

MARKDOWN_HINT = "Markdown works: **bold**, *italic*, lists, `code`, [links](https://example.com)."
CRITERIA_ROWS = 5
DEADLINE_FORMAT = "%Y-%m-%dT%H:%M"


class CriterionRow(Form):
    """One judging criterion; a row left blank is ignored."""

    name = StringField("Criterion", [Optional(), Length(max=120)])
    weight = WholeNumberField("Weight", [Optional(), NumberRange(min=1, max=100, message="From 1 to 100.")])
    description = StringField("What the judges look for", [Optional(), Length(max=500)])


class ChallengeForm(FlaskForm):
    title = StringField("Title", [DataRequired(message="Give the challenge a title."), Length(max=160)])
    summary = TextAreaField(
        "Summary",
        [DataRequired(message="Summarise the problem."), Length(max=400)],
        description="Two sentences shown on the challenge cards.",
        render_kw={"rows": 2},
    )
    statement = TextAreaField(
        "Problem statement",
        [DataRequired(message="Describe the problem."), Length(max=50_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 12},
    )
    type = RadioField("Type", choices=list(ChallengeType.LABELS.items()), default=ChallengeType.IDEATION)
    criteria = FieldList(FormField(CriterionRow), min_entries=CRITERIA_ROWS, max_entries=CRITERIA_ROWS)
    reward = StringField(
        "Reward",
        [DataRequired(message="Give the reward.")],
        description="The whole reward, e.g. 5000 or 5000.50.",
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField("Currency", choices=[(code, code.upper()) for code in money.CURRENCIES], default="usd")
    split = StringField(
        "Split between winners (%)",
        [DataRequired(message="Give the split.")],
        default="100",
        description="One percentage per place, first place first: “100” for one winner, “60, 30, 10” for three.",
    )
    deadline = StringField(
        "Submission deadline",
        [DataRequired(message="Give the submission deadline.")],
        render_kw={"type": "datetime-local"},
    )
    # The poster's IANA time zone, filled in by app.js; without it the deadline is read as UTC.
    timezone = HiddenField(render_kw={"data-timezone": ""})
    ip_terms = RadioField("Intellectual property", choices=list(IPTerms.LABELS.items()), default=IPTerms.NON_EXCLUSIVE)
    eligibility = TextAreaField(
        "Eligibility",
        [Optional(), Length(max=50_000)],
        render_kw={"rows": 3},
        description="Who may enter, e.g. “Open to everyone over 18”. Solvers agree to it.",
    )
    confidential_material = TextAreaField(
        "Confidential material",
        [Optional(), Length(max=50_000)],
        render_kw={"rows": 5},
        description="Shown only to solvers who accepted the terms. " + MARKDOWN_HINT,
    )
    acceptance_days = WholeNumberField(
        "Days a winner has to accept",
        [DataRequired(message="Give a number of days.")],
        default=14,
        description="For an exclusive assignment: after this the award may pass to the next-ranked submission.",
    )
    idea_ids = StringField(
        "Ideas it answers",
        [Optional(), Length(max=500)],
        description="Numbers of your organisation's ideas, separated by commas, e.g. 12, 40.",
    )


class ExtendForm(FlaskForm):
    deadline = StringField(
        "New deadline", [DataRequired(message="Give the new deadline.")], render_kw={"type": "datetime-local"}
    )
    timezone = HiddenField(render_kw={"data-timezone": ""})
    reason = TextAreaField(
        "Reason",
        [Optional(), Length(max=2000)],
        render_kw={"rows": 3},
        description="Solvers who accepted the terms are told, with this reason.",
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        [Optional(), Length(max=5000)],
        render_kw={"rows": 4},
        description="Shown on the challenge and sent to every solver who accepted the terms.",
    )


# --------------------------------------------------------------------------- form <-> input


def zone_of(name: str | None) -> ZoneInfo | timezone:
    """The poster's zone; UTC when the browser sent none (no JavaScript) or an unknown name."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file path
        return UTC


def zone_name(name: str | None) -> str:
    zone = zone_of(name)
    return "UTC" if zone is UTC else str(zone)


def parse_deadline(field, zone_name_: str | None) -> datetime | None:
    """A datetime-local value read in the poster's zone, as an aware UTC datetime."""
    try:
        local = datetime.strptime((field.data or "").strip()[:16], DEADLINE_FORMAT)
        # Year 1 or 9999 may not fit once moved to UTC.
        return local.replace(tzinfo=zone_of(zone_name_)).astimezone(UTC)
    except (ValueError, OverflowError):
        field.errors = list(field.errors) + ["Give a date and time like 2030-06-30T17:00."]
        return None


ID_MAX = 2**31 - 1  # the largest id an integer column holds
_WHOLE = re.compile(r"[0-9]{1,10}")


def whole_number(text: str | None, maximum: int = ID_MAX) -> int | None:
    """A whole number from 1 to `maximum` written in ASCII digits, else None (str.isdigit also
    accepts "²", which int() refuses)."""
    text = (text or "").strip()
    if not _WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


def deadline_value(value: datetime) -> str:
    """A stored deadline for a datetime-local input (in UTC: the form says so)."""
    return value.astimezone(UTC).strftime(DEADLINE_FORMAT)


def _parse_split(field) -> list[int] | None:
    try:
        return [int(part) for part in (field.data or "").replace("%", "").replace("/", ",").split(",") if part.strip()]
    except ValueError:
        field.errors = list(field.errors) + ["Write whole percentages separated by commas, e.g. 60, 30, 10."]
        return None


def _parse_ids(field) -> list[int] | None:
    ids = [whole_number(part.strip().lstrip("#")) for part in (field.data or "").split(",") if part.strip()]
    if None in ids:
        field.errors = list(field.errors) + ["Write idea numbers separated by commas."]
        return None
    return ids


def _criteria(form: ChallengeForm) -> list[tuple[str, int, str]] | None:
    rows, ok = [], True
    for row in form.criteria:
        name = (row.form.name.data or "").strip()
        if not name and not row.form.weight.data and not (row.form.description.data or "").strip():
            continue
        if not name or not row.form.weight.data:
            row.form.name.errors = list(row.form.name.errors) + ["Give the criterion a name and a weight."]
            if ok:  # the list's errors were fixed at validation: this one makes the form count as invalid
                form.criteria.errors = list(form.criteria.errors) + ["Complete or clear the highlighted rows."]
            ok = False
            continue
        rows.append((name, row.form.weight.data, row.form.description.data or ""))
    return rows if ok else None


def to_input(form: ChallengeForm, challenge: Challenge | None = None) -> ChallengeInput | None:
    """The service's input from a validated form, or None when a field could not be read (its
    errors are on the form). Fields the form left out (an open challenge's promises) keep the
    challenge's stored values."""
    if challenge is not None and "reward" not in form._fields:
        return ChallengeInput(
            **{name: getattr(form, name).data for name in EDITABLE_WHILE_OPEN},
            reward_amount=challenge.reward_amount,
            currency=challenge.currency,
            deadline=challenge.deadline,
            type=challenge.type,
            ip_terms=challenge.ip_terms,
            acceptance_days=challenge.acceptance_days,
            criteria=[(c.name, c.weight, c.description) for c in challenge.criteria],
            split=[p.percent for p in challenge.prizes],
        )
    reward = None
    try:
        reward = money.parse_major(form.reward.data, form.currency.data)
    except (ValueError, KeyError) as error:
        form.reward.errors = list(form.reward.errors) + [
            str(error) if isinstance(error, ValueError) else "Choose a currency."
        ]
    deadline = parse_deadline(form.deadline, form.timezone.data)
    split, idea_ids, criteria = _parse_split(form.split), _parse_ids(form.idea_ids), _criteria(form)
    if None in (reward, deadline, split, idea_ids, criteria):
        return None
    return ChallengeInput(
        title=form.title.data,
        summary=form.summary.data,
        statement=form.statement.data,
        reward_amount=reward,
        deadline=deadline,
        type=form.type.data,
        currency=form.currency.data,
        ip_terms=form.ip_terms.data,
        eligibility=form.eligibility.data or "",
        confidential_material=form.confidential_material.data or "",
        acceptance_days=form.acceptance_days.data,
        criteria=criteria,
        split=split,
        idea_ids=idea_ids,
    )


def fill_from(form: ChallengeForm, challenge: Challenge) -> None:
    """Show a stored challenge in the form (the deadline in UTC, and the form says so)."""
    for name in (
        "title",
        "summary",
        "statement",
        "type",
        "currency",
        "ip_terms",
        "eligibility",
        "confidential_material",
        "acceptance_days",
    ):
        if name in form._fields:
            getattr(form, name).data = getattr(challenge, name)
    if "reward" not in form._fields:
        return
    exp = money.exponent(challenge.currency)
    form.reward.data = f"{challenge.reward_amount / 10**exp:.{exp}f}"
    form.split.data = ", ".join(str(p.percent) for p in challenge.prizes)
    form.deadline.data, form.timezone.data = deadline_value(challenge.deadline), "UTC"
    for row, criterion in zip(form.criteria, challenge.criteria):
        row.form.name.data, row.form.weight.data = criterion.name, criterion.weight
        row.form.description.data = criterion.description


def only_wording(form: ChallengeForm) -> None:
    """An open challenge changes its wording only: drop the rest from the form."""
    for name in list(form._fields):
        if name not in EDITABLE_WHILE_OPEN and name != "csrf_token":
            delattr(form, name)
