"""What earns and costs points: the one table, read by the rules that apply it (app.community.rules)
and by the moderation services that charge penalties."""

POINTS = {
    "vote_up": 10,  # an up-vote received on your idea (taken back with the vote)
    "vote_down": -2,  # a down-vote received, on boards that allow them
    "delivered": 50,  # your idea was delivered
    "accepted": 25,  # your comment was accepted as the answer
    "shortlisted": 30,  # your challenge submission made the shortlist
    "awarded": 100,  # you won an award in a challenge
    "spam_removed": -50,  # a moderator removed your content as spam
    "flag_rejected": -10,  # a moderator rejected your flag
    "solution": 25,  # your answer was accepted as the solution to someone else's question
    "accepting": 2,  # you accepted an answer (by someone else) to your own question
    "kudos": 5,  # kudos received on an answer (at most KUDOS_DAILY_CAP a day)
}
# Points from kudos a member may earn in one community per day (UTC): thanks, not a currency.
KUDOS_DAILY_CAP = 50
REASONS = {
    "vote": "Votes on an idea",
    "delivered": "Idea delivered",
    "accepted": "Answer accepted",
    "shortlisted": "Submission shortlisted",
    "awarded": "Challenge award",
    "spam_removed": "Removed as spam",
    "flag_rejected": "Flag rejected",
    "solution": "Solution accepted",
    "accepting": "Accepted a solution",
    "kudos": "Kudos received",
}
