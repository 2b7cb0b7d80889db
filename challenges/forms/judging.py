"""Forms for judging and awards. Scorecards and award tables have one row per criterion or per
submission, so their classes are built for the challenge at hand."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.errors_domain import ValidationFailed
from app.forms import WholeNumberField
from challenges import money
from challenges.services.judging import COMMENT_MAX, FEEDBACK_MAX, SCORE_MAX, SCORE_MIN

MARKDOWN_HINT = "Markdown works: **bold**, *italic*, lists, `code`, [links](https://example.com)."


def scorecard_form(criteria, scores=None):
    """`score_<criterion id>` (0–10) and `comment_<criterion id>` for each criterion, filled with
    the judge's earlier scores (a list of Score rows)."""

    class ScorecardForm(FlaskForm):
        def values(self) -> tuple[dict[int, int], dict[int, str]]:
            return (
                {c.id: self[f"score_{c.id}"].data for c in criteria},
                {c.id: self[f"comment_{c.id}"].data or "" for c in criteria},
            )

    for criterion in criteria:
        setattr(
            ScorecardForm,
            f"score_{criterion.id}",
            WholeNumberField(
                f"{criterion.name} (weight {criterion.weight})",
                [
                    InputRequired(message="Give a score from 0 to 10."),
                    NumberRange(SCORE_MIN, SCORE_MAX, message="Give a score from 0 to 10."),
                ],
                description=criterion.description or None,
                render_kw={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"},
            ),
        )
        setattr(
            ScorecardForm,
            f"comment_{criterion.id}",
            TextAreaField(
                f"Comment on {criterion.name.lower()}",
                [Optional(), Length(max=COMMENT_MAX)],
                description="Seen by the other judges, never by the solver.",
                render_kw={"rows": 2},
            ),
        )
    data = {}
    for row in scores or ():
        data[f"score_{row.criterion_id}"], data[f"comment_{row.criterion_id}"] = row.value, row.comment
    return ScorecardForm(data=data)


class FeedbackForm(FlaskForm):
    feedback = TextAreaField(
        "Private feedback to the solver",
        [Optional(), Length(max=FEEDBACK_MAX)],
        description="Only the solver (and the judges) see it. " + MARKDOWN_HINT,
    )


class NoWinnerForm(FlaskForm):
    reason = TextAreaField(
        "Why is there no winner?",
        [DataRequired(message="Tell the solvers why."), Length(min=10, max=5000)],
        description="Shown to the solvers, who are notified. The funded reward is refunded.",
    )


def award_form(ranked, currency: str, suggested: dict[int, tuple[int, int]] | None = None):
    """`place_<submission id>` and `amount_<submission id>` (major units) per ranked submission,
    prefilled with the suggested allocation."""

    class AwardForm(FlaskForm):
        def allocations(self) -> list[tuple[int, int]]:
            """(submission id, minor units) by place. Raises ValidationFailed naming the fields."""
            errors: dict[str, list[str]] = {}
            chosen: list[tuple[int, int, int]] = []
            for result in ranked:
                sid = result.submission.id
                amount_text, place = (self[f"amount_{sid}"].data or "").strip(), self[f"place_{sid}"].data
                if not amount_text and place is None:
                    continue
                if not amount_text:
                    errors[f"amount_{sid}"] = ["Give an amount, or clear the place."]
                    continue
                try:
                    amount = money.parse_major(amount_text, currency)
                except ValueError as error:
                    errors[f"amount_{sid}"] = [str(error)]
                    continue
                if place is None:
                    errors[f"place_{sid}"] = ["Give a place (1 for the first prize)."]
                    continue
                chosen.append((place, sid, amount))
            places = [place for place, _, _ in chosen]
            if not errors and len(set(places)) != len(places):
                raise ValidationFailed("Two submissions have the same place.")
            if errors:
                raise ValidationFailed("Please correct the highlighted amounts.", errors)
            return [(sid, amount) for _, sid, amount in sorted(chosen)]

    data = {}
    for sid, (place, amount) in (suggested or {}).items():
        data[f"place_{sid}"] = place
        data[f"amount_{sid}"] = f"{Decimal(amount) / 10 ** money.exponent(currency):f}"
    for result in ranked:
        sid = result.submission.id
        setattr(
            AwardForm,
            f"place_{sid}",
            WholeNumberField(
                "Place",
                [Optional(), NumberRange(1, 10, message="Places run from 1 to 10.")],
                render_kw={"min": 1, "max": 10, "inputmode": "numeric"},
            ),
        )
        setattr(
            AwardForm,
            f"amount_{sid}",
            StringField("Amount", [Optional(), Length(max=20)], render_kw={"inputmode": "decimal"}),
        )
    return AwardForm(data=data)
