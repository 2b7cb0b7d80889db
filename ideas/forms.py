from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.forms import WholeNumberField
from ideas.models import Status
from ideas.moderation.models import REASONS

MARKDOWN_HINT = "Markdown works: **bold**, *italic*, lists, `code`, [links](https://example.com)."


class IdeaForm(FlaskForm):
    title = StringField(
        "Title",
        [DataRequired(message="Give your idea a title."), Length(max=160)],
        description="One sentence: what should the product do?",
    )
    body = TextAreaField("Details", [Optional(), Length(max=20_000)], description=MARKDOWN_HINT)
    category_id = SelectField(
        "Category", coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False
    )
    tags = StringField("Tags", [Optional(), Length(max=300)], description="Up to 5, separated by commas.")


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment", [DataRequired(message="Write a comment first."), Length(max=10_000)], description=MARKDOWN_HINT
    )
    parent_id = HiddenField()


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=[(s, Status.LABELS[s]) for s in Status.SETTABLE])
    message = TextAreaField(
        "Official response",
        [Optional(), Length(max=10_000)],
        description="Shown on the idea and sent to its followers and voters.",
    )
    release_note = TextAreaField(
        "Release note", [Optional(), Length(max=10_000)], description="For the changelog, when the status is Delivered."
    )


class MergeForm(FlaskForm):
    """The confirmation of a merge: the idea to keep, chosen among the search's candidates."""

    target_id = WholeNumberField(
        "Idea to keep", [DataRequired(message="Choose the idea to merge into.")], widget=HiddenInput()
    )


class FlagForm(FlaskForm):
    reason = SelectField("Reason", choices=list(REASONS.items()))
    note = StringField("Anything a moderator should know?", [Optional(), Length(max=500)])


class BoardForm(FlaskForm):
    name = StringField("Name", [DataRequired(message="Enter a name."), Length(min=2, max=120)])
    slug = StringField(
        "Address",
        [Optional(), Length(max=64)],
        description="Lower-case letters, digits and dashes; leave empty to derive it from the name.",
    )
    description = TextAreaField("Description", [Optional(), Length(max=5000)], description=MARKDOWN_HINT)
    is_private = BooleanField("Private: only the organisation and invited customers can see it")
    allow_downvotes = BooleanField("Allow down-votes")
    vote_budget = WholeNumberField(
        "Vote budget",
        [Optional(), NumberRange(min=1, max=1000)],
        description="Active votes each member may hold here; empty for unlimited.",
    )
    categories = StringField(
        "Categories",
        [Optional(), Length(max=1000)],
        description="Separated by commas, e.g. Reporting, Integrations, Mobile.",
    )


class CategoryForm(FlaskForm):
    # Its own id: the board form on the same page has a "name" too.
    name = StringField("New category", [DataRequired(message="Enter a name."), Length(max=60)], id="category-name")


class CustomerForm(FlaskForm):
    email = StringField("Customer email", [DataRequired(message="Enter an email address."), Length(max=254)])


class BlockForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    reason = StringField("Reason", [Optional(), Length(max=500)])


class ProxyVoteForm(FlaskForm):
    """A product manager records a customer's vote (from a call or an email) on the idea's page:
    a person chosen among the suggestions (`customer_id`, the value of the button chosen, never a
    rendered input), a known address, or a new customer, only when asked, with the address typed twice."""

    email = EmailField("Or their email address", [Optional(), Length(max=254)])
    note = StringField(
        "Where it came from",
        [Optional(), Length(max=500)],
        description="e.g. “Call with Globex, 12 May”. Shown to product managers only.",
    )
    customer_id = WholeNumberField(validators=[Optional()])
    new_customer = BooleanField("Add a new customer with this address")
    confirm_email = EmailField("The new customer's address, again", [Optional(), Length(max=254)])
