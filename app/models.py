"""Imports every package's models, so the metadata (and Alembic) sees every table."""

from app.api.models import ApiToken  # noqa: F401
from app.auth.models import AuthSession, LoginThrottle, User  # noqa: F401
from app.orgs.models import Invitation, Membership, Organisation  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from ideas.models import (
    Board,
    BoardBlock,
    BoardMember,
    Category,
    Comment,
    Follow,
    Idea,  # noqa: F401
    IdeaMerge,
    IdeaRevision,
    IdeaTag,
    StatusChange,
    Tag,
)
from ideas.moderation.models import Flag, ModerationLog  # noqa: F401
from voting.models import Vote, VoteBudget  # noqa: F401
from voting.demand_models import CustomerDomain, CustomerValue, Segment  # noqa: F401
from challenges.models import (
    Agreement,
    Attachment,
    Award,
    Challenge,
    ChallengeIdea,
    Criterion,  # noqa: F401
    DeadlineChange,
    Prize,
    Question,
    Score,
    Submission,
    SubmissionVersion,
)
from challenges.payments.models import (
    Entry,
    Journal,
    Payment,
    Payout,
    PayoutAccount,
    Refund,  # noqa: F401
    WebhookEvent,
)
from app.jobs.models import Job  # noqa: F401
from app.notifications.models import MailPreference, ReminderSent  # noqa: F401
from app.reputation.models import Badge, ReputationEvent, ReputationTotal  # noqa: F401
from ideas.moderation.models import DuplicateSuggestion, HideVote  # noqa: F401
from app.webhooks.models import DeliveryAttempt, VoteThresholdCrossing, WebhookDelivery, WebhookEndpoint  # noqa: F401
